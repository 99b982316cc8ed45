import type { Logger } from 'pino';
import type { Socket } from 'socket.io-client';
import {
  AgentEvents, ServerEvents, configUpdateSchema, parseMessage,
  type ConfigUpdateMessage, type HelloMessage,
} from '@borealis/protocol';
import type { RoleAck } from '@borealis/roles';
import { HeartbeatScheduler, type BeatResult } from '../heartbeat/heartbeat-scheduler';
import type { RoleHost, RoleStateEntry } from '../roles/role-host';
import type { Timers } from '../timers';

export interface SessionHooks {
  /** hello was acked and its config applied. */
  ready(info: { deviceId: string; revision: number }): void;
  /** hello was refused or its ack was unusable: the agent drops this socket and backs off. */
  helloFailed(info: { code: string; message: string }): void;
  /** Consecutive heartbeat acks timed out. */
  halfOpen(): void;
  heartbeat(info: { seq: number; rttMs: number }): void;
  configApplied(info: { revision: number; heartbeatIntervalMs: number; roles: RoleStateEntry[] }): void;
  /** The server says a newer connection of this agent took over (`session.replaced`). */
  replaced(): void;
}

export interface AgentSessionOptions {
  socket: Socket;
  logger: Logger;
  host: RoleHost;
  hello: HelloMessage;
  timers: Timers;
  /** Heartbeat metrics: system metrics merged with role metrics. */
  metrics: () => Record<string, number>;
  hooks: SessionHooks;
  /** Ack wait for hello, role.state and role emits. */
  ackTimeoutMs: number;
  /**
   * Server events the agent core answers itself (e.g. `job.dispatch`): never routed to roles,
   * held until the hello config is applied, and answered with what the handler returns.
   */
  coreHandlers?: Readonly<Record<string, CoreEventHandler>>;
}

export type CoreEventHandler = (payload: unknown) => unknown;

type AckFn = (response: unknown) => void;

const TIMED_OUT = Symbol('timed out');
/** Server events the session handles itself; everything else goes to the roles. */
const CORE_EVENTS = new Set<string>(Object.values(ServerEvents));

/**
 * The protocol on one connected socket: hello, heartbeats, config.update and role events.
 * A new session per connection keeps per-connection state (seq, timers) from leaking across reconnects.
 */
export class AgentSession {
  private heartbeat: HeartbeatScheduler | undefined;
  private closed = false;
  private logger: Logger;
  /** Resolves once hello's config is applied (or the session closes): core events wait for it. */
  private readonly readyGate: Promise<void>;
  private openGate: () => void = () => undefined;

  constructor(private readonly options: AgentSessionOptions) {
    this.logger = options.logger;
    this.readyGate = new Promise((resolve) => (this.openGate = resolve));
    const { socket } = options;
    const core = options.coreHandlers ?? {};
    for (const [event, handler] of Object.entries(core)) {
      socket.on(event, (...args: unknown[]) => {
        const { payload, ack } = splitArgs(args);
        void this.onCoreEvent(event, handler, payload, ack);
      });
    }
    socket.on(ServerEvents.configUpdate, (...args: unknown[]) => {
      const { payload, ack } = splitArgs(args);
      void this.onConfigUpdate(payload, ack);
    });
    socket.on(ServerEvents.sessionReplaced, () => {
      this.logger.warn('server says a newer connection of this agent replaced this one');
      this.options.hooks.replaced();
    });
    socket.onAny((event: string, ...args: unknown[]) => {
      if (CORE_EVENTS.has(event) || Object.hasOwn(core, event)) return;
      const { payload, ack } = splitArgs(args);
      void this.onRoleEvent(event, payload, ack);
    });
  }

