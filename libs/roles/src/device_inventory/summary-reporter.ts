import { createHash } from 'node:crypto';
import { InventoryEvents, canonicalJson, stableInventoryView, type InventoryReportMessage, type InventorySummary } from '@borealis/protocol';
import type { Logger } from 'pino';
import type { RoleAck } from '../core';

export interface SummaryReporterDeps {
  collect: () => Promise<InventorySummary>;
  emit: (event: string, payload: unknown) => Promise<RoleAck>;
  now: () => number;
  logger: Logger;
  setTimer: (fn: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

/** After a failed send, try again this soon rather than a whole interval later. */
export const RETRY_AFTER_FAILURE_MS = 30_000;

/** Hash of the parts of a summary that count as a change (see `stableInventoryView`). */
export function summaryHash(summary: InventorySummary): string {
  return createHash('sha256').update(canonicalJson(stableInventoryView('summary', summary))).digest('hex');
}

/**
 * Sends the summary at start and then only when it changed. Checks run every `intervalMs`;
 * a summary counts as sent once the server acknowledged it, so a send lost while offline is retried.
 */
export class SummaryReporter {
  private lastSentHash: string | undefined;
  private timer: unknown;
  private intervalMs = 0;
  private checking: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly deps: SummaryReporterDeps) {}

  /** (Re)starts the schedule: checks at once, then every `intervalMs`. */
  start(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.stopped = false;
    this.schedule(0);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** One check (collect, compare, send if changed); concurrent callers share it. Never rejects. */
  check(): Promise<void> {
    this.checking ??= this.runCheck().finally(() => { this.checking = undefined; });
    return this.checking;
  }

  private schedule(ms: number): void {
    if (this.timer !== undefined) this.deps.clearTimer(this.timer);
    this.timer = this.deps.setTimer(() => {
      this.timer = undefined;
      void this.check(); // never rejects: runCheck catches and reschedules
    }, ms);
  }

  private async runCheck(): Promise<void> {
    let next = this.intervalMs;
    try {
      const collectedAt = this.deps.now();
      const data = await this.deps.collect();
      const hash = summaryHash(data);
      if (hash !== this.lastSentHash) {
        const message: InventoryReportMessage = { kind: 'summary', collectedAt, data };
        const ack = await this.deps.emit(InventoryEvents.report, message);
        if (ack.ok) {
          this.lastSentHash = hash;
          this.deps.logger.info({ hash: hash.slice(0, 12) }, 'inventory summary sent');
        } else {
          this.deps.logger.warn({ code: ack.code, message: ack.message }, 'inventory summary not accepted; retrying');
          next = Math.min(next, RETRY_AFTER_FAILURE_MS);
        }
      }
    } catch (err) {
      this.deps.logger.warn({ err: err instanceof Error ? err.message : String(err) }, 'inventory summary check failed');
      next = Math.min(next, RETRY_AFTER_FAILURE_MS);
    }
    if (!this.stopped) this.schedule(next);
  }
}
