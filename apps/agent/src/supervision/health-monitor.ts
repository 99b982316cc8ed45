import type { SupervisionConfig } from './supervision-config';

/** What the monitor reads; the real ones wrap perf_hooks and process.memoryUsage, tests pass numbers. */
export interface HealthProbes {
  /** Event-loop delay p99 (ms) since the last reset. */
  eventLoopLagMs(): number;
  resetEventLoopLag(): void;
  rssBytes(): number;
}

export interface MonitorClock {
  now(): number;
  setInterval(fn: () => void, ms: number): { unref?(): void };
  clearInterval(handle: unknown): void;
}

export type UnhealthyKind = 'event_loop_stalled' | 'memory_ceiling';

export interface UnhealthyReport {
  kind: UnhealthyKind;
  /** Human-readable, logged before the exit. */
  reason: string;
  /** How long the condition lasted, ms. */
  sustainedMs: number;
  value: number;
  limit: number;
}

type Settings = Pick<SupervisionConfig, 'checkIntervalMs' | 'eventLoopLagMs' | 'memoryCeilingMb' | 'sustainMs'>;

/**
 * Checks event-loop lag and RSS every interval. A condition must hold at every check for
 * `sustainMs` before `onUnhealthy` fires (once): one slow GC or a burst of output is not a reason
 * to restart, a loop that stays stalled or memory that stays over the ceiling is.
 */
export class HealthMonitor {
  private timer: unknown;
  private readonly since = new Map<UnhealthyKind, number>();
  private fired = false;

  constructor(
    private readonly settings: Settings,
    private readonly probes: HealthProbes,
    private readonly clock: MonitorClock,
    private readonly onUnhealthy: (report: UnhealthyReport) => void,
  ) {}

  start(): void {
    if (this.timer !== undefined) return;
    this.probes.resetEventLoopLag();
    const handle = this.clock.setInterval(() => this.check(), this.settings.checkIntervalMs);
    handle.unref?.(); // never the reason the process stays alive
    this.timer = handle;
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One check; public so tests drive it without timers. */
  check(): void {
    if (this.fired) return;
    const lag = this.probes.eventLoopLagMs();
    this.probes.resetEventLoopLag();
    const rssMb = this.probes.rssBytes() / 1048576;
    this.observe('event_loop_stalled', lag, this.settings.eventLoopLagMs, (ms) =>
      `event loop delay p99 ${Math.round(lag)} ms above ${this.settings.eventLoopLagMs} ms for ${Math.round(ms / 1000)} s`);
    if (this.fired) return;
    this.observe('memory_ceiling', rssMb, this.settings.memoryCeilingMb, (ms) =>
      `RSS ${Math.round(rssMb)} MB above the ${this.settings.memoryCeilingMb} MB ceiling for ${Math.round(ms / 1000)} s`);
  }

  private observe(kind: UnhealthyKind, value: number, limit: number, describe: (ms: number) => string): void {
    const now = this.clock.now();
    if (value <= limit) {
      this.since.delete(kind);
      return;
    }
    // The condition was true over the interval that just ended, so it started one interval ago.
    const since = this.since.get(kind) ?? now - this.settings.checkIntervalMs;
    this.since.set(kind, since);
    const sustainedMs = now - since;
    if (sustainedMs < this.settings.sustainMs) return;
    this.fired = true;
    this.stop();
    this.onUnhealthy({ kind, reason: describe(sustainedMs), sustainedMs, value: Math.round(value), limit });
  }
}
