import type { Logger } from 'pino';
import type { Ack, RoleConfig, RoleExecutionContext } from '@borealis/protocol';

/** What every role learns about the agent hosting it. */
export interface RoleAgentInfo {
  /** Agent id issued at enrollment (empty before enrollment, e.g. in tests). */
  id: string;
  /** The agent's home folder: the only place a role may write to. */
  home: string;
  /** Agent version (package.json of apps/agent). */
  version: string;
  /** Platform family: `linux`, `windows` or `darwin`. */
  os: string;
  /**
   * argv that starts the agent program again (`[binary]` in the single executable, `[node, cli.js]`
   * from source); a role appends a hidden subcommand to run a helper child process of its own.
   */
  selfCommand: readonly string[];
}

/** Acknowledgement a role gets back from the server, or returns for a server event. */
export type RoleAck = Ack<Record<string, unknown>>;

/** Handles one server -> agent event; the returned value is sent back as the ack. */
export type RoleEventHandler = (payload: unknown) => RoleAck | Promise<RoleAck>;

/**
 * Handed to a role's constructor by the host. One context per role instance: when a role is
 * disabled its signal aborts, its handlers are removed, and re-enabling builds a new instance.
 */
export interface RoleContext {
  /** The role's registered name (lower snake_case, equal to its folder name). */
  readonly name: string;
  /** pino child logger already bound to `{ role: name }`. */
  readonly logger: Logger;
  readonly agent: Readonly<RoleAgentInfo>;
  /** Sends an event to the server and resolves with its ack (`{ok:false,...}` when offline or timed out). */
  emit(event: string, payload: unknown): Promise<RoleAck>;
  /** Subscribes to a server -> agent event; throws if another role already handles it. */
  on(event: string, handler: RoleEventHandler): void;
  /** Aborted when the role is stopped (disabled, agent shutdown); pass it to long-running work. */
  readonly signal: AbortSignal;
}

/** Optional lifecycle hooks; the host calls only the ones a role defines. */
export interface RoleInstance {
  /** Called once after construction: subscribe to server events with `context.on` here. */
  registerEvents?(): void;
  /** Called with the role's config at start and on every change (`config.update`). */
  onConfig?(config: RoleConfig): void | Promise<void>;
  /** Called when the role is disabled or the agent stops; release everything here. */
  stopAll?(): void | Promise<void>;
  /** Light numbers merged into each heartbeat's metrics; keep it cheap and synchronous. */
  collectMetrics?(): Record<string, number>;
  /**
   * Runs one job (`POST /api/jobs` with this role). The host journals the run, enforces the
   * timeout, caps and forwards output, and sends the result; the role only executes. Resolve
   * with the exit code; throw (or resolve with `error`) when the run could not happen at all.
   */
  runJob?(job: RoleJob): Promise<RoleJobOutcome>;
}

/** Why a job's signal was aborted; read `job.signal.reason`. */
export type RoleJobAbortReason = 'cancelled' | 'timed_out' | 'stopping';

/** One run handed to {@link RoleInstance.runJob}. */
export interface RoleJob {
  readonly runId: string;
  readonly jobId: string;
  /** Unvalidated: the role validates it (e.g. with `scriptPayloadSchema`). */
  readonly payload: unknown;
  readonly timeoutMs: number;
  /** Aborted on cancel, on timeout, or when the agent stops: kill everything the run started. */
  readonly signal: AbortSignal;
  /** Call once the work really started (process spawned): the server moves the run to `running`. */
  started(): void;
  /** Live output, in order; the host caps each stream at 1 MiB and streams chunks to viewers. */
  output(stream: 'stdout' | 'stderr', data: string): void;
}

export interface RoleJobOutcome {
  /** Null when no process exited normally (killed, never started). */
  exitCode: number | null;
  /** Set when the run could not do its work, e.g. "system context unavailable: sudo needs a password". */
  error?: string | null;
}

export interface RoleMeta {
  /** Lower snake_case, equal to the role's folder name under `libs/roles/src/`. */
  name: string;
  /** Where the role can run; announced to the server in `agent.hello`. */
  contexts: readonly RoleExecutionContext[];
}

export type RoleConstructor = new (context: RoleContext) => RoleInstance;

export interface RoleDefinition extends RoleMeta {
  readonly ctor: RoleConstructor;
}
