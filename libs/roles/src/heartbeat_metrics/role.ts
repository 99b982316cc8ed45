import { loadavg } from 'node:os';
import type { RoleConfig } from '@borealis/protocol';
import { Role, type RoleContext, type RoleInstance } from '../core';

const MB = 1024 * 1024;

/** Settings this role reads from its config; the host handles `enabled`. */
export interface HeartbeatMetricsSettings {
  includeLoad: boolean;
}

/** Adds the 1-minute load average and the agent's own memory to every heartbeat. */
@Role({ name: 'heartbeat_metrics', contexts: ['interactive', 'system'] })
export class HeartbeatMetricsRole implements RoleInstance {
  private settings: HeartbeatMetricsSettings = { includeLoad: true };

  constructor(private readonly context: RoleContext) {}

  onConfig(config: RoleConfig): void {
    // Anything but an explicit boolean keeps the default, so a typo cannot silently drop metrics.
    const includeLoad = typeof config.includeLoad === 'boolean' ? config.includeLoad : true;
    if (includeLoad !== this.settings.includeLoad) {
      this.context.logger.info({ includeLoad }, 'heartbeat_metrics settings changed');
    }
    this.settings = { includeLoad };
  }

  collectMetrics(): Record<string, number> {
    const metrics: Record<string, number> = {
      agentRssMb: round1(process.memoryUsage.rss() / MB),
    };
    // os.loadavg() is always [0,0,0] on Windows; it is still sent so dashboards see one shape.
    if (this.settings.includeLoad) metrics.loadAvg1 = round2(loadavg()[0] ?? 0);
    return metrics;
  }
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
