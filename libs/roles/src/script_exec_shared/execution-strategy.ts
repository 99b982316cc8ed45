import type { RoleJobOutcome } from '../core';
import type { RunDirectory } from './run-directory';
import type { ScriptIo } from './script-process';
import type { ShellInvocation } from './shell-command';

/** One validated run, its files already written, ready to be executed in some context. */
export interface PreparedRun {
  runId: string;
  timeoutMs: number;
  io: ScriptIo;
  dir: RunDirectory;
  /** Files of the run folder the script needs to read (handed to another user when impersonating). */
  fileNames: readonly string[];
  invocation: ShellInvocation;
  /** The payload's variables; each strategy decides what they are merged over. */
  payloadEnv: Readonly<Record<string, string>>;
}

/**
 * How a context runs a prepared script: as the agent itself, as root through sudo, as the
 * session user through runuser, or as SYSTEM through a scheduled task. Resolves with an
 * `error` (never throws) when the context is not available.
 */
export interface ExecutionStrategy {
  execute(run: PreparedRun): Promise<RoleJobOutcome>;
}
