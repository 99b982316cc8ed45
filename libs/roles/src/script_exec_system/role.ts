import { Role, type RoleContext, type RoleInstance, type RoleJob, type RoleJobOutcome } from '../core';
import { PosixSystemStrategy } from '../script_exec_shared/posix-system-strategy';
import { defaultScriptExecDeps, type ScriptExecDeps } from '../script_exec_shared/script-exec-deps';
import { ScriptExecutor } from '../script_exec_shared/script-executor';
import { isWindowsOs } from '../script_exec_shared/shell-resolver';
import { WindowsSystemTaskStrategy } from '../script_exec_shared/windows-system-task-strategy';

/** Runs a script as SYSTEM (Windows, through an ephemeral scheduled task) or root (Linux, directly or via sudo -n). */
@Role({ name: 'script_exec_system', contexts: ['system'] })
export class ScriptExecSystemRole implements RoleInstance {
  private readonly executor: ScriptExecutor;

  /** `deps` exists for tests (fake process runner, another OS); the agent passes only the context. */
  constructor(context: RoleContext, deps: Partial<ScriptExecDeps> = {}) {
    const resolved = defaultScriptExecDeps(context.agent.os, deps);
    const strategy = isWindowsOs(resolved.os) ? new WindowsSystemTaskStrategy(resolved) : new PosixSystemStrategy(resolved);
    this.executor = new ScriptExecutor(context, resolved, strategy);
  }

  runJob(job: RoleJob): Promise<RoleJobOutcome> {
    return this.executor.run(job);
  }

  stopAll(): Promise<void> {
    return this.executor.stopAll();
  }
}
