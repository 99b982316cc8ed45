import { Logger } from '@nestjs/common';
import { OnGatewayConnection, OnGatewayDisconnect, OnGatewayInit, WebSocketGateway } from '@nestjs/websockets';
import type { Namespace, Socket } from 'socket.io';
import {
  AGENTS_NAMESPACE, AgentEvents, HandshakeErrors, PROTOCOL_VERSION, ServerEvents, heartbeatSchema, helloSchema,
  parseMessage, roleStateSchema, type Ack,
} from '@borealis/protocol';
import { toAck } from '../../common/ack';
import type { DeviceLinkRow } from '../devices/device-link.repository';
import { DevicesService } from '../devices/devices.service';
import { PresenceService } from '../devices/presence.service';
import { AgentMetrics } from '../metrics/agent-metrics';
import { AgentInventoryListener } from './agent-inventory.listener';
import { AgentJobsListener } from './agent-jobs.listener';
import { AgentScreenListener } from './agent-screen.listener';

interface AgentSocketData {
  deviceId: string;
  /** The device row read at the handshake; hello uses it instead of reading again. */
  device: DeviceLinkRow;
}

type AgentSocket = Socket<Record<string, never>, Record<string, never>, Record<string, never>, AgentSocketData>;
type AckFn = (response: Ack<Record<string, unknown>>) => void;

const KNOWN_EVENTS = new Set<string>([...Object.values(AgentEvents), ...AgentJobsListener.events, ...AgentInventoryListener.events, ...AgentScreenListener.events]);

/**
 * The `/agents` namespace. Handshake auth runs as namespace middleware; message handlers are
 * plain socket listeners (not Nest message handlers) because heartbeats are the hottest path
 * of the server and need no interceptor pipeline.
 */
@WebSocketGateway({ namespace: AGENTS_NAMESPACE })
export class AgentGateway implements OnGatewayInit<Namespace>, OnGatewayConnection<AgentSocket>, OnGatewayDisconnect<AgentSocket> {
  private readonly logger = new Logger('AgentGateway');

  constructor(
    private readonly devices: DevicesService,
    private readonly presence: PresenceService,
    private readonly metrics: AgentMetrics,
    private readonly jobs: AgentJobsListener,
    private readonly inventory: AgentInventoryListener,
    private readonly screen: AgentScreenListener,
  ) {}

  afterInit(namespace: Namespace): void {
    namespace.use((socket, next) => {
      this.authenticate(socket as AgentSocket).then(
        (error) => next(error),
        (error: unknown) => {
          this.logger.error({ err: error }, 'agent handshake failed');
          next(new Error(HandshakeErrors.unauthorized));
        },
      );
    });
  }

  handleConnection(socket: AgentSocket): void {
    const deviceId = socket.data.deviceId;
    socket.on(AgentEvents.hello, (payload: unknown, ack: unknown) => void this.onHello(socket, payload, asAck(ack)));
    socket.on(AgentEvents.heartbeat, (payload: unknown, ack: unknown) => this.onHeartbeat(socket, payload, asAck(ack)));
    socket.on(AgentEvents.roleState, (payload: unknown, ack: unknown) => void this.onRoleState(socket, payload, asAck(ack)));
    this.jobs.attach(socket, deviceId, asAck);
    this.inventory.attach(socket, deviceId, asAck);
    this.screen.attach(socket, deviceId, asAck);
    socket.onAny((event: string, ...args: unknown[]) => {
      if (KNOWN_EVENTS.has(event)) return;
      this.logger.warn({ deviceId, event: String(event).slice(0, 64) }, 'unknown agent event dropped');
      asAck(args[args.length - 1])?.({ ok: false, code: 'unknown_event', message: 'unknown event' });
    });
  }

  handleDisconnect(socket: AgentSocket): void {
    const deviceId = socket.data.deviceId;
    if (!deviceId) return;
    const gone = this.presence.detach(deviceId, socket);
    if (!gone) return; // a newer connection of the same agent replaced this one
    this.metrics.connected.set(this.presence.connectedCount);
    this.devices.markOffline(deviceId, gone.hostname, new Date(gone.lastHeartbeatAt), 'disconnected').catch((error: unknown) =>
      this.logger.error({ err: error, deviceId }, 'could not mark device offline'));
  }

