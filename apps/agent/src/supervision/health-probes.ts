import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HealthProbes } from './health-monitor';

/**
 * perf_hooks samples the loop delay from a libuv timer (20 ms resolution), so the histogram sees
 * a stall even when no JS timer of ours runs during it; process.memoryUsage.rss() is one syscall.
 */
export function realHealthProbes(): HealthProbes & { close(): void } {
  const histogram = monitorEventLoopDelay({ resolution: 20 });
  histogram.enable();
  return {
    eventLoopLagMs: () => (histogram.count > 0 ? histogram.percentile(99) / 1e6 : 0),
    resetEventLoopLag: () => histogram.reset(),
    rssBytes: () => process.memoryUsage.rss(),
    close: () => histogram.disable(),
  };
}
