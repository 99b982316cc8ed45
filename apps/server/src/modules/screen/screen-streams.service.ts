import { randomUUID } from 'node:crypto';
import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { Gauge } from 'prom-client';
import {
  ScreenEvents, UiScreenEvents, type ImageFormat, type ScreenFrame, type ScreenFrameAck, type ScreenRegion, type ScreenWatchRequest,
  type UiScreenFrame,
} from '@borealis/protocol';
import { ConflictError, DomainError } from '../../common/errors';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import type { AgentLink } from '../devices/presence.service';
import { DevicesService } from '../devices/devices.service';
import { AgentMetrics } from '../metrics/agent-metrics';
import { DesktopAgent } from './desktop-agent';

/** How long the agent may take to start capturing: its first capture may start its desktop worker process. */
export const STREAM_START_TIMEOUT_MS = 25_000;
/** The longest the agent waits for a frame ack when no viewer is ready (slow or stuck viewers). */
export const FRAME_ACK_BOUND_MS = 5_000;

/** The part of a `/ui` socket a viewer needs: its id, whether it is still connected, emit with an ack callback. */
export interface ViewerSocket {
  readonly id: string;
  readonly connected: boolean;
  emit(event: string, ...args: unknown[]): unknown;
}

export type WatchAnswer = {
  ok: true;
  streamId: string;
  fps: number;
  format: ImageFormat;
  quality: number;
  display?: number;
  region?: ScreenRegion;
};

interface Viewer {
  socket: ViewerSocket;
  principal: Principal;
  joinedAt: number;
  /** A frame was sent and not acked yet: this viewer is skipped until it acks (no queue per viewer). */
  busy: boolean;
  framesSent: number;
  framesSkipped: number;
}

interface Stream {
  id: string;
  deviceId: string;
  /** The agent link the stream was started on; its disconnect ends the stream. */
  link: AgentLink;
  params: Omit<ScreenWatchRequest, 'deviceId'>;
  viewers: Map<string, Viewer>;
  state: 'starting' | 'running' | 'ended';
  started: Promise<void>;
  abortStart: (error: DomainError) => void;
  /** The agent's ack of its latest frame, held until a viewer is ready for the next one. */
  pendingAck?: { reply: (ack: ScreenFrameAck) => void; timer: NodeJS.Timeout };
}

/**
 * Live screen streams, one per device, shared by every `/ui` viewer of that device.
 *
 * The first viewer's parameters (fps, format, quality, display, region) start the stream; later
 * viewers join it as it is, and their watch ack says which parameters are in effect. When the
 * last viewer leaves, the server sends `screen.stream.stop`. Back-pressure: each viewer has at
 * most one frame in flight, and the agent's frame ack (which it waits for before the next
 * capture) is held until at least one viewer is ready again, bounded by {@link FRAME_ACK_BOUND_MS}.
 *
 * State is in memory of this one process. Several server processes would need the Socket.IO
 * Redis adapter and routing of viewers to the process holding the agent link: not done.
 */
@Injectable()
export class ScreenStreams implements OnModuleDestroy {
  private readonly logger = new Logger('ScreenStreams');
  private readonly byDevice = new Map<string, Stream>();
  private readonly byId = new Map<string, Stream>();

  constructor(
    private readonly devices: DevicesService,
    private readonly desktop: DesktopAgent,
    private readonly audit: AuditService,
    metrics: AgentMetrics,
  ) {
    const streams = this.byDevice;
    new Gauge({
      name: 'borealis_screen_streams_active', help: 'live screen streams open on agents', registers: [metrics.registry],
      collect() { this.set(streams.size); },
    });
    new Gauge({
      name: 'borealis_screen_viewers', help: '/ui clients watching a live screen', registers: [metrics.registry],
      collect() { this.set([...streams.values()].reduce((sum, s) => sum + s.viewers.size, 0)); },
    });
  }

  onModuleDestroy(): void {
    for (const stream of [...this.byDevice.values()]) this.end(stream, 'server_stopping', true);
  }

