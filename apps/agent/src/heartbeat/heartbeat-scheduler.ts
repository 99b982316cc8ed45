import type { Timers } from '../timers';

/** Outcome of one heartbeat: the server acked it, refused it, or did not answer in time. */
export type BeatResult = 'acked' | 'refused' | 'timeout';

export interface HeartbeatSchedulerOptions {
  timers: Timers;
  intervalMs: number;
  /** Sends heartbeat number `seq`, waiting at most `timeoutMs` for the ack. */
  beat: (seq: number, timeoutMs: number) => Promise<BeatResult>;
  /** Called once when `maxMissed` acks in a row timed out: the link is half-open. */
  onHalfOpen: () => void;
  maxMissed?: number;
  /** Longest ack wait; the wait is also never longer than the interval. */
  maxTimeoutMs?: number;
}

/**
 * Sends heartbeats on a fixed cadence (the next one is scheduled when one is sent, not when it
 * is acked) and detects half-open links: TCP can look alive long after the peer vanished.
 */
export class HeartbeatScheduler {
  private intervalMs: number;
  private timer: unknown;
  private running = false;
  private seq = 0;
  private missed = 0;

  constructor(private readonly options: HeartbeatSchedulerOptions) {
    this.intervalMs = options.intervalMs;
  }

  get interval(): number {
    return this.intervalMs;
  }

  /** min(10 s, interval): an ack slower than one interval is as good as lost. */
  get timeoutMs(): number {
    return Math.min(this.options.maxTimeoutMs ?? 10_000, this.intervalMs);
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.schedule();
  }

  stop(): void {
    this.running = false;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** New interval from the server: the next beat is one new interval from now. */
  setInterval(intervalMs: number): void {
    if (intervalMs === this.intervalMs) return;
    this.intervalMs = intervalMs;
    if (!this.running) return;
    if (this.timer !== undefined) this.options.timers.clearTimeout(this.timer);
    this.schedule();
  }

  private schedule(): void {
    this.timer = this.options.timers.setTimeout(() => this.tick(), this.intervalMs);
  }

  private tick(): void {
    if (!this.running) return;
    this.seq += 1;
    this.schedule();
    void this.options.beat(this.seq, this.timeoutMs).then(
      (result) => this.record(result),
      () => this.record('timeout'),
    );
  }

  private record(result: BeatResult): void {
    if (!this.running) return;
    if (result !== 'timeout') {
      this.missed = 0;
      return;
    }
    this.missed += 1;
    if (this.missed >= (this.options.maxMissed ?? 2)) {
      this.stop();
      this.options.onHalfOpen();
    }
  }
}
