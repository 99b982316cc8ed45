import type { RoleJobOutcome } from '../core';
import { mergeEnv } from './env-merge';
import type { ExecutionStrategy, PreparedRun } from './execution-strategy';
import { treeKillerFor, type ScriptExecDeps } from './script-exec-deps';
import { runScriptProcess } from './script-process';
import { isWindowsOs } from './shell-resolver';

/** Runs the script as the agent's own user: the payload env over the agent's, cwd the run folder. */
export class DirectStrategy implements ExecutionStrategy {
  constructor(private readonly deps: ScriptExecDeps) {}

  execute(run: PreparedRun): Promise<RoleJobOutcome> {
    return runScriptProcess(
      {
        ...run.invocation,
        env: mergeEnv(this.deps.env, run.payloadEnv, this.deps.os),
        cwd: run.dir.path,
        detached: !isWindowsOs(this.deps.os),
      },
      run.io,
      treeKillerFor(this.deps),
    );
  }
}
