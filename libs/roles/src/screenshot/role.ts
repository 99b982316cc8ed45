import {
  parseMessage, ScreenEvents, screenCaptureRequestSchema, screenStreamStartSchema, screenStreamStopSchema,
  type CapturedImage, type RoleConfig, type ScreenCaptureOptions,
} from '@borealis/protocol';
import { Role, type RoleAck, type RoleContext, type RoleInstance } from '../core';
import { desktopErrorAck, desktopSessionFor, type DesktopSession } from '../desktop_shared';
import { ScreenStream } from './screen-stream';

/** A server bug must not make an agent capture for dozens of streams. */
export const MAX_STREAMS = 8;

export interface ScreenshotDeps {
  /** The desktop worker session (specs pass one with a test worker command). */
  session: DesktopSession;
  now: () => number;
}

/** `display` from the role config: an X display name such as ":1"; anything else means "use DISPLAY". */
export function displayFromConfig(config: RoleConfig): string | undefined {
  return typeof config.display === 'string' && config.display.trim() !== '' ? config.display.trim() : undefined;
}

/**
 * Screenshots (`screen.capture`, answered in the ack), the display list (`screen.info`) and live
 * streams (`screen.stream.start`/`stop`, frames as `screen.frame`). Captures run in the desktop
 * worker child process, never in the agent.
 */
@Role({ name: 'screenshot', contexts: ['interactive'] })
export class ScreenshotRole implements RoleInstance {
  private readonly session: DesktopSession;
  private readonly now: () => number;
  private readonly streams = new Map<string, ScreenStream>();
  private captures = 0;

  constructor(private readonly context: RoleContext, deps: Partial<ScreenshotDeps> = {}) {
    this.session = deps.session ?? desktopSessionFor(context);
    this.now = deps.now ?? Date.now;
    context.signal.addEventListener('abort', () => void this.stopAll(), { once: true });
  }

  registerEvents(): void {
    this.context.on(ScreenEvents.info, () => this.onInfo());
    this.context.on(ScreenEvents.capture, (payload) => this.onCapture(payload));
    this.context.on(ScreenEvents.streamStart, (payload) => this.onStreamStart(payload));
    this.context.on(ScreenEvents.streamStop, (payload) => this.onStreamStop(payload));
  }

  onConfig(config: RoleConfig): void {
    this.session.setDisplay(displayFromConfig(config));
  }

  async stopAll(): Promise<void> {
    for (const stream of this.streams.values()) stream.stop();
    this.streams.clear();
    await this.session.stop();
  }

  /** `screen_captures` counts every capture since start (one-shot and stream frames). */
  collectMetrics(): Record<string, number> {
    return { screen_captures: this.captures, screen_streams: this.streams.size };
  }

  private async onInfo(): Promise<RoleAck> {
    try {
      return { ok: true, ...(await this.session.info()) };
    } catch (err) {
      return desktopErrorAck(err);
    }
  }

  private async onCapture(payload: unknown): Promise<RoleAck> {
    const parsed = parseMessage(screenCaptureRequestSchema, payload ?? {});
    if (!parsed.ok) return parsed;
    try {
      const image = await this.capture(parsed.value);
      this.context.logger.debug({ format: image.format, width: image.width, height: image.height, bytes: image.data.byteLength }, 'screenshot taken');
      return { ok: true, ...image };
    } catch (err) {
      return this.failed(err, 'screenshot failed');
    }
  }

  private async onStreamStart(payload: unknown): Promise<RoleAck> {
    const parsed = parseMessage(screenStreamStartSchema, payload);
    if (!parsed.ok) return parsed;
    const options = parsed.value;
    this.streams.get(options.streamId)?.stop(); // a repeated start restarts with the new options
    this.streams.delete(options.streamId);
    if (this.streams.size >= MAX_STREAMS) {
      return { ok: false, code: 'bad_message', message: `at most ${MAX_STREAMS} screen streams at a time` };
    }
    let first: CapturedImage;
    try {
      first = await this.capture(options); // "ack once capturing": the first frame proves it works
    } catch (err) {
      return this.failed(err, 'screen stream could not start');
    }
    if (this.context.signal.aborted) return { ok: false, code: 'display_unavailable', message: 'the screenshot role is stopping' };
    const stream = new ScreenStream(options, {
      capture: (o) => this.capture(o),
      emit: (event, frame) => this.context.emit(event, frame),
      now: this.now,
      logger: this.context.logger,
      ended: (s, reason) => {
        if (this.streams.get(s.id) === s) this.streams.delete(s.id);
        this.context.logger.info({ streamId: s.id, reason }, 'screen stream ended');
      },
    });
    this.streams.set(options.streamId, stream);
    this.context.logger.info({ streamId: options.streamId, fps: options.fps, format: options.format }, 'screen stream started');
    // After this handler returned, so the start ack leaves before the first frame.
    setImmediate(() => {
      stream.run(first).catch((err: unknown) => this.context.logger.error({ streamId: stream.id, err: String(err) }, 'screen stream loop failed'));
    });
    return { ok: true };
  }

  private onStreamStop(payload: unknown): RoleAck {
    const parsed = parseMessage(screenStreamStopSchema, payload);
    if (!parsed.ok) return parsed;
    const stream = this.streams.get(parsed.value.streamId);
    if (stream) {
      stream.stop();
      this.streams.delete(stream.id);
      this.context.logger.info({ streamId: stream.id }, 'screen stream stopped');
    }
    return { ok: true };
  }

  private async capture(options: Pick<ScreenCaptureOptions, 'display' | 'region' | 'format' | 'quality'>): Promise<CapturedImage> {
    const capturedAt = this.now();
    this.captures++;
    const image = await this.session.capture({ display: options.display, region: options.region, format: options.format, quality: options.quality });
    // A Buffer: Socket.IO sends it as a binary attachment.
    return { format: image.format, width: image.width, height: image.height, capturedAt, data: image.data as CapturedImage['data'] };
  }

  private failed(err: unknown, what: string): RoleAck {
    const ack = desktopErrorAck(err);
    this.context.logger.warn({ code: ack.code, err: ack.message }, what);
    return ack;
  }
}
