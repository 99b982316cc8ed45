// Samples one process's CPU time and RSS from /proc while a measurement window runs, so the
// benchmark reports what the server itself used, apart from the simulator on the same cores.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';

let ticksPerSecond;
function clockTicks() {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of `pid` in ms, or undefined once the process is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces; fields are counted after its closing paren.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
    return (ticks * 1000) / clockTicks();
  } catch {
    return undefined;
  }
}

/** Resident set size of `pid` in bytes (VmRSS), or undefined once the process is gone. */
export function rssBytes(pid) {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples every `intervalMs` from start() until stop(); stop() returns the window's figures. */
export class ProcSampler {
  constructor(pids, intervalMs = 1000) {
    this.pids = Array.isArray(pids) ? pids : [pids];
    this.intervalMs = intervalMs;
    this.rss = [];
  }

  cpuNow() {
    return this.pids.reduce((sum, pid) => sum + (cpuMs(pid) ?? 0), 0);
  }

  rssNow() {
    return this.pids.reduce((sum, pid) => sum + (rssBytes(pid) ?? 0), 0);
  }

  start() {
    this.startedAt = performance.now();
    this.startCpu = this.cpuNow();
    this.rss = [this.rssNow()];
    this.timer = setInterval(() => this.rss.push(this.rssNow()), this.intervalMs);
    return this;
  }

  stop() {
    clearInterval(this.timer);
    const wallMs = performance.now() - this.startedAt;
    const cpu = this.cpuNow() - this.startCpu;
    this.rss.push(this.rssNow());
    const mib = (b) => Math.round((b / 1024 / 1024) * 10) / 10;
    return {
      wallSeconds: Math.round(wallMs / 100) / 10,
      cpuMs: Math.round(cpu),
      /** Percent of one core (200 % = both cores of this machine). */
      cpuPercent: Math.round((cpu / wallMs) * 1000) / 10,
      rssMaxMiB: mib(Math.max(...this.rss)),
      rssEndMiB: mib(this.rss[this.rss.length - 1]),
    };
  }
}
