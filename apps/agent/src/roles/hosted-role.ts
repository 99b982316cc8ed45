import type { Logger } from 'pino';
import type { RoleConfig, RoleStatus } from '@borealis/protocol';
import type {
  RoleAck, RoleAgentInfo, RoleContext, RoleDefinition, RoleEventHandler, RoleInstance, RoleJob, RoleJobOutcome,
} from '@borealis/roles';
import { errorText, withTimeout } from './with-timeout';

export interface HostedRoleDeps {
  logger: Logger;
  agent: () => RoleAgentInfo;
  emit: (event: string, payload: unknown) => Promise<RoleAck>;
  hookTimeoutMs: number;
  /** Reserves a server event for this role; throws if it is taken. */
  claimEvent: (event: string, role: HostedRole) => void;
  releaseEvent: (event: string, role: HostedRole) => void;
  /** Called when the role fails outside a config change (e.g. in collectMetrics), so the state is reported. */
  stateChanged: () => void;
}

/** A running role instance's job entry point, for the agent core's job runner. */
export interface RoleJobTarget {
  runJob(job: RoleJob): Promise<RoleJobOutcome>;
  /** Aborted when this instance stops (role disabled, agent stopping): its runs end with it. */
  readonly signal: AbortSignal;
}

/**
 * One role under the host's care: builds instances with their own context, runs hooks with a
 * timeout, and turns any throw into status `error` instead of letting it reach the agent.
 */
export class HostedRole {
  status: RoleStatus = 'stopped';
  error: string | undefined;
  configRevision = 0;
  private instance: RoleInstance | undefined;
  private controller: AbortController | undefined;
  private readonly handlers = new Map<string, RoleEventHandler>();
  private readonly logger: Logger;

  constructor(readonly definition: RoleDefinition, private readonly deps: HostedRoleDeps) {
    this.logger = deps.logger.child({ role: definition.name });
  }

  get name(): string {
    return this.definition.name;
  }

  /** Builds a fresh instance (a stopped role never comes back with stale state), then registerEvents and onConfig. */
  async start(config: RoleConfig): Promise<void> {
    const controller = new AbortController();
    this.controller = controller;
    let stage = 'constructor'; // reported with the error, so operators know which hook broke
    try {
      const instance = new this.definition.ctor(this.createContext(controller.signal));
      this.instance = instance;
      stage = 'registerEvents';
      instance.registerEvents?.();
      stage = 'onConfig';
      await this.hook('onConfig', () => instance.onConfig?.(config));
      this.status = 'running';
      this.error = undefined;
      this.logger.info('role started');
    } catch (err) {
      await this.fail(err, stage);
    }
  }

  /** Live tuning of a running role. */
  async configure(config: RoleConfig): Promise<void> {
    const instance = this.instance;
    if (!instance) return;
    try {
      await this.hook('onConfig', () => instance.onConfig?.(config));
    } catch (err) {
      await this.fail(err, 'onConfig');
    }
  }

  /** Calls stopAll, aborts the signal and drops handlers; a throw here still leaves the role stopped. */
  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = undefined;
    this.controller?.abort();
    this.releaseHandlers();
    const wasError = this.status === 'error';
    this.status = 'stopped';
    this.error = undefined;
    if (!instance) return;
    try {
      await this.hook('stopAll', () => instance.stopAll?.());
      if (!wasError) this.logger.info('role stopped');
    } catch (err) {
      this.logger.error({ err: errorText(err) }, 'role stopAll failed');
    }
  }

  /** Undefined when the role has no metrics or just failed (then status is `error`). */
  collectMetrics(): Record<string, number> | undefined {
    const instance = this.instance;
    if (this.status !== 'running' || !instance?.collectMetrics) return undefined;
    try {
      return instance.collectMetrics();
    } catch (err) {
      void this.fail(err, 'collectMetrics').then(() => this.deps.stateChanged());
      return undefined;
    }
  }

  /** Undefined unless the role is running and implements `runJob`. */
  jobTarget(): RoleJobTarget | undefined {
    const instance = this.instance;
    const controller = this.controller;
    if (this.status !== 'running' || !instance?.runJob || !controller) return undefined;
    return { runJob: (job) => instance.runJob!(job), signal: controller.signal };
  }

  handlerFor(event: string): RoleEventHandler | undefined {
    return this.status === 'running' ? this.handlers.get(event) : undefined;
  }

  private createContext(signal: AbortSignal): RoleContext {
    return {
      name: this.name,
      logger: this.logger,
      agent: Object.freeze({ ...this.deps.agent() }),
      signal,
      emit: (event, payload) => this.deps.emit(event, payload),
      on: (event, handler) => {
        if (signal.aborted) throw new Error(`role "${this.name}" is stopped; it cannot subscribe to "${event}"`);
        if (this.handlers.has(event)) throw new Error(`role "${this.name}" already handles "${event}"`);
        this.deps.claimEvent(event, this);
        this.handlers.set(event, handler);
      },
    };
  }

  private hook(name: string, run: () => void | Promise<void>): Promise<void> {
    return withTimeout(`${this.name}.${name}`, this.deps.hookTimeoutMs, run);
  }

  /** Error state: stop the instance best-effort so a half-started role leaks nothing. */
  private async fail(err: unknown, where: string): Promise<void> {
    const message = errorText(err);
    this.logger.error({ err: message, hook: where }, 'role failed');
    await this.stop();
    this.status = 'error';
    this.error = `${where}: ${message}`;
  }

  private releaseHandlers(): void {
    for (const event of this.handlers.keys()) this.deps.releaseEvent(event, this);
    this.handlers.clear();
  }
}