  /** Sends hello, applies its ack like a config.update, then starts heartbeats. */
  async begin(): Promise<void> {
    let ack: unknown;
    try {
      ack = await this.options.socket.timeout(this.options.ackTimeoutMs).emitWithAck(AgentEvents.hello, this.options.hello);
    } catch {
      return this.fail('hello_timeout', `no hello ack within ${this.options.ackTimeoutMs} ms`);
    }
    if (this.closed) return;
    const a = (ack ?? {}) as { ok?: unknown; code?: unknown; message?: unknown; deviceId?: unknown };
    if (a.ok !== true) {
      return this.fail(typeof a.code === 'string' ? a.code : 'hello_refused', typeof a.message === 'string' ? a.message : 'hello refused');
    }
    const parsed = parseMessage(configUpdateSchema, ack);
    if (!parsed.ok || typeof a.deviceId !== 'string' || a.deviceId === '') {
      this.logger.error({ details: parsed.ok ? [{ path: 'deviceId', message: 'missing' }] : parsed.details }, 'hello ack failed validation');
      return this.fail('bad_message', 'hello ack failed validation');
    }
    this.logger = this.logger.child({ deviceId: a.deviceId });
    this.heartbeat = new HeartbeatScheduler({
      timers: this.options.timers,
      intervalMs: parsed.value.heartbeatIntervalMs,
      beat: (seq, timeoutMs) => this.beat(seq, timeoutMs),
      onHalfOpen: () => {
        this.logger.warn('2 heartbeat acks in a row timed out: link is half-open, reconnecting');
        this.options.hooks.halfOpen();
      },
    });
    await this.applyConfig(parsed.value);
    if (this.closed) return;
    this.heartbeat.start();
    this.openGate();
    this.options.hooks.ready({ deviceId: a.deviceId, revision: parsed.value.revision });
  }

  /**
   * Sends `agent.hello` again on this connection because the hosted roles changed (a role file
   * landed in Roles/). The server records the new role list and answers with the config, which is
   * applied as usual: that starts the new role. False (logged) when it could not be done; the
   * next connection's hello carries the roles anyway.
   */
  async reannounce(hello: HelloMessage): Promise<boolean> {
    await this.readyGate;
    if (this.closed) return false;
    let ack: unknown;
    try {
      ack = await this.options.socket.timeout(this.options.ackTimeoutMs).emitWithAck(AgentEvents.hello, hello);
    } catch {
      this.logger.warn('no ack for the new hello: the roles will be announced at the next connection');
      return false;
    }
    if (this.closed) return false;
    const parsed = parseMessage(configUpdateSchema, ack);
    if ((ack as { ok?: unknown } | undefined)?.ok !== true || !parsed.ok) {
      this.logger.warn({ code: (ack as { code?: unknown } | undefined)?.code }, 'the server did not accept the new hello');
      return false;
    }
    await this.applyConfig(parsed.value);
    return true;
  }

  close(): void {
    this.closed = true;
    this.heartbeat?.stop();
    this.openGate(); // releases waiting core events; they see `closed` and stay unanswered
  }

  /** Fire and forget (no ack): false when the link is down, the message is then dropped. */
  emit(event: string, payload: unknown): boolean {
    if (this.closed || !this.options.socket.connected) return false;
    this.options.socket.emit(event, payload);
    return true;
  }

  /** Role -> server event with ack; never throws (offline, timeout and bad acks become `{ok:false}`). */
  async emitWithAck(event: string, payload: unknown): Promise<RoleAck> {
    if (this.closed || !this.options.socket.connected) {
      return { ok: false, code: 'offline', message: 'agent is not connected' };
    }
    try {
      const ack: unknown = await this.options.socket.timeout(this.options.ackTimeoutMs).emitWithAck(event, payload);
      if (ack && typeof ack === 'object' && typeof (ack as { ok?: unknown }).ok === 'boolean') return ack as RoleAck;
      return { ok: false, code: 'bad_ack', message: `server answered "${event}" without {ok}` };
    } catch {
      return { ok: false, code: 'timeout', message: `no ack for "${event}" within ${this.options.ackTimeoutMs} ms` };
    }
  }

  /** Reports role states; the server's ack is only logged when it refuses. */
  sendRoleState(roles: RoleStateEntry[]): void {
    void this.emitWithAck(AgentEvents.roleState, { roles }).then((ack) => {
      if (!ack.ok) this.logger.warn({ code: ack.code }, 'role.state not acknowledged');
    });
  }

