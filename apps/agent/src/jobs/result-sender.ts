import type { Logger } from 'pino';
import type { RunResultMessage } from '@borealis/protocol';
import type { RoleAck } from '@borealis/roles';
import type { Timers } from '../timers';
import type { AcknowledgedRuns } from './acknowledged-runs';
import type { RunJournal } from './run-journal';

export interface ResultSenderOptions {
  journal: RunJournal;
  acknowledged: AcknowledgedRuns;
  /** `run.result` with ack; never throws (offline and timeouts come back as `{ok:false}`). */
  send: (result: RunResultMessage) => Promise<RoleAck>;
  logger: Logger;
  timers: Timers;
  /** Results awaiting an ack at once. */
  concurrency: number;
  /** Resend delay after a refused or unanswered result while the link stays up. */
  retryMs: number;
}

/** Refusals that mean the server will never want this result: forget it as if acknowledged. */
const UNWANTED = new Set(['run_not_found', 'run_finished']);

/**
 * The sending half of the outbox: sends journaled results as `run.result`, forgets one only
 * on `{ok:true}` (or an "unwanted" refusal), and resends the rest after every reconnect (oldest
 * finish first, bounded concurrency) and after `retryMs` while the link stays up.
 */
export class ResultSender {
  private online = false;
  private stopped = false;
  /** Bumped on every (re)connect: a send that failed on an older link is retried on the new one at once. */
  private generation = 0;
  private queue: string[] = [];
  private readonly queued = new Set<string>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private retryTimer: unknown;

  constructor(private readonly options: ResultSenderOptions) {}

  setOnline(online: boolean): void {
    this.online = online;
    this.generation++;
    this.cancelRetry();
    this.clearQueue();
    if (online) this.enqueuePending();
  }

  /** A result was just journaled, or a duplicate dispatch asks for it again. */
  submit(runId: string): void {
    this.enqueue(runId);
    this.pump();
  }

  /** Resolves when the sends in progress have their answer. */
  async idle(): Promise<void> {
    await Promise.all([...this.inFlight.values()]);
  }

  /** No sends after this: the agent is going away; what is left stays in the outbox. */
  stop(): void {
    this.stopped = true;
    this.cancelRetry();
    this.clearQueue();
  }

  private enqueuePending(): void {
    for (const record of this.options.journal.pending()) this.enqueue(record.runId);
    this.pump();
  }

  private enqueue(runId: string): void {
    if (this.queued.has(runId) || this.inFlight.has(runId)) return;
    this.queued.add(runId);
    this.queue.push(runId);
  }

  private clearQueue(): void {
    this.queue = [];
    this.queued.clear();
  }

  private pump(): void {
    while (this.online && !this.stopped && this.inFlight.size < this.options.concurrency && this.queue.length > 0) {
      const runId = this.queue.shift()!;
      this.queued.delete(runId);
      const result = this.options.journal.get(runId)?.result;
      if (!result || this.inFlight.has(runId)) continue;
      const sending = this.sendOne(result, this.generation).finally(() => {
        this.inFlight.delete(runId);
        this.pump();
      });
      this.inFlight.set(runId, sending);
    }
  }

  private async sendOne(result: RunResultMessage, generation: number): Promise<void> {
    const { runId, status } = result;
    const ack = await this.options.send(result).catch((err: unknown): RoleAck => ({ ok: false, code: 'send_failed', message: String(err) }));
    if (ack.ok || UNWANTED.has(ack.code)) {
      if (ack.ok) this.options.logger.info({ runId, status }, 'run result acknowledged');
      else this.options.logger.warn({ runId, code: ack.code }, 'server does not want this run result; dropped from the outbox');
      await this.forget(runId, status);
      return;
    }
    this.options.logger.warn({ runId, code: ack.code }, 'run result not acknowledged; kept in the outbox');
    if (!this.online || this.stopped) return; // the next connection resends it
    if (generation !== this.generation) this.enqueue(runId);
    else this.scheduleRetry();
  }

  /** The ack is recorded before the file goes, so a crash in between cannot make the run look unknown. */
  private async forget(runId: string, status: RunResultMessage['status']): Promise<void> {
    try {
      await this.options.acknowledged.add(runId, status);
    } catch (err) {
      this.options.logger.error({ runId, err: (err as Error).message }, 'acknowledged-runs log not written; keeping the result (it will be resent)');
      return;
    }
    await this.options.journal.remove(runId).catch((err: unknown) => {
      this.options.logger.error({ runId, err: (err as Error).message }, 'outbox file not removed');
    });
  }

  private scheduleRetry(): void {
    if (this.retryTimer !== undefined) return;
    this.retryTimer = this.options.timers.setTimeout(() => {
      this.retryTimer = undefined;
      if (this.online && !this.stopped) this.enqueuePending();
    }, this.options.retryMs);
  }

  private cancelRetry(): void {
    if (this.retryTimer === undefined) return;
    this.options.timers.clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
  }
}
