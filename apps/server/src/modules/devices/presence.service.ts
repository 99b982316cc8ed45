import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { SERVER_CONFIG, type ServerConfig } from '../../config/config';
import type { DeviceRole } from './device.entity';
import { LastSeenWriter } from './last-seen.writer';

/** The part of a live agent socket presence needs; the gateway passes its Socket.IO socket. */
export interface AgentLink {
  readonly id: string;
  emit(event: string, ...args: unknown[]): unknown;
  disconnect(close?: boolean): unknown;
}

export interface LiveAgent {
  link: AgentLink;
  hostname: string;
  /** The roles as last reported, so a role.state report needs no database read. */
  roles: DeviceRole[];
  connectedAt: number;
  lastHeartbeatAt: number;
  heartbeats: number;
  metrics: Record<string, number>;
}

export type OfflineHandler = (deviceId: string, lastSeen: Date, reason: string) => Promise<void>;

/**
 * Who is connected right now, kept in memory: a heartbeat touches only this map. `lastSeen`
 * reaches the database in batches every `lastSeenFlushMs`; a sweep drops links whose
 * heartbeats stopped (a frozen agent keeps its TCP socket open, so only this notices it).
 */
@Injectable()
export class PresenceService implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Presence');
  private readonly live = new Map<string, LiveAgent>();
  private pendingLastSeen = new Map<string, number>();
  private flushTimer?: NodeJS.Timeout;
  private sweepTimer?: NodeJS.Timeout;
  private summaryTimer?: NodeJS.Timeout;
  private flushing: Promise<void> = Promise.resolve();
  private connects = 0;
  private disconnects = 0;

  constructor(
    @Inject(SERVER_CONFIG) private readonly config: ServerConfig,
    private readonly writer: LastSeenWriter,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.flushTimer = setInterval(() => void this.flush(), this.config.lastSeenFlushMs);
    const sweepEvery = Math.max(50, Math.min(5000, this.config.heartbeatGraceMs / 4));
    this.sweepTimer = setInterval(() => this.sweep(), sweepEvery);
    // Per-agent connects log at debug level; this line tells operators what happened at info.
    this.summaryTimer = setInterval(() => this.logSummary(), 60_000);
    this.summaryTimer.unref();
  }

  private logSummary(): void {
    if (this.connects === 0 && this.disconnects === 0) return;
    this.logger.log({ connected: this.live.size, connects: this.connects, disconnects: this.disconnects }, 'agent links in the last minute');
    this.connects = 0;
    this.disconnects = 0;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.flushTimer);
    clearInterval(this.sweepTimer);
    clearInterval(this.summaryTimer);
    await this.flush();
  }

  get connectedCount(): number {
    return this.live.size;
  }

  get(deviceId: string): LiveAgent | undefined {
    return this.live.get(deviceId);
  }

  /** Registers a link as the device's current one; returns the link it replaced, if any. */
  attach(deviceId: string, link: AgentLink, device: { hostname: string; roles: DeviceRole[] }): AgentLink | undefined {
    const previous = this.live.get(deviceId);
    const now = this.clock.now().getTime();
    this.connects++;
    this.live.set(deviceId, {
      link, hostname: device.hostname, roles: device.roles, connectedAt: now, lastHeartbeatAt: now, heartbeats: 0, metrics: {},
    });
    return previous && previous.link !== link ? previous.link : undefined;
  }

  /** Forgets the link if it is still the device's current one; false when a newer link replaced it. */
  detach(deviceId: string, link: AgentLink): LiveAgent | undefined {
    const current = this.live.get(deviceId);
    if (!current || current.link !== link) return undefined;
    this.live.delete(deviceId);
    this.disconnects++;
    this.pendingLastSeen.delete(deviceId);
    return current;
  }

  /** Hot path: one map lookup and two assignments per heartbeat. */
  heartbeat(deviceId: string, link: AgentLink, metrics: Record<string, number>): boolean {
    const current = this.live.get(deviceId);
    if (!current || current.link !== link) return false;
    const now = this.clock.now().getTime();
    current.lastHeartbeatAt = now;
    current.heartbeats++;
    current.metrics = metrics;
    this.pendingLastSeen.set(deviceId, now);
    return true;
  }

  /** The freshest lastSeen known: in memory for a live device, else what the database holds. */
  lastSeen(deviceId: string, stored: Date | null): Date | null {
    const current = this.live.get(deviceId);
    return current ? new Date(current.lastHeartbeatAt) : stored;
  }

  async flush(): Promise<void> {
    // Chain flushes so two never overlap, and swap the map so heartbeats keep landing meanwhile.
    this.flushing = this.flushing.then(async () => {
      if (this.pendingLastSeen.size === 0) return;
      const batch = this.pendingLastSeen;
      this.pendingLastSeen = new Map();
      try {
        await this.writer.write(batch);
      } catch (error) {
        this.logger.error({ err: error, devices: batch.size }, 'lastSeen flush failed; will retry');
        for (const [id, at] of batch) if (!this.pendingLastSeen.has(id)) this.pendingLastSeen.set(id, at);
      }
    });
    return this.flushing;
  }

  private sweep(): void {
    const now = this.clock.now().getTime();
    const deadline = now - this.config.heartbeatGraceMs;
    for (const [deviceId, agent] of this.live) {
      if (agent.lastHeartbeatAt < deadline) {
        this.logger.warn({ deviceId, silentMs: now - agent.lastHeartbeatAt }, 'heartbeats stopped; dropping link');
        // The gateway's disconnect handler marks the device offline.
        agent.link.disconnect(true);
      }
    }
  }
}
