/**
 * One simulated agent: a real protocol client (socket.io-client over websocket on `/agents`)
 * that says hello, heartbeats at the server-set interval with acks, answers `config.update`,
 * runs dispatched jobs ({@link SimJobs}) and reconnects like the real agent. Everything it observes goes to a shared {@link AgentSink}
 * so one worker aggregates thousands of clients without per-client objects in the report.
 */
import { Manager, type ManagerOptions, type Socket } from 'socket.io-client';
import {
  AGENTS_NAMESPACE,
  AgentEvents,
  HandshakeErrors,
  PROTOCOL_VERSION,
  ServerEvents,
  configUpdateSchema,
  parseMessage,
  type AgentHandshakeAuth,
  type ConfigUpdateMessage,
  type HeartbeatAck,
  type HeartbeatMessage,
  type HelloAck,
  type HelloMessage,
  type RoleDescriptor,
  type RoleStateMessage,
} from '@borealis/protocol';
import { backoffDelayMs, capDelayMs } from './backoff';
import { SimJobs } from './sim-jobs';
import type { AgentCredential, ClientSettings, PlainAck, WorkerCounters } from './sim-types';
import type { LatencyHistogram } from './latency-histogram';

export interface AgentSink {
  counters: WorkerCounters;
  latency: LatencyHistogram;
  error(reason: string): void;
  /** Once per agent, when its first connection attempt succeeds or fails: paces the ramp. */
  firstAttemptSettled(): void;
}

/** What a freshly installed agent announces; two roles keep hello and role.state realistic. */
const SIM_ROLES: RoleDescriptor[] = [
  { name: 'inventory', contexts: ['system'] },
  { name: 'script_exec_system', contexts: ['system'] },
];
const DEFAULT_INTERVAL_MS = 30_000;

export class SimAgent {
  private readonly socket: Socket;
  /** Runs this agent was dispatched; public so a spec can compare them with what the server stored. */
  readonly jobs: SimJobs;
  private attempt = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private intervalMs = DEFAULT_INTERVAL_MS;
  private seq = 0;
  private online = false;
  private everConnected = false;
  private stopped = false;
  private settled = false;

  constructor(
    private readonly credential: AgentCredential,
    private readonly settings: ClientSettings,
    private readonly sink: AgentSink,
    localAddress?: string,
  ) {
    // engine.io-client hands `localAddress` through to `ws` (not in its typings), which is how
    // clients spread over 127.0.0.x and escape the ~28k ephemeral ports of one source address.
    const options: Partial<ManagerOptions> & { localAddress?: string } = {
      transports: ['websocket'],
      // Reconnects are ours (full jitter like the real agent), not socket.io's +-50 % jitter.
      reconnection: false,
      autoConnect: false,
      timeout: settings.connectTimeoutMs,
      localAddress,
    };
    const auth: AgentHandshakeAuth = {
      agentId: credential.agentId,
      secret: credential.secret,
      protocolVersion: PROTOCOL_VERSION,
    };
    this.socket = new Manager(settings.serverUrl, options).socket(AGENTS_NAMESPACE, { auth: { ...auth } });
    this.socket.on('connect', () => this.onConnect());
    this.socket.on('disconnect', (reason) => this.onDisconnect(reason));
    this.socket.on('connect_error', (err: Error) => this.onConnectError(err));
    this.socket.on(ServerEvents.configUpdate, (msg: unknown, ack?: (a: PlainAck) => void) => this.onConfigUpdate(msg, ack));
    this.jobs = new SimJobs(this.socket, settings, sink);
  }

  get agentId(): string {
    return this.credential.agentId;
  }

  start(): void {
    this.sink.counters.started++;
    this.socket.connect();
  }

  stop(): void {
    this.stopped = true;
    this.jobs.stop();
    clearTimeout(this.heartbeatTimer);
    clearTimeout(this.reconnectTimer);
    this.socket.disconnect();
  }

  private onConnect(): void {
    const c = this.sink.counters;
    c.open++;
    c.connects++;
    if (this.everConnected) c.reconnects++;
    this.everConnected = true;
    const hello: HelloMessage = {
      hostname: this.credential.hostname,
      os: 'linux',
      osVersion: 'borealis-sim',
      arch: 'x64',
      agentVersion: '0.1.0-sim',
      protocolVersion: PROTOCOL_VERSION,
      roles: SIM_ROLES,
    };
    this.socket.timeout(this.settings.ackTimeoutMs).emit(AgentEvents.hello, hello, (err: Error | null, ack?: HelloAck) => {
      if (!this.socket.connected || this.stopped) return;
      if (err || !ack || !ack.ok) {
        c.helloFailed++;
        this.sink.error(err ? 'hello:timeout' : `hello:${ack && !ack.ok ? ack.code : 'no_ack'}`);
        this.socket.disconnect(); // onDisconnect schedules the retry
        return;
      }
      c.helloOk++;
      c.online++;
      this.settle();
      this.online = true;
      this.attempt = 0;
      this.applyConfig(ack);
      this.sendRoleState(ack.revision, ack.roles);
      this.jobs.setOnline();
      // Random phase: a fleet that connected in a burst must not heartbeat in a burst.
      this.scheduleHeartbeat(Math.random() * this.intervalMs);
    });
  }