  /** Adds a viewer; starts the device's stream if it is the first. Rejects with a {@link DomainError}. */
  async watch(socket: ViewerSocket, principal: Principal, request: ScreenWatchRequest): Promise<WatchAnswer> {
    const { deviceId, ...params } = request;
    let stream = this.byDevice.get(deviceId);
    if (!stream) {
      await this.devices.getActive(deviceId);
      // The socket may have gone meanwhile: its disconnect cleanup already ran, so it must not be added.
      if (!socket.connected) throw new ConflictError('viewer_disconnected', 'the viewer disconnected', { deviceId });
      try {
        stream = this.byDevice.get(deviceId) ?? this.open(deviceId, params); // another watch may have opened it meanwhile
      } catch (error) {
        await this.auditStart(principal, deviceId, null, params, error);
        throw error;
      }
    }
    if (stream.viewers.has(socket.id)) {
      await stream.started;
      return answer(stream); // the same client asking again: idempotent, no second audit entry
    }
    const viewer: Viewer = { socket, principal, joinedAt: Date.now(), busy: false, framesSent: 0, framesSkipped: 0 };
    stream.viewers.set(socket.id, viewer);
    try {
      await stream.started;
      if (stream.viewers.get(socket.id) !== viewer) throw new ConflictError('stream_ended', 'the watch was cancelled before the stream started', { deviceId });
    } catch (error) {
      if (stream.viewers.get(socket.id) === viewer) stream.viewers.delete(socket.id);
      await this.auditStart(principal, deviceId, stream.id, stream.params, error);
      throw error;
    }
    await this.auditStart(principal, deviceId, stream.id, stream.params);
    return answer(stream);
  }

  /** Removes a viewer (unwatch or its disconnect); the last one stops the stream. False when it was not watching. */
  async unwatch(socketId: string, deviceId: string, reason: string): Promise<boolean> {
    const stream = this.byDevice.get(deviceId);
    const viewer = stream?.viewers.get(socketId);
    if (!stream || !viewer) return false;
    // Leaving before the start completed: the watch itself fails and is audited as such, no stop entry.
    const started = stream.state === 'running';
    stream.viewers.delete(socketId);
    if (stream.viewers.size === 0) this.end(stream, 'no_viewers', true);
    if (started) await this.auditStop(viewer, stream, reason);
    return true;
  }

  /** A `/ui` socket disconnected: it stops watching everything. */
  viewerGone(socketId: string): void {
    for (const stream of [...this.byDevice.values()]) {
      if (!stream.viewers.has(socketId)) continue;
      this.unwatch(socketId, stream.deviceId, 'viewer_disconnected').catch((error: unknown) =>
        this.logger.error({ err: error, deviceId: stream.deviceId }, 'watch stop not audited'));
    }
  }

  /** A validated frame from the agent behind `link`; `reply` is its ack callback, if it sent one. */
  onFrame(deviceId: string, frame: ScreenFrame, reply: ((ack: ScreenFrameAck) => void) | undefined): void {
    const stream = this.byId.get(frame.streamId);
    // A frame of another device's stream is treated as unknown: no agent feeds a stream it was not asked for.
    if (!stream || stream.deviceId !== deviceId || stream.state === 'ended' || stream.viewers.size === 0) {
      reply?.({ ok: true, continue: false });
      return;
    }
    stream.state = 'running';
    // An agent that did not wait for the previous ack: answer that one now, the newer frame takes over.
    this.release(stream, true);
    const payload: UiScreenFrame = {
      deviceId, streamId: stream.id, seq: frame.seq, format: frame.format, width: frame.width, height: frame.height,
      capturedAt: frame.capturedAt, data: frame.data,
    };
    for (const viewer of stream.viewers.values()) {
      if (viewer.busy) {
        viewer.framesSkipped++;
        continue;
      }
      viewer.busy = true;
      viewer.framesSent++;
      viewer.socket.emit(UiScreenEvents.frame, payload, () => this.viewerAcked(stream, viewer));
    }
    if (!reply) return;
    const timer = setTimeout(() => this.release(stream, true), FRAME_ACK_BOUND_MS);
    stream.pendingAck = { reply, timer };
  }

  /** The agent link closed: its streams end and their viewers are told. */
  linkClosed(deviceId: string, link: AgentLink, reason: 'device_offline' | 'agent_reconnected'): void {
    const stream = this.byDevice.get(deviceId);
    if (stream && stream.link === link) this.end(stream, reason, false);
  }

