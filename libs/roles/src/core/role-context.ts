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
