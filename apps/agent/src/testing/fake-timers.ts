import type { Timers } from '../timers';

/**
 * Manual clock for specs: `advance(ms)` runs the due timers in time order and lets the
 * promises they start settle between them (a heartbeat awaits its ack, for example).
 */
export class FakeTimers implements Timers {
  private current = 0;
  private nextId = 1;
  readonly pending = new Map<number, { at: number; fn: () => void }>();

  now(): number {
    return this.current;
  }

  setTimeout(fn: () => void, ms: number): unknown {
    const id = this.nextId++;
    this.pending.set(id, { at: this.current + ms, fn });
    return id;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  async advance(ms: number): Promise<void> {
    const end = this.current + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.current = due[1].at;
      due[1].fn();
      await new Promise((r) => setImmediate(r));
    }
    this.current = end;
  }
}
