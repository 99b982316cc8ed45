import type { Logger } from 'pino';
import type { RoleJobOutcome } from '../core';
import { DirectStrategy } from './direct-strategy';
import { mergeEnv } from './env-merge';
import type { ExecutionStrategy, PreparedRun } from './execution-strategy';
import { lookupUser, type PosixUser } from './linux-user-lookup';
import { treeKillerFor, type ScriptExecDeps } from './script-exec-deps';
import { runScriptProcess } from './script-process';
import type { ShellInvocation } from './shell-command';
import { findSystemTool } from './shell-resolver';

/** Tools that start a command as another user without a password (the agent is root). */
export interface UserSwitcher {
  tool: 'runuser' | 'setpriv';
  path: string;
}

/**
 * The session user on Linux. An agent running as a user runs scripts as itself; an agent
 * running as root switches to the configured user, else to the user of the active local
 * session, and only when there is none runs as root (and says so).
 */
export class PosixInteractiveStrategy implements ExecutionStrategy {
  private readonly direct: DirectStrategy;

  constructor(
    private readonly deps: ScriptExecDeps,
    private readonly logger: Logger,
    /** The role config's `user`, read at each run so config changes apply live. */
    private readonly configuredUser: () => string | undefined,
  ) {
    this.direct = new DirectStrategy(deps);
  }

  async execute(run: PreparedRun): Promise<RoleJobOutcome> {
    if (this.deps.getuid() !== 0) return this.direct.execute(run);
    const name = this.configuredUser() ?? (await this.deps.findSessionUser());
    if (!name) {
      this.logger.warn({ runId: run.runId }, 'no session user found (none configured, no local login): running the script as root');
      return this.direct.execute(run);
    }
    const user = await lookupUser(this.deps.runner, name);
    if (!user) return { exitCode: null, error: `interactive context unavailable: unknown user "${name}"` };
    if (user.uid === 0) return this.direct.execute(run);
    const switcher = findUserSwitcher(this.deps);
    if (!switcher) return { exitCode: null, error: 'interactive context unavailable: neither runuser nor setpriv is installed' };

    await run.dir.handTo(user.uid, user.gid, run.fileNames);
    // The folder is the user's now, but every folder above it must let them through too.
    const probe = switchUser(switcher, user, { file: 'test', args: ['-r', run.dir.pathOf(run.fileNames[0]!)], windowsVerbatimArguments: false });
    const readable = await this.deps.runner.run(probe.file, probe.args, { timeoutMs: 10_000 });
    if (readable.exitCode !== 0) {
      return {
        exitCode: null,
        error: `interactive context unavailable: user "${user.name}" cannot read ${run.dir.path} (the agent home must be traversable, o+x)`,
      };
    }
    this.logger.debug({ runId: run.runId, user: user.name, via: switcher.tool }, 'running the script as the session user');
    const identity = { HOME: user.home, USER: user.name, LOGNAME: user.name };
    return runScriptProcess(
      {
        ...switchUser(switcher, user, run.invocation),
        env: mergeEnv({ ...this.deps.env, ...identity }, run.payloadEnv, this.deps.os),
        cwd: run.dir.path,
        detached: true,
      },
      run.io,
      treeKillerFor(this.deps),
    );
  }
}

export function findUserSwitcher(deps: ScriptExecDeps): UserSwitcher | undefined {
  const runuser = findSystemTool('runuser', deps);
  if (runuser) return { tool: 'runuser', path: runuser };
  const setpriv = findSystemTool('setpriv', deps);
  return setpriv ? { tool: 'setpriv', path: setpriv } : undefined;
}

/** Prefixes an invocation so it runs as `user`; the command stays an argv, never a `-c` string. */
export function switchUser(switcher: UserSwitcher, user: PosixUser, invocation: ShellInvocation): ShellInvocation {
  const prefix =
    switcher.tool === 'runuser'
      ? ['-u', user.name, '--']
      : [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--init-groups', '--'];
  return { file: switcher.path, args: [...prefix, invocation.file, ...invocation.args], windowsVerbatimArguments: false };
}
