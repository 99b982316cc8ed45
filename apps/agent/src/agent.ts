import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { io, type Socket } from 'socket.io-client';
import {
  AGENTS_NAMESPACE, HandshakeErrors, JobEvents, PROTOCOL_VERSION, ServerEvents, type HelloMessage,
} from '@borealis/protocol';
import { roleRegistry, type RoleAck, type RoleAgentInfo, type RoleDefinition, type RoleRegistry } from '@borealis/roles';
import { CredentialsProvider } from './enrollment/credentials-provider';
import { EnrollmentClient, type FetchLike } from './enrollment/enrollment-client';
import type { AgentCredentials } from './home/credentials-store';
import { JobRunner, type JobRunnerTuning } from './jobs/job-runner';
import { mergeHeartbeatMetrics } from './metrics/heartbeat-metrics';
import { SystemMetricsSampler } from './metrics/system-metrics';
import { localIdentity, selfCommand, type AgentIdentity } from './platform';
import { RoleHost, type RoleStateEntry } from './roles/role-host';
import { AgentSession } from './session/agent-session';
import { DEFAULT_BACKOFF, type BackoffOptions } from './transport/backoff';
import { ReconnectPolicy, outcomeReason, type ConnectOutcome, type RetryDecision } from './transport/reconnect-policy';
import { realTimers, sleep, type Timers } from './timers';

export interface AgentOptions {
  /** Server origin, e.g. `http://127.0.0.1:5000` (validated by the config module). */
  serverUrl: string;
  /** Everything the agent writes stays under this folder. */
  home: string;
  /** Used for the first enrollment, and once more if the server later refuses the credentials. */
  enrollmentToken?: string;
  logger: Logger;
  /** Roles to host; the generated manifest fills the default registry. */
  registry?: RoleRegistry;
  /** Overrides what the agent reports about the machine (fleet simulator). */
  identity?: Partial<AgentIdentity>;
  fetch?: FetchLike;
  random?: () => number;
  timers?: Timers;
  backoff?: Partial<BackoffOptions>;
  /** Socket.IO handshake timeout. */
  connectTimeoutMs?: number;
  /** Ack wait for hello, role.state and role emits. */
  ackTimeoutMs?: number;
  /** Longest a role hook may run. */
  hookTimeoutMs?: number;
  /** Job runner timings (output flush, stop grace, result retry...); tests shorten them. */
  jobs?: Partial<JobRunnerTuning>;
}

export type AgentState = 'idle' | 'enrolling' | 'connecting' | 'online' | 'waiting' | 'stopping' | 'stopped';

/** Events for tests, the CLI and the simulator; the agent never depends on anyone listening. */
export interface AgentEventMap {
  state: [AgentState];
  enrolled: [{ agentId: string }];
  online: [{ deviceId: string; revision: number }];
  offline: [{ reason: string }];
  heartbeat: [{ seq: number; rttMs: number }];
  config: [{ revision: number; heartbeatIntervalMs: number; roles: RoleStateEntry[] }];
  halfOpen: [];
  /** The server refused the credentials (`unauthorized`). */
  rejected: [{ reason: string; reenroll: boolean }];
  retry: [{ delayMs: number; attempt: number; reason: string }];
  /** Unrecoverable (no credentials and no token, token refused at first enrollment); the agent stops. */
  fatal: [Error];
}

export { AgentFatalError } from './agent-fatal-error';

/**
 * The agent core: enrollment, the reconnect loop, and one {@link AgentSession} per connection.
 * Usable in-process (`await agent.start(); ...; await agent.stop()`); the CLI wraps it.
 */
export class Agent extends EventEmitter<AgentEventMap> {
  private stateValue: AgentState = 'idle';
  private deviceIdValue: string | undefined;
  private session: AgentSession | undefined;
  private endConnection: ((outcome: ConnectOutcome) => void) | undefined;
  private loop: Promise<void> | undefined;
  private stopping: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private readonly logger: Logger;
  private readonly identity: AgentIdentity;
  private readonly timers: Timers;
  private readonly credentials: CredentialsProvider;
  private readonly sampler = new SystemMetricsSampler();
  private readonly reconnect: ReconnectPolicy;
  readonly roles: RoleHost;
  readonly jobs: JobRunner;

