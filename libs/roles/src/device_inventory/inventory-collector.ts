import type { InventoryCollectAck, InventoryKind } from '@borealis/protocol';
import type { CommandRunner } from './command-runner';
import { collectFailed, type CollectOutcome } from './inventory-outcome';
import { collectSoftware } from './software-collector';
import { collectProcesses } from './process-collector';
import { collectSummary } from './summary-collector';
import type { SystemInfoSource } from './system-info-source';
import { collectUpdates } from './updates-collector';

export interface InventoryCollectorDeps {
  os: string;
  agentVersion: string;
  runner: CommandRunner;
  source: SystemInfoSource;
  now: () => number;
  signal: AbortSignal;
  maxItems?: number;
}

/**
 * Collects one kind on demand. Concurrent requests for the same kind share one collection, so
 * an operator clicking "refresh" five times starts one `dpkg-query`, not five.
 */
export class InventoryCollector {
  private readonly inFlight = new Map<InventoryKind, Promise<InventoryCollectAck>>();

  constructor(private readonly deps: InventoryCollectorDeps) {}

  collect(kind: InventoryKind): Promise<InventoryCollectAck> {
    const running = this.inFlight.get(kind);
    if (running) return running;
    const started = this.run(kind).finally(() => this.inFlight.delete(kind));
    this.inFlight.set(kind, started);
    return started;
  }

  private async run(kind: InventoryKind): Promise<InventoryCollectAck> {
    const collectedAt = this.deps.now();
    let outcome: CollectOutcome<unknown>;
    try {
      outcome = await this.dispatch(kind);
    } catch (err) {
      outcome = collectFailed(`${kind} collection failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (!outcome.ok) return { ok: false, code: outcome.code, message: outcome.message };
    return { ok: true, kind, collectedAt, data: outcome.data } as InventoryCollectAck;
  }

  private async dispatch(kind: InventoryKind): Promise<CollectOutcome<unknown>> {
    const env = { os: this.deps.os, runner: this.deps.runner, signal: this.deps.signal, maxItems: this.deps.maxItems };
    switch (kind) {
      case 'summary': return { ok: true, data: await collectSummary(this.deps.source, this.deps.agentVersion) };
      case 'processes': return collectProcesses(env, this.deps.source);
      case 'software': return collectSoftware(env);
      case 'updates': return collectUpdates(env);
    }
  }
}
