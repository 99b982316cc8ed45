/** Sums worker reports into fleet-wide totals and derives rates between two points in time. */
import { LatencyHistogram, type LatencySummary } from './latency-histogram';
import { emptyCounters, type WorkerCounters } from './sim-types';

export interface FleetSnapshot {
  at: number;
  agents: number;
  workers: number;
  counters: WorkerCounters;
  /** Worst event-loop delay p99 among workers in their last report: a saturated simulator shows here. */
  simLoopDelayP99Ms: number;
}

export interface FleetInterval {
  seconds: number;
  heartbeatsSent: number;
  heartbeatsAcked: number;
  sentPerSecond: number;
  ackedPerSecond: number;
  reconnects: number;
  connectErrors: number;
  disconnects: number;
  heartbeatsTimedOut: number;
  heartbeatsRejected: number;
  errors: Record<string, number>;
  latency: LatencySummary;
}

/** Values that are a point in time or a setting, not a count: the fleet-wide figure is the largest. */
const MAX_KEYS = new Set<keyof WorkerCounters>(['serverHeartbeatMs', 'lastDispatchAt', 'lastResultAckAt']);

export function sumCounters(all: Iterable<WorkerCounters>): WorkerCounters {
  const total = emptyCounters();
  for (const c of all) {
    for (const key of Object.keys(total) as (keyof WorkerCounters)[]) {
      if (key === 'errors') continue;
      total[key] = MAX_KEYS.has(key) ? Math.max(total[key], c[key]) : total[key] + c[key];
    }
    for (const [reason, n] of Object.entries(c.errors)) total.errors[reason] = (total.errors[reason] ?? 0) + n;
  }
  return total;
}

/** What happened between two snapshots; the latency histogram covers the same span. */
export function intervalBetween(from: FleetSnapshot, to: FleetSnapshot, latency: LatencyHistogram): FleetInterval {
  const seconds = Math.max(0.001, (to.at - from.at) / 1000);
  const a = from.counters;
  const b = to.counters;
  const errors: Record<string, number> = {};
  for (const [reason, n] of Object.entries(b.errors)) {
    const d = n - (a.errors[reason] ?? 0);
    if (d > 0) errors[reason] = d;
  }
  const sent = b.heartbeatsSent - a.heartbeatsSent;
  const acked = b.heartbeatsAcked - a.heartbeatsAcked;
  return {
    seconds: Math.round(seconds * 10) / 10,
    heartbeatsSent: sent,
    heartbeatsAcked: acked,
    sentPerSecond: Math.round((sent / seconds) * 10) / 10,
    ackedPerSecond: Math.round((acked / seconds) * 10) / 10,
    reconnects: b.reconnects - a.reconnects,
    connectErrors: b.connectErrors - a.connectErrors,
    disconnects: b.disconnects - a.disconnects,
    heartbeatsTimedOut: b.heartbeatsTimedOut - a.heartbeatsTimedOut,
    heartbeatsRejected: b.heartbeatsRejected - a.heartbeatsRejected,
    errors,
    latency: latency.summary(),
  };
}

/** One human line for periodic progress output. */
export function formatLine(s: FleetSnapshot, i: FleetInterval): string {
  const c = s.counters;
  const errs = Object.values(i.errors).reduce((x, y) => x + y, 0);
  return (
    `online ${c.online}/${s.agents} open ${c.open} | hb sent ${i.sentPerSecond}/s acked ${i.ackedPerSecond}/s` +
    ` | ack p50 ${i.latency.p50} p99 ${i.latency.p99} max ${i.latency.max} ms` +
    ` | reconnects ${i.reconnects} errors ${errs} | sim loop p99 ${s.simLoopDelayP99Ms} ms`
  );
}