  constructor(private readonly options: AgentOptions) {
    super();
    this.logger = options.logger;
    this.identity = { ...localIdentity(), ...options.identity };
    this.timers = options.timers ?? realTimers;
    const random = options.random ?? Math.random;
    const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...options.backoff };
    this.reconnect = new ReconnectPolicy(backoff, random, this.logger);
    this.credentials = new CredentialsProvider({
      serverUrl: options.serverUrl,
      home: options.home,
      ...(options.enrollmentToken !== undefined ? { enrollmentToken: options.enrollmentToken } : {}),
      identity: this.identity,
      client: new EnrollmentClient(options.fetch ? { fetch: options.fetch } : {}),
      logger: this.logger,
      backoff,
      random,
      timers: this.timers,
      signal: this.abort.signal,
      onEnrolling: () => this.setState('enrolling'),
      onWaiting: () => this.setState('waiting'),
      onEnrolled: ({ agentId }) => this.emit('enrolled', { agentId }),
    });
    this.roles = new RoleHost({
      registry: options.registry ?? roleRegistry,
      logger: this.logger,
      agent: () => this.roleAgentInfo(),
      emit: (event, payload) => this.emitWithAck(event, payload),
      reservedEvents: [...Object.values(ServerEvents), JobEvents.dispatch, JobEvents.cancel],
      ...(options.hookTimeoutMs !== undefined ? { hookTimeoutMs: options.hookTimeoutMs } : {}),
      onStateChange: (states) => this.session?.sendRoleState(states),
    });
    this.jobs = new JobRunner({
      home: options.home,
      logger: this.logger,
      timers: this.timers,
      roles: this.roles,
      transport: {
        emitWithAck: (event, payload) => this.emitWithAck(event, payload),
        emit: (event, payload) => void this.session?.emit(event, payload),
      },
      ...(options.jobs ? { tuning: options.jobs } : {}),
    });
  }

  get state(): AgentState {
    return this.stateValue;
  }

  get agentId(): string | undefined {
    return this.credentials.current?.agentId;
  }

  /** Set by the server in the hello ack. */
  get deviceId(): string | undefined {
    return this.deviceIdValue;
  }

  /** Hosts a role loaded after start (`<home>/Roles/`) and announces it on the live connection, if any. */
  addRole(definition: RoleDefinition): void {
    this.roles.addRole(definition);
    void this.session?.reannounce(this.hello());
  }

  /** Starts the enroll/connect loop in the background; failures surface as `fatal` events. */
  async start(): Promise<void> {
    if (this.loop) throw new Error('agent already started');
    this.logger.info({ serverUrl: this.options.serverUrl, home: this.options.home, version: this.identity.agentVersion }, 'agent starting');
    this.loop = this.run().catch((err: unknown) => {
      const error = err instanceof Error ? err : new Error(String(err));
      this.logger.fatal({ err: error.message }, 'agent cannot continue');
      this.emit('fatal', error);
      void this.stop();
    });
  }

  /**
   * Aborts running jobs and stops roles (in parallel, while still connected, so results and
   * goodbyes can go out), then disconnects; idempotent. Bounded by the role hook timeout and
   * the jobs' stop grace.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.setState('stopping');
      this.abort.abort(); // no reconnect, no backoff wait, cancels an enrollment in flight
      const jobsStopped = this.jobs.stop(); // aborts runs at once; their results are journaled within the grace
      await this.roles.stopAll(); // while still connected, so roles can say goodbye and results go out
      await jobsStopped;
      this.endConnection?.({ kind: 'closed', reason: 'agent stopping' });
      await this.loop;
      this.setState('stopped');
      this.logger.info('agent stopped');
    })();
    return this.stopping;
  }

  private async run(): Promise<void> {
    await this.jobs.load(); // before connecting: interrupted runs become results to send
    while (!this.abort.signal.aborted) {
      const credentials = await this.credentials.obtain();
      if (!credentials || this.abort.signal.aborted) return;
      const outcome = await this.connectOnce(credentials);
      if (this.abort.signal.aborted) return;
      const { delayMs, reason } = await this.retryDelay(outcome);
      if (delayMs <= 0) continue;
      this.setState('waiting');
      this.emit('retry', { delayMs, attempt: this.reconnect.attempt, reason });
      await sleep(delayMs, this.abort.signal, this.timers);
    }
  }

  /** One socket from connect to close; resolves with why it ended. */
  private connectOnce(credentials: AgentCredentials): Promise<ConnectOutcome> {
    this.setState('connecting');
    return new Promise((resolve) => {
      const socket: Socket = io(`${this.options.serverUrl}${AGENTS_NAMESPACE}`, {
        transports: ['websocket'],
        auth: { agentId: credentials.agentId, secret: credentials.secret, protocolVersion: PROTOCOL_VERSION },
        reconnection: false, // the agent drives reconnects: full-jitter backoff, re-enrollment
        forceNew: true, // a fresh Manager per attempt; nothing stale is reused
        timeout: this.options.connectTimeoutMs ?? 20_000,
      });
      let online = false;
      let ended = false;
      const end = (outcome: ConnectOutcome): void => {
        if (ended) return;
        ended = true;
        this.jobs.setOnline(false);
        this.session?.close();
        this.session = undefined;
        this.endConnection = undefined;
        socket.disconnect();
        if (online) {
          const reason = outcome.kind === 'closed' ? outcome.reason : outcome.kind;
          this.logger.warn({ reason }, 'disconnected');
          this.emit('offline', { reason });
        }
        resolve(outcome);
      };
      this.endConnection = end;
      socket.on('connect', () => {
        this.session?.close();
        this.session = new AgentSession({
          socket,
          logger: this.logger,
          host: this.roles,
          hello: this.hello(),
          timers: this.timers,
          metrics: () => this.heartbeatMetrics(),
          ackTimeoutMs: this.options.ackTimeoutMs ?? 10_000,
          coreHandlers: {
            [JobEvents.dispatch]: (payload) => this.jobs.dispatch(payload),
            [JobEvents.cancel]: (payload) => this.jobs.cancel(payload),
          },
          hooks: {
            ready: ({ deviceId, revision }) => {
              online = true;
              this.reconnect.reset(); // only a fully accepted session resets the backoff
              this.deviceIdValue = deviceId;
              this.setState('online');
              this.logger.info({ deviceId, agentId: credentials.agentId, revision }, 'connected');
              this.jobs.setOnline(true); // resends every result still in the outbox
              this.emit('online', { deviceId, revision });
            },
            helloFailed: ({ code }) => end({ kind: 'helloFailed', code }),
            halfOpen: () => {
              this.emit('halfOpen');
              end({ kind: 'halfOpen' });
            },
            heartbeat: (info) => this.emit('heartbeat', info),
            configApplied: (info) => this.emit('config', info),
            // The server closes the socket right after; remember why so the retry waits near the cap.
            replaced: () => end({ kind: 'closed', reason: HandshakeErrors.replaced }),
          },
        });
        void this.session.begin();
      });
      socket.on('connect_error', (err: Error) => end({ kind: 'refused', message: err.message }));
      socket.on('disconnect', (reason: string) => end({ kind: 'closed', reason }));
    });
  }

  /** How long to wait before the next attempt, re-enrolling once if the server forgot us. */
  private async retryDelay(outcome: ConnectOutcome): Promise<RetryDecision> {
    if (outcome.kind === 'refused' && outcomeReason(outcome) === HandshakeErrors.unauthorized) {
      return this.onUnauthorized();
    }
    return this.reconnect.next(outcome);
  }

  private async onUnauthorized(): Promise<RetryDecision> {
    const reason = HandshakeErrors.unauthorized;
    const agentId = this.agentId;
    const reenroll = this.credentials.canReenroll();
    this.emit('rejected', { reason, reenroll });
    if (reenroll) {
      this.logger.warn({ agentId }, 'server refused the credentials; re-enrolling once with the enrollment token');
      if (await this.credentials.reenrollOnce()) {
        this.reconnect.reset();
        return { delayMs: 0, reason };
      }
    }
    const decision = this.reconnect.slow(reason);
    this.logger.error(
      { agentId, delayMs: decision.delayMs },
      'server refuses this agent (unauthorized): it was deleted or revoked, or credentials.json belongs to another server. '
        + 'Retrying near the backoff cap; restart with a new enrollment token to re-enroll.',
    );
    return decision;
  }

  private emitWithAck(event: string, payload: unknown): Promise<RoleAck> {
    return this.session?.emitWithAck(event, payload)
      ?? Promise.resolve({ ok: false, code: 'offline', message: 'agent is not connected' });
  }

  private hello(): HelloMessage {
    const { hostname, os, osVersion, arch, agentVersion } = this.identity;
    return { hostname, os, osVersion, arch, agentVersion, protocolVersion: PROTOCOL_VERSION, roles: this.roles.descriptors() };
  }

  private heartbeatMetrics(): Record<string, number> {
    return mergeHeartbeatMetrics({ ...this.sampler.sample() }, this.roles.collectMetrics());
  }

  private roleAgentInfo(): RoleAgentInfo {
    return {
      id: this.agentId ?? '', home: this.options.home, version: this.identity.agentVersion, os: this.identity.os, selfCommand: selfCommand(),
    };
  }

  private setState(state: AgentState): void {
    if (this.stateValue === state || this.stateValue === 'stopped') return;
    if (this.stateValue === 'stopping' && state !== 'stopped') return;
    this.stateValue = state;
    this.emit('state', state);
  }
}