  private fail(code: string, message: string): void {
    if (this.closed) return;
    this.logger.error({ code, reason: message }, 'server did not accept hello');
    this.options.hooks.helloFailed({ code, message });
  }

  private async onConfigUpdate(payload: unknown, ack: AckFn | undefined): Promise<void> {
    const parsed = parseMessage(configUpdateSchema, payload);
    if (!parsed.ok) {
      this.logger.warn({ event: ServerEvents.configUpdate, details: parsed.details }, 'bad message from server ignored');
      ack?.(parsed);
      return;
    }
    await this.applyConfig(parsed.value);
    ack?.({ ok: true });
  }

  /** Shared by the hello ack and config.update: reschedule heartbeats, apply roles, report their states. */
  private async applyConfig(update: ConfigUpdateMessage): Promise<void> {
    this.heartbeat?.setInterval(update.heartbeatIntervalMs);
    const roles = await this.options.host.applyConfig(update.revision, update.roles);
    if (this.closed) return;
    this.logger.info(
      { revision: update.revision, heartbeatIntervalMs: update.heartbeatIntervalMs, roles: summarize(roles) },
      'config applied',
    );
    this.sendRoleState(roles);
    this.options.hooks.configApplied({ revision: update.revision, heartbeatIntervalMs: update.heartbeatIntervalMs, roles });
  }

  /**
   * Waits for the hello config: the server dispatches queued jobs right after its hello ack, and
   * the roles that run them are only started once that config is applied.
   */
  private async onCoreEvent(event: string, handler: CoreEventHandler, payload: unknown, ack: AckFn | undefined): Promise<void> {
    await this.readyGate;
    if (this.closed) return;
    let answer: unknown;
    try {
      answer = await handler(payload); // not inside `ack?.(...)`: without an ack its arguments would never run
    } catch (err) {
      this.logger.error({ event, err: (err as Error).message }, 'core event handler failed');
      answer = { ok: false, code: 'internal_error', message: (err as Error).message };
    }
    ack?.(answer);
  }

  private async onRoleEvent(event: string, payload: unknown, ack: AckFn | undefined): Promise<void> {
    if (!this.options.host.hasHandler(event)) {
      this.logger.warn({ event }, 'server event no role handles');
      ack?.({ ok: false, code: 'unknown_event', message: `no running role handles "${event}"` });
      return;
    }
    const result = await this.options.host.dispatch(event, payload);
    ack?.(result);
  }

  private async beat(seq: number, timeoutMs: number): Promise<BeatResult> {
    const sentAt = this.options.timers.now();
    const ack: unknown = await this.options.socket
      .timeout(timeoutMs)
      .emitWithAck(AgentEvents.heartbeat, { seq, sentAt, metrics: this.options.metrics() })
      .catch(() => TIMED_OUT);
    if (ack === TIMED_OUT) {
      this.logger.warn({ seq, timeoutMs }, 'heartbeat ack timed out');
      return 'timeout';
    }
    const a = (ack ?? {}) as { ok?: unknown; code?: unknown };
    if (a.ok !== true) {
      this.logger.warn({ seq, code: a.code }, 'heartbeat refused by server');
      // The server no longer knows this link as a session: a fresh connection and hello fix that.
      if (a.code === 'hello_required') this.fail('hello_required', 'server asked for a new hello');
      return 'refused';
    }
    this.options.hooks.heartbeat({ seq, rttMs: this.options.timers.now() - sentAt });
    return 'acked';
  }
}

/** socket.io passes the ack callback as the last argument when the sender asked for one. */
function splitArgs(args: unknown[]): { payload: unknown; ack: AckFn | undefined } {
  const last = args[args.length - 1];
  const ack = typeof last === 'function' ? (last as AckFn) : undefined;
  const payload = ack && args.length === 1 ? undefined : args[0];
  return { payload, ack };
}

function summarize(roles: RoleStateEntry[]): Record<string, string> {
  return Object.fromEntries(roles.map((r) => [r.name, r.status]));
}
