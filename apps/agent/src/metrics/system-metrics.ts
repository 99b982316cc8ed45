import { cpus, freemem, totalmem, uptime } from 'node:os';

const MB = 1024 * 1024;

export interface SystemMetrics {
  cpuPct: number;
  memUsedMb: number;
  memTotalMb: number;
  uptimeS: number;
}

/** Host metrics for the heartbeat. CPU is the busy share since the previous sample (since boot at first). */
export class SystemMetricsSampler {
  private previous = cpuTimes();

  sample(): SystemMetrics {
    const now = cpuTimes();
    const total = now.total - this.previous.total;
    const idle = now.idle - this.previous.idle;
    this.previous = now;
    const busy = total > 0 ? (1 - idle / total) * 100 : 0;
    const memTotal = totalmem();
    return {
      cpuPct: round1(Math.min(100, Math.max(0, busy))),
      memUsedMb: round1((memTotal - freemem()) / MB),
      memTotalMb: round1(memTotal / MB),
      uptimeS: Math.floor(uptime()),
    };
  }
}

function cpuTimes(): { idle: number; total: number } {
  let idle = 0;
  let total = 0;
  for (const cpu of cpus()) {
    const t = cpu.times;
    idle += t.idle;
    total += t.user + t.nice + t.sys + t.idle + t.irq;
  }
  return { idle, total };
}

function round1(n: number): number {
  return Math.round(n * 10) / 10;
}