  private settle(): void {
    if (this.settled) return;
    this.settled = true;
    this.sink.firstAttemptSettled();
  }

  private onDisconnect(reason: string): void {
    const c = this.sink.counters;
    this.settle();
    c.open--;
    if (this.online) c.online--;
    this.online = false;
    this.jobs.setOffline();
    clearTimeout(this.heartbeatTimer);
    if (this.stopped) return;
    c.disconnects++;
    this.sink.error(`disconnect:${reason}`);
    this.scheduleReconnect();
  }

  private onConnectError(err: Error): void {
    this.settle();
    if (this.stopped) return;
    this.sink.counters.connectErrors++;
    this.sink.error(`connect_error:${err.message}`);
    // Like the real agent: a refusal that retrying cannot fix waits near the cap.
    const refused = err.message === HandshakeErrors.unauthorized || err.message === HandshakeErrors.protocolMismatch;
    this.scheduleReconnect(refused);
  }

  private scheduleReconnect(refused = false): void {
    if (this.stopped || this.reconnectTimer) return;
    const delay = refused ? capDelayMs(this.settings.backoff) : backoffDelayMs(this.attempt++, this.settings.backoff);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.stopped) this.socket.connect();
    }, delay);
  }

  private scheduleHeartbeat(delayMs: number): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => this.beat(), delayMs);
  }

  private beat(): void {
    if (!this.online || this.stopped) return;
    this.scheduleHeartbeat(this.intervalMs);
    const c = this.sink.counters;
    const msg: HeartbeatMessage = {
      seq: this.seq++,
      sentAt: Date.now(),
      metrics: { cpuPct: Math.round(Math.random() * 1000) / 10, memPct: 42.5, uptimeS: Math.floor(process.uptime()) },
    };
    const t0 = performance.now();
    c.heartbeatsSent++;
    this.socket.timeout(this.settings.ackTimeoutMs).emit(AgentEvents.heartbeat, msg, (err: Error | null, ack?: HeartbeatAck) => {
      if (err) {
        // socket.io fails pending acks on disconnect too; only a real timeout is a slow server.
        const timedOut = err.message.includes('timed out');
        if (timedOut) c.heartbeatsTimedOut++;
        this.sink.error(timedOut ? 'heartbeat:timeout' : 'heartbeat:lost_on_disconnect');
      } else if (ack && ack.ok) {
        c.heartbeatsAcked++;
        this.sink.latency.record(performance.now() - t0);
      } else {
        c.heartbeatsRejected++;
        this.sink.error(`heartbeat:${ack && !ack.ok ? ack.code : 'no_ack'}`);
      }
    });
  }

  private onConfigUpdate(raw: unknown, ack?: (a: PlainAck) => void): void {
    const parsed = parseMessage(configUpdateSchema, raw);
    if (!parsed.ok) {
      this.sink.error('config_update:bad_message');
      ack?.({ ok: false, code: parsed.code, message: parsed.message, details: parsed.details });
      return;
    }
    this.sink.counters.configUpdates++;
    ack?.({ ok: true });
    const previous = this.intervalMs;
    this.applyConfig(parsed.value);
    if (this.online && this.intervalMs !== previous) this.scheduleHeartbeat(Math.random() * this.intervalMs);
    this.sendRoleState(parsed.value.revision, parsed.value.roles);
  }

  private applyConfig(config: Pick<ConfigUpdateMessage, 'heartbeatIntervalMs'>): void {
    this.sink.counters.serverHeartbeatMs = config.heartbeatIntervalMs;
    this.intervalMs = this.settings.heartbeatMsOverride ?? config.heartbeatIntervalMs ?? DEFAULT_INTERVAL_MS;
  }

  private sendRoleState(revision: number, roles: ConfigUpdateMessage['roles'] | undefined): void {
    const state: RoleStateMessage = {
      roles: SIM_ROLES.map((r) => ({
        name: r.name,
        status: roles?.[r.name]?.enabled === false ? 'stopped' : 'running',
        configRevision: revision,
      })),
    };
    this.socket.timeout(this.settings.ackTimeoutMs).emit(AgentEvents.roleState, state, (err: Error | null, ack?: PlainAck) => {
      if (err) this.sink.error('role_state:timeout');
      else if (ack && !ack.ok) this.sink.error(`role_state:${ack.code}`);
    });
  }
}
