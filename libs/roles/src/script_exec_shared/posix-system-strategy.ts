import type { RoleJobOutcome } from '../core';
import { DirectStrategy } from './direct-strategy';
import type { ExecutionStrategy, PreparedRun } from './execution-strategy';
import type { ProcessRunner } from './process-runner';
import type { ScriptExecDeps } from './script-exec-deps';
import { runScriptProcess } from './script-process';
import type { ShellInvocation } from './shell-command';
import { findSystemTool } from './shell-resolver';
import { LinuxTreeKiller, sudoSignaller } from './tree-killer';

export const SYSTEM_UNAVAILABLE = 'system context unavailable: not root and sudo -n is not allowed';

/**
 * Root on Linux: directly when the agent is root, else through `sudo -n` (never a password
 * prompt, so never a hang), else a clear error.
 */
export class PosixSystemStrategy implements ExecutionStrategy {
  private readonly direct: DirectStrategy;

  constructor(private readonly deps: ScriptExecDeps) {
    this.direct = new DirectStrategy(deps);
  }

  async execute(run: PreparedRun): Promise<RoleJobOutcome> {
    if (this.deps.getuid() === 0) return this.direct.execute(run);
    const sudo = findSystemTool('sudo', this.deps);
    if (!sudo || !(await sudoAllowed(this.deps.runner, sudo))) return { exitCode: null, error: SYSTEM_UNAVAILABLE };
    // sudo resets the environment, so the payload's variables travel in a file the wrapper sources.
    const envFile = await run.dir.write('env.sh', shellEnvFile(run.payloadEnv));
    const env = Object.fromEntries(Object.entries(this.deps.env).filter((e): e is [string, string] => e[1] !== undefined));
    try {
      return await runScriptProcess(
        { ...sudoInvocation(sudo, envFile, run.invocation), env, cwd: run.dir.path, detached: true },
        run.io,
        // The tree runs as root: the agent's own kill() would get EPERM, `sudo -n kill` does not.
        new LinuxTreeKiller({ signaller: sudoSignaller(this.deps.runner, sudo), graceMs: this.deps.killGraceMs }),
      );
    } finally {
      // The script may have left root-owned folders in its working directory, which the agent cannot remove.
      await this.deps.runner.run(sudo, ['-n', 'rm', '-rf', '--', run.dir.path], { timeoutMs: 30_000 });
    }
  }
}

/** `sudo -n true` succeeds only when this user may run commands as root without a password. */
export async function sudoAllowed(runner: ProcessRunner, sudo: string): Promise<boolean> {
  const result = await runner.run(sudo, ['-n', 'true'], { timeoutMs: 5_000 });
  return result.exitCode === 0;
}

/**
 * `sudo -n -- /bin/sh -c '. "$1" && shift && exec "$@"' sh <env file> <shell> <script> <args...>`:
 * a fixed program; the env file, shell, script and arguments are positional parameters only.
 */
export function sudoInvocation(sudo: string, envFile: string, invocation: ShellInvocation): ShellInvocation {
  return {
    file: sudo,
    args: ['-n', '--', '/bin/sh', '-c', '. "$1" && shift && exec "$@"', 'sh', envFile, invocation.file, ...invocation.args],
    windowsVerbatimArguments: false,
  };
}

/** `export NAME='value'` lines; names are validated identifiers, values single-quoted so nothing expands. */
export function shellEnvFile(env: Readonly<Record<string, string>>): string {
  return Object.entries(env)
    .map(([name, value]) => {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new Error(`invalid environment variable name: ${name}`);
      return [name, value] as const;
    })
    .map(([name, value]) => `export ${name}='${value.replace(/'/g, `'\\''`)}'\n`)
    .join('');
}
