import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { RoleJobOutcome } from '../core';
import type { ExecutionStrategy, PreparedRun } from './execution-strategy';
import { FileTail } from './file-tail';
import type { ProcessResult } from './process-runner';
import type { ScriptExecDeps } from './script-exec-deps';
import { envValue } from './shell-resolver';
import { buildSystemTaskPlan, systemTaskCleanup, type SystemTaskPlan, type SystemTaskState, type TaskCommand } from './windows-task-plan';

/**
 * SYSTEM on Windows: an ephemeral scheduled task per run. Create, run, stream the output files
 * the wrapper writes, read its exit record, and delete the task on every path out, including
 * failures, timeout and cancel. The run folder itself is removed by the ScriptExecutor.
 */
export class WindowsSystemTaskStrategy implements ExecutionStrategy {
  constructor(private readonly deps: ScriptExecDeps) {}

  async execute(run: PreparedRun): Promise<RoleJobOutcome> {
    const plan = buildSystemTaskPlan({
      runId: run.runId,
      dir: run.dir.path,
      pathOf: (name) => run.dir.pathOf(name),
      systemRoot: envValue(this.deps, 'SystemRoot') ?? 'C:\\Windows',
      timeoutMs: run.timeoutMs,
      invocation: run.invocation,
      env: run.payloadEnv,
    });
    const state: SystemTaskState = { createAttempted: false, runAttempted: false, finished: false, pids: [] };
    try {
      for (const file of plan.files) await run.dir.write(file.name, file.data);
      return await this.runTask(run, plan, state);
    } finally {
      for (const command of systemTaskCleanup(plan, state)) await this.exec(command);
    }
  }

  private async runTask(run: PreparedRun, plan: SystemTaskPlan, state: SystemTaskState): Promise<RoleJobOutcome> {
    if (run.io.signal.aborted) return { exitCode: null };
    state.createAttempted = true;
    const created = await this.exec(plan.create);
    if (created.exitCode !== 0) {
      return unavailable(`could not create the scheduled task (administrator rights are needed): ${detail(created)}`);
    }
    if (run.io.signal.aborted) return { exitCode: null };
    state.runAttempted = true;
    const started = await this.exec(plan.run);
    if (started.exitCode !== 0) return unavailable(`could not start the scheduled task: ${detail(started)}`);
    return this.watch(run, plan, state);
  }

  /** Polls the wrapper's files until its exit record appears, the run is aborted, or it never starts. */
  private async watch(run: PreparedRun, plan: SystemTaskPlan, state: SystemTaskState): Promise<RoleJobOutcome> {
    const { io } = run;
    const tails = [new FileTail(plan.outputs.stdout, (t) => io.output('stdout', t)), new FileTail(plan.outputs.stderr, (t) => io.output('stderr', t))];
    const startDeadline = Date.now() + this.deps.taskStartTimeoutMs;
    let startedSeen = false;
    while (!io.signal.aborted) {
      if (!startedSeen) {
        const marker = await readRecord(plan.outputs.started);
        if (marker) {
          startedSeen = true;
          state.pids = [marker.wrapperPid, marker.pid].filter((p): p is number => Number.isInteger(p));
          io.started();
        }
      }
      for (const tail of tails) await tail.read();
      const exit = await readRecord(plan.outputs.exit);
      if (exit) {
        state.finished = true;
        for (const tail of tails) await tail.finish();
        if (typeof exit.exitCode === 'number') return { exitCode: exit.exitCode };
        return { exitCode: null, error: `SYSTEM task could not run the script: ${String(exit.error ?? 'unknown error')}` };
      }
      if (!startedSeen && Date.now() > startDeadline) {
        return unavailable(`the scheduled task did not start within ${Math.round(this.deps.taskStartTimeoutMs / 1000)} s`);
      }
      await sleep(this.deps.pollMs, undefined, { signal: io.signal }).catch(() => undefined);
    }
    return { exitCode: null };
  }

  private exec(command: TaskCommand): Promise<ProcessResult> {
    return this.deps.runner.run(command.file, command.args, { timeoutMs: 15_000 });
  }
}

function unavailable(why: string): RoleJobOutcome {
  return { exitCode: null, error: `system context unavailable: ${why}` };
}

function detail(result: ProcessResult): string {
  return (result.error ?? (result.stderr.trim() || result.stdout.trim())) || `exit code ${result.exitCode}`;
}

/** A JSON record the wrapper renamed into place; absent (or, defensively, unparsable) reads as undefined. */
async function readRecord(path: string): Promise<Record<string, unknown> & { wrapperPid?: number; pid?: number } | undefined> {
  try {
    return JSON.parse((await readFile(path, 'utf8')).replace(/^\uFEFF/, '')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