  private open(deviceId: string, params: Stream['params']): Stream {
    // Refuses at once (offline, role missing) before any state exists.
    const link = this.desktop.ensureReady(deviceId, 'screenshot');
    let abortStart!: (error: DomainError) => void;
    const aborted = new Promise<never>((_, reject) => { abortStart = reject; });
    aborted.catch(() => undefined);
    const stream: Stream = {
      id: randomUUID(), deviceId, link, params, viewers: new Map(), state: 'starting', abortStart, started: Promise.resolve(),
    };
    const start = this.desktop.request(deviceId, 'screenshot', ScreenEvents.streamStart, { streamId: stream.id, ...params }, STREAM_START_TIMEOUT_MS);
    stream.started = Promise.race([start, aborted]).then(
      () => {
        // Every viewer left while the agent was starting: it is capturing for nobody now.
        if (stream.state === 'ended') this.sendStop(stream);
        else stream.state = 'running';
      },
      (error: unknown) => {
        this.logger.warn({ deviceId, streamId: stream.id, code: error instanceof DomainError ? error.code : undefined }, 'screen stream did not start');
        // A start that answers after the timeout must not leave the agent capturing for nobody.
        if (error instanceof DomainError && error.code === 'agent_timeout') this.sendStop(stream);
        this.forget(stream);
        stream.state = 'ended';
        throw error;
      },
    );
    stream.started.catch(() => undefined);
    this.byDevice.set(deviceId, stream);
    this.byId.set(stream.id, stream);
    this.logger.log({ deviceId, streamId: stream.id, fps: params.fps, format: params.format }, 'screen stream starting');
    return stream;
  }

  /**
   * Ends a stream. `stop`: tell the agent (not when its link is gone). Viewers of a running stream
   * get `screen.ended`; viewers still waiting for the start get an error watch ack instead.
   */
  private end(stream: Stream, reason: string, stop: boolean): void {
    if (stream.state === 'ended') return;
    const wasRunning = stream.state === 'running';
    stream.state = 'ended';
    this.forget(stream);
    this.release(stream, false);
    if (wasRunning && stop) this.sendStop(stream);
    // Still starting and the link is gone: fail the waiting watches now instead of at the start timeout.
    // Still starting and everyone left: the start completes and is followed by a stop (see open()).
    if (!wasRunning && reason !== 'no_viewers') {
      stream.abortStart(new ConflictError('agent_offline', `device ${stream.deviceId} disconnected`, { deviceId: stream.deviceId, reason }));
    }
    const viewers = [...stream.viewers.values()];
    stream.viewers.clear();
    if (wasRunning) {
      for (const viewer of viewers) {
        viewer.socket.emit(UiScreenEvents.ended, { deviceId: stream.deviceId, streamId: stream.id, reason });
        this.auditStop(viewer, stream, reason).catch((error: unknown) => this.logger.error({ err: error, deviceId: stream.deviceId }, 'watch stop not audited'));
      }
    }
    this.logger.log({ deviceId: stream.deviceId, streamId: stream.id, reason }, 'screen stream ended');
  }

  private forget(stream: Stream): void {
    if (this.byDevice.get(stream.deviceId) === stream) this.byDevice.delete(stream.deviceId);
    this.byId.delete(stream.id);
  }

  private sendStop(stream: Stream): void {
    // Acked by the agent, but nothing depends on it: continue:false on its next frame stops it too.
    stream.link.emit(ScreenEvents.streamStop, { streamId: stream.id }, () => undefined);
  }

  private viewerAcked(stream: Stream, viewer: Viewer): void {
    viewer.busy = false;
    if (stream.viewers.get(viewer.socket.id) === viewer) this.release(stream, true);
  }

  /** Answers the agent's held frame ack, if any. */
  private release(stream: Stream, keepGoing: boolean): void {
    const pending = stream.pendingAck;
    if (!pending) return;
    stream.pendingAck = undefined;
    clearTimeout(pending.timer);
    pending.reply({ ok: true, continue: keepGoing && stream.state !== 'ended' && stream.viewers.size > 0 });
  }

  private auditStart(principal: Principal, deviceId: string, streamId: string | null, params: Stream['params'], error?: unknown): Promise<unknown> {
    const { fps, format, quality, display, region } = params;
    return this.audit.record({ type: 'token', principal }, {
      action: 'screen.watch.start', targetType: 'device', targetId: deviceId,
      details: {
        streamId, fps, format, ...(format === 'jpeg' ? { quality } : {}), display: display ?? null, region: region ?? null,
        outcome: error === undefined ? 'succeeded' : 'failed',
        ...(error !== undefined ? { error: error instanceof DomainError ? error.code : 'internal_error' } : {}),
      },
    });
  }

  private auditStop(viewer: Viewer, stream: Stream, reason: string): Promise<unknown> {
    return this.audit.record({ type: 'token', principal: viewer.principal }, {
      action: 'screen.watch.stop', targetType: 'device', targetId: stream.deviceId,
      details: {
        streamId: stream.id, reason, durationMs: Date.now() - viewer.joinedAt, framesSent: viewer.framesSent, framesSkipped: viewer.framesSkipped,
      },
    });
  }
}

function answer(stream: Stream): WatchAnswer {
  const { fps, format, quality, display, region } = stream.params;
  return { ok: true, streamId: stream.id, fps, format, quality, ...(display !== undefined ? { display } : {}), ...(region ? { region } : {}) };
}
