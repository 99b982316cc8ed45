import type { Logger } from 'pino';
import { ScreenEvents, type CapturedImage, type ScreenFrame, type ScreenStreamStart } from '@borealis/protocol';
import type { RoleAck } from '../core';
import { abortableSleep } from '../desktop_shared';

/** After a failed capture the stream retries, backing off to this; the display may come back (unlock, X restart). */
export const MAX_RETRY_MS = 10_000;

export interface ScreenStreamDeps {
  capture(options: ScreenStreamStart): Promise<CapturedImage>;
  emit(event: string, payload: unknown): Promise<RoleAck>;
  now(): number;
  logger: Logger;
  /** Called once when the loop ends by itself (server said stop, send failed); not after stop(). */
  ended(stream: ScreenStream, reason: string): void;
}

/**
 * One live stream: capture -> `screen.frame` -> wait for its ack -> sleep until the next tick
 * (1000/fps after the previous capture started) -> capture. The ack gates the next capture, so a
 * slow server or viewer slows the stream instead of queueing frames; there is never more than one
 * capture of a stream in flight.
 */
export class ScreenStream {
  private readonly controller = new AbortController();
  private seq = 0;

  constructor(readonly options: ScreenStreamStart, private readonly deps: ScreenStreamDeps) {}

  get id(): string {
    return this.options.streamId;
  }

  get stopped(): boolean {
    return this.controller.signal.aborted;
  }

  stop(): void {
    this.controller.abort();
  }

  /** Runs until stopped or told to stop; `first` is the capture made to answer `screen.stream.start`. */
  async run(first: CapturedImage): Promise<void> {
    const signal = this.controller.signal;
    const interval = 1000 / this.options.fps;
    let frame: CapturedImage | undefined = first;
    let startedAt = first.capturedAt;
    let failures = 0;
    while (!signal.aborted) {
      if (frame) {
        const payload: ScreenFrame = { ...frame, streamId: this.id, seq: this.seq++ };
        const ack = await this.deps.emit(ScreenEvents.frame, payload);
        if (signal.aborted) break;
        if (!ack.ok) return this.end(`the server did not take frame ${payload.seq}: ${ack.code}`);
        if ((ack as { continue?: unknown }).continue === false) return this.end('the server has no viewer left');
      }
      const wait = failures === 0 ? interval : Math.max(interval, Math.min(MAX_RETRY_MS, 1000 * 2 ** (failures - 1)));
      if (!(await abortableSleep(startedAt + wait - this.deps.now(), signal))) break;
      startedAt = this.deps.now();
      try {
        frame = await this.deps.capture(this.options);
        if (failures > 0) this.deps.logger.info({ streamId: this.id }, 'screen stream capturing again');
        failures = 0;
      } catch (err) {
        frame = undefined;
        if (failures === 0) this.deps.logger.warn({ streamId: this.id, err: err instanceof Error ? err.message : String(err) }, 'screen stream capture failed; retrying');
        failures++;
      }
    }
  }

  private end(reason: string): void {
    this.controller.abort();
    this.deps.ended(this, reason);
  }
}