  /** Returns an Error to refuse the connection, or undefined to accept it. */
  private async authenticate(socket: AgentSocket): Promise<Error | undefined> {
    const auth = (socket.handshake.auth ?? {}) as Record<string, unknown>;
    if (auth.protocolVersion !== PROTOCOL_VERSION) {
      this.metrics.refused.inc({ reason: HandshakeErrors.protocolMismatch });
      return Object.assign(new Error(HandshakeErrors.protocolMismatch), { data: { supported: PROTOCOL_VERSION } });
    }
    const { agentId, secret } = auth;
    const device = typeof agentId === 'string' && typeof secret === 'string' && agentId.length <= 64 && secret.length <= 200
      ? await this.devices.verifyAgent(agentId, secret)
      : undefined;
    if (!device) {
      this.metrics.refused.inc({ reason: HandshakeErrors.unauthorized });
      this.logger.warn({ agentId: typeof agentId === 'string' ? agentId.slice(0, 64) : undefined, ip: socket.handshake.address }, 'agent refused');
      return new Error(HandshakeErrors.unauthorized);
    }
    socket.data = { deviceId: device.id, device };
    return undefined;
  }

  private async onHello(socket: AgentSocket, payload: unknown, ack?: AckFn): Promise<void> {
    const parsed = parseMessage(helloSchema, payload);
    if (!parsed.ok) return this.reject(socket, AgentEvents.hello, parsed, ack);
    const deviceId = socket.data.deviceId;
    try {
      const replaced = this.presence.attach(deviceId, socket, socket.data.device);
      if (replaced) {
        this.logger.warn({ deviceId }, 'a newer connection replaced the previous one');
        replaced.emit(ServerEvents.sessionReplaced, {});
        replaced.disconnect(true);
      }
      const { config, roles } = await this.devices.recordHello(socket.data.device, parsed.value);
      const live = this.presence.get(deviceId);
      if (live?.link === socket) {
        live.roles = roles;
        live.hostname = parsed.value.hostname;
      }
      this.metrics.connected.set(this.presence.connectedCount);
      // Debug, not info: a restarted server sees thousands of these in seconds; a periodic summary says how many.
      this.logger.debug({ deviceId, hostname: parsed.value.hostname, agentVersion: parsed.value.agentVersion }, 'agent online');
      ack?.({ ok: true, deviceId, serverTime: Date.now(), ...config });
      this.jobs.deviceReady(deviceId);
    } catch (error) {
      this.logger.error({ err: error, deviceId }, 'hello failed');
      ack?.(toAck(error));
      socket.disconnect(true);
    }
  }

  private onHeartbeat(socket: AgentSocket, payload: unknown, ack?: AckFn): void {
    const parsed = parseMessage(heartbeatSchema, payload);
    if (!parsed.ok) return this.reject(socket, AgentEvents.heartbeat, parsed, ack);
    if (!this.presence.heartbeat(socket.data.deviceId, socket, parsed.value.metrics)) {
      ack?.({ ok: false, code: 'hello_required', message: 'send agent.hello first' });
      return;
    }
    this.metrics.heartbeats.inc();
    ack?.({ ok: true, serverTime: Date.now() });
  }

  private async onRoleState(socket: AgentSocket, payload: unknown, ack?: AckFn): Promise<void> {
    const parsed = parseMessage(roleStateSchema, payload);
    if (!parsed.ok) return this.reject(socket, AgentEvents.roleState, parsed, ack);
    const live = this.presence.get(socket.data.deviceId);
    if (!live || live.link !== socket) {
      ack?.({ ok: false, code: 'hello_required', message: 'send agent.hello first' });
      return;
    }
    try {
      live.roles = await this.devices.recordRoleState(socket.data.deviceId, live.roles, parsed.value);
      ack?.({ ok: true });
    } catch (error) {
      this.logger.error({ err: error, deviceId: socket.data.deviceId }, 'role state not recorded');
      ack?.(toAck(error));
    }
  }

  /** A malformed message is logged and dropped; the link stays up. */
  private reject(socket: AgentSocket, event: string, failure: Ack<Record<string, unknown>> & { ok: false }, ack?: AckFn): void {
    this.metrics.badMessages.inc({ event });
    this.logger.warn({ deviceId: socket.data.deviceId, event, details: failure.details }, 'malformed agent message dropped');
    ack?.(failure);
  }
}

/** A peer decides how many arguments it sends: only a real function is an ack callback. */
function asAck(candidate: unknown): AckFn | undefined {
  return typeof candidate === 'function' ? (candidate as AckFn) : undefined;
}
