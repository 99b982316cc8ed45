/**
 * The {@link AgentSink} that simulated agents share: counters, ack latencies and bounded error
 * counts, aggregated without per-agent objects. A worker process reports it to the fleet parent;
 * a spec running agents in-process reads it directly.
 */
import { LatencyHistogram } from './latency-histogram';
import type { AgentSink } from './sim-agent';
import { emptyCounters } from './sim-types';

const MAX_ERROR_KINDS = 64;

export class CountingSink implements AgentSink {
  readonly counters = emptyCounters();
  readonly latency = new LatencyHistogram();
  settledFirstAttempts = 0;

  firstAttemptSettled(): void {
    this.settledFirstAttempts++;
  }

  error(reason: string): void {
    const errors = this.counters.errors;
    // Bounded: a server that puts ids in its error messages must not grow the report forever.
    const key = reason in errors || Object.keys(errors).length < MAX_ERROR_KINDS ? reason : 'other';
    errors[key] = (errors[key] ?? 0) + 1;
  }
}
