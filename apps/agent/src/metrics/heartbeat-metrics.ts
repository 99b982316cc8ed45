/** The protocol accepts at most 64 metrics per heartbeat. */
export const MAX_HEARTBEAT_METRICS = 64;

/**
 * System metrics first; role metrics are added after them but cannot shadow them (a role must
 * not be able to fake `cpuPct`), and the total stays within the protocol's limit.
 */
export function mergeHeartbeatMetrics(system: Record<string, number>, roles: Record<string, number>): Record<string, number> {
  const metrics: Record<string, number> = { ...system };
  let count = Object.keys(metrics).length;
  for (const [key, value] of Object.entries(roles)) {
    if (count >= MAX_HEARTBEAT_METRICS) break;
    if (key in metrics) continue;
    metrics[key] = value;
    count += 1;
  }
  return metrics;
}
