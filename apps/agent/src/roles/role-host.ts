import type { Logger } from 'pino';
import type { RoleConfig, RoleDescriptor, RoleStateMessage } from '@borealis/protocol';
import type { RoleAck, RoleAgentInfo, RoleDefinition, RoleRegistry } from '@borealis/roles';
import { HostedRole, type HostedRoleDeps, type RoleJobTarget } from './hosted-role';
import { errorText } from './with-timeout';

export type RoleStateEntry = RoleStateMessage['roles'][number];
export type { RoleJobTarget } from './hosted-role';

export interface RoleHostOptions {
  registry: RoleRegistry;
  logger: Logger;
  /** A getter: the agent id is only known after enrollment. */
  agent: () => RoleAgentInfo;
  /** Sends a role's event to the server (the agent answers `{ok:false, code:'offline'}` when disconnected). */
  emit: (event: string, payload: unknown) => Promise<RoleAck>;
  /** Server events roles may not take over (the agent core handles them). */
  reservedEvents?: readonly string[];
  hookTimeoutMs?: number;
  /** A role failed outside `applyConfig`; the agent reports the new states to the server. */
  onStateChange?: (states: RoleStateEntry[]) => void;
}

const METRIC_NAME = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/** Runs every registered role according to the server's per-role config. */
export class RoleHost {
  private readonly roles: HostedRole[];
  private readonly deps: HostedRoleDeps;
  private readonly eventOwners = new Map<string, HostedRole>();
  private readonly reserved: Set<string>;
  private queue: Promise<unknown> = Promise.resolve();
  /** Set by stopAll: a config arriving during shutdown must not start roles again. */
  private shutDown = false;

  constructor(private readonly options: RoleHostOptions) {
    this.reserved = new Set(options.reservedEvents ?? []);
    const deps = {
      logger: options.logger,
      agent: options.agent,
      emit: options.emit,
      hookTimeoutMs: options.hookTimeoutMs ?? 5_000,
      claimEvent: (event: string, role: HostedRole) => this.claimEvent(event, role),
      releaseEvent: (event: string, role: HostedRole) => {
        if (this.eventOwners.get(event) === role) this.eventOwners.delete(event);
      },
      stateChanged: () => this.options.onStateChange?.(this.states()),
    };
    this.deps = deps;
    this.roles = options.registry.list().map((definition) => new HostedRole(definition, deps));
  }

  /**
   * Hosts a role that arrived after start (a file in `<home>/Roles/`). It stays stopped until the
   * next config is applied: the agent re-announces itself and the server's answer starts it.
   */
  addRole(definition: RoleDefinition): void {
    if (this.roles.some((r) => r.name === definition.name)) throw new Error(`role "${definition.name}" is already hosted`);
    this.roles.push(new HostedRole(definition, this.deps));
    this.roles.sort((a, b) => a.name.localeCompare(b.name)); // hello and role.state lists stay sorted
  }

  has(name: string): boolean {
    return this.roles.some((r) => r.name === name);
  }

  descriptors(): RoleDescriptor[] {
    return this.roles.map((r) => ({ name: r.name, contexts: [...r.definition.contexts] }));
  }

  /**
   * Starts, tunes or stops each role: a role missing from `roles` gets `{}` (enabled by default),
   * `enabled:false` stops it, an `error` role is retried. Calls are serialized so two quick
   * config.updates cannot interleave their hooks.
   */
  applyConfig(revision: number, roles: Record<string, RoleConfig>): Promise<RoleStateEntry[]> {
    const run = async (): Promise<RoleStateEntry[]> => {
      if (this.shutDown) return this.states();
      for (const name of Object.keys(roles)) {
        if (!this.roles.some((r) => r.name === name)) {
          this.options.logger.debug({ role: name }, 'config for a role this agent does not have; ignored');
        }
      }
      await Promise.all(this.roles.map((role) => this.applyOne(role, revision, roles[role.name] ?? {})));
      return this.states();
    };
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  states(): RoleStateEntry[] {
    return this.roles.map((r) => ({
      name: r.name,
      status: r.status,
      configRevision: r.configRevision,
      ...(r.error !== undefined ? { error: r.error } : {}),
    }));
  }

  /** Metrics of running roles; names must be simple identifiers and values finite numbers. */
  collectMetrics(): Record<string, number> {
    const merged: Record<string, number> = {};
    for (const role of this.roles) {
      const metrics = role.collectMetrics();
      if (!metrics) continue;
      for (const [key, value] of Object.entries(metrics)) {
        if (!METRIC_NAME.test(key) || typeof value !== 'number' || !Number.isFinite(value)) {
          this.options.logger.debug({ role: role.name, metric: key }, 'invalid role metric dropped');
          continue;
        }
        merged[key] = value;
      }
    }
    return merged;
  }

  hasHandler(event: string): boolean {
    return this.eventOwners.get(event)?.handlerFor(event) !== undefined;
  }

  /** Routes a server event to the role that subscribed to it; a throw becomes an error ack. */
  async dispatch(event: string, payload: unknown): Promise<RoleAck> {
    const role = this.eventOwners.get(event);
    const handler = role?.handlerFor(event);
    if (!role || !handler) {
      return { ok: false, code: 'unknown_event', message: `no running role handles "${event}"` };
    }
    try {
      const ack = await handler(payload);
      return ack && typeof ack === 'object' && typeof ack.ok === 'boolean'
        ? ack
        : { ok: false, code: 'role_error', message: `role "${role.name}" returned no ack` };
    } catch (err) {
      this.options.logger.error({ role: role.name, event, err: errorText(err) }, 'role event handler failed');
      return { ok: false, code: 'role_error', message: errorText(err) };
    }
  }

  /**
   * The running role's `runJob` for the job runner. Waits for config changes in progress first:
   * the server dispatches right after the hello ack, while that config may still be starting the role.
   */
  async jobTarget(name: string): Promise<RoleJobTarget | undefined> {
    await this.queue;
    if (this.shutDown) return undefined;
    return this.roles.find((r) => r.name === name)?.jobTarget();
  }

  /** Agent shutdown: every role's stopAll in parallel, each bounded by the hook timeout. */
  async stopAll(): Promise<void> {
    this.shutDown = true;
    const run = () => Promise.all(this.roles.map((r) => r.stop())).then(() => undefined);
    const result = this.queue.then(run, run);
    this.queue = result.catch(() => undefined);
    await result;
  }

  private async applyOne(role: HostedRole, revision: number, config: RoleConfig): Promise<void> {
    const enabled = config.enabled !== false;
    if (!enabled) {
      if (role.status !== 'stopped') await role.stop();
    } else if (role.status === 'running') {
      await role.configure(config);
    } else {
      await role.start(config);
    }
    role.configRevision = revision;
  }

  private claimEvent(event: string, role: HostedRole): void {
    if (this.reserved.has(event)) throw new Error(`event "${event}" is reserved for the agent core`);
    const owner = this.eventOwners.get(event);
    if (owner && owner !== role) throw new Error(`event "${event}" is already handled by role "${owner.name}"`);
    this.eventOwners.set(event, role);
  }
}
