import type { RoleContext, RoleJob, RoleJobOutcome } from '../core';
import type { ExecutionStrategy } from './execution-strategy';
import { RunDirectory } from './run-directory';
import type { ScriptExecDeps } from './script-exec-deps';
import { parseScriptPayload } from './script-payload';
import { buildShellCommand } from './shell-command';
import { resolveShell } from './shell-resolver';

/**
 * The part both script roles share: validate the payload, pick the shell, write the script
 * into a private run folder, hand it to the context's strategy, and always remove the folder.
 */
export class ScriptExecutor {
  private readonly stopping = new AbortController();
  private readonly active = new Set<Promise<RoleJobOutcome>>();

  constructor(
    private readonly context: RoleContext,
    private readonly deps: ScriptExecDeps,
    private readonly strategy: ExecutionStrategy,
  ) {}

  run(job: RoleJob): Promise<RoleJobOutcome> {
    const running = this.execute(job);
    this.active.add(running);
    void running.finally(() => this.active.delete(running));
    return running;
  }

  /** Role disabled or agent stopping: kill every run's tree and wait until they are gone. */
  async stopAll(): Promise<void> {
    this.stopping.abort('stopping');
    await Promise.allSettled([...this.active]);
  }

  private async execute(job: RoleJob): Promise<RoleJobOutcome> {
    const parsed = parseScriptPayload(job.payload);
    if (!parsed.ok) return { exitCode: null, error: parsed.error };
    const { payload } = parsed;
    const shell = resolveShell(payload.shell, this.deps);
    if ('error' in shell) return { exitCode: null, error: shell.error };

    let dir: RunDirectory;
    try {
      dir = await RunDirectory.create(this.context.agent.home, job.runId);
    } catch (err) {
      return { exitCode: null, error: `could not prepare the run folder: ${(err as Error).message}` };
    }
    const log = this.context.logger.child({ runId: job.runId, jobId: job.jobId });
    try {
      const command = buildShellCommand({ shell, os: this.deps.os, script: payload.script, args: payload.args, pathOf: (n) => dir.pathOf(n) });
      if ('error' in command) return { exitCode: null, error: command.error };
      for (const file of command.files) await dir.write(file.name, file.data);
      // The script body stays out of the logs: it may carry secrets.
      log.info({ shell: shell.shell, args: payload.args.length, env: Object.keys(payload.env) }, 'script run starting');
      const outcome = await this.strategy.execute({
        runId: job.runId,
        timeoutMs: job.timeoutMs,
        io: {
          signal: AbortSignal.any([job.signal, this.context.signal, this.stopping.signal]),
          started: () => job.started(),
          output: (stream, data) => job.output(stream, data),
        },
        dir,
        fileNames: command.files.map((f) => f.name),
        invocation: command.invocation,
        payloadEnv: payload.env,
      });
      log.info({ exitCode: outcome.exitCode, error: outcome.error ?? undefined, aborted: job.signal.aborted ? String(job.signal.reason) : undefined }, 'script run finished');
      return outcome;
    } catch (err) {
      return { exitCode: null, error: `script run failed: ${(err as Error).message}` };
    } finally {
      await dir.remove();
    }
  }
}
