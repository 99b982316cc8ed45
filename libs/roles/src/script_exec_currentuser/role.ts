import type { RoleConfig } from '@borealis/protocol';
import { Role, type RoleContext, type RoleInstance, type RoleJob, type RoleJobOutcome } from '../core';
import { DirectStrategy } from '../script_exec_shared/direct-strategy';
import { USER_NAME } from '../script_exec_shared/linux-session-user';
import { PosixInteractiveStrategy } from '../script_exec_shared/posix-interactive-strategy';
import { defaultScriptExecDeps, type ScriptExecDeps } from '../script_exec_shared/script-exec-deps';
import { ScriptExecutor } from '../script_exec_shared/script-executor';
import { isWindowsOs } from '../script_exec_shared/shell-resolver';

/**
 * Runs a script as the logged-in user. On Windows the agent already runs in that user's
 * session; on Linux a root agent switches to the configured or the active session's user.
 */
@Role({ name: 'script_exec_currentuser', contexts: ['interactive'] })
export class ScriptExecCurrentUserRole implements RoleInstance {
  private readonly executor: ScriptExecutor;
  private user: string | undefined;

  /** `deps` exists for tests (fake process runner, session lookup, another OS); the agent passes only the context. */
  constructor(private readonly context: RoleContext, deps: Partial<ScriptExecDeps> = {}) {
    const resolved = defaultScriptExecDeps(context.agent.os, deps);
    const strategy = isWindowsOs(resolved.os)
      ? new DirectStrategy(resolved)
      : new PosixInteractiveStrategy(resolved, context.logger, () => this.user);
    this.executor = new ScriptExecutor(context, resolved, strategy);
  }

  onConfig(config: RoleConfig): void {
    const raw = config.user;
    // A bad value is ignored rather than guessed at: the session user is the safer fallback.
    const user = typeof raw === 'string' && USER_NAME.test(raw) ? raw : undefined;
    if (raw !== undefined && raw !== null && raw !== '' && user === undefined) {
      this.context.logger.warn({ user: String(raw) }, 'script_exec_currentuser: ignoring invalid config.user');
    }
    if (user !== this.user) this.context.logger.info({ user: user ?? null }, 'script_exec_currentuser: run-as user changed');
    this.user = user;
  }

  runJob(job: RoleJob): Promise<RoleJobOutcome> {
    return this.executor.run(job);
  }

  stopAll(): Promise<void> {
    return this.executor.stopAll();
  }
}
