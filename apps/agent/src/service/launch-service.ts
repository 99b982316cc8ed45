import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { PidFile } from '../home/pid-file';
import type { InstallLayout } from './install-layout';
import { isAlive, sleepMs, terminate } from './process-control';
import type { ServiceBackend } from './service-backend';

/** stderr of a launched agent (crash messages before its logger exists); its JSON logs go to Logs/Agent/ as always. */
export const LAUNCH_STDERR = join('Logs', 'Agent', 'launch-stderr.log');

export type Spawner = (command: string, args: string[], options: { cwd: string; stderrFile: string }) => { pid: number | undefined; exited: () => number | null | undefined };

const realSpawner: Spawner = (command, args, { cwd, stderrFile }) => {
  const fd = openSync(stderrFile, 'a', 0o600);
  try {
    // detached + own session: the agent survives the shell (and the installer) that launched it.
    const child = spawn(command, args, { cwd, detached: true, stdio: ['ignore', 'ignore', fd], windowsHide: true });
    let exitCode: number | null | undefined;
    child.on('exit', (code, signal) => { exitCode = code ?? (signal ? -1 : null); });
    child.on('error', () => { exitCode = -1; });
    child.unref();
    return { pid: child.pid, exited: () => exitCode };
  } finally {
    closeSync(fd);
  }
};

/**
 * `launch`: the agent as a detached background process with its pid file and logs, for machines
 * without a service manager we can use (a container whose PID 1 is not systemd). Nothing restarts
 * it after a crash or a reboot: that is the container's restart policy's job.
 */
export class LaunchService implements ServiceBackend {
  readonly kind = 'launch' as const;

  constructor(private readonly spawner: Spawner = realSpawner, private readonly startTimeoutMs = 15_000) {}

  async install(layout: InstallLayout): Promise<void> {
    await this.stop(layout); // a re-install runs the binary just copied
    await this.start(layout);
  }

  isRegistered(): boolean {
    return true;
  }

  registrationCurrent(): boolean {
    return true;
  }

  /** Resolves once the new process holds `<home>/agent.pid`; throws with its stderr file's path if it died. */
  async start(layout: InstallLayout): Promise<void> {
    const pidFile = new PidFile(layout.home);
    if (pidFile.runningPid() !== undefined) return;
    const stderrFile = join(layout.home, LAUNCH_STDERR);
    mkdirSync(join(layout.home, 'Logs', 'Agent'), { recursive: true, mode: 0o700 });
    const child = this.spawner(layout.binary, ['run', '--home', layout.home], { cwd: layout.home, stderrFile });
    const deadline = Date.now() + this.startTimeoutMs;
    while (Date.now() < deadline) {
      if (child.pid !== undefined && pidFile.read() === child.pid && isAlive(child.pid)) return;
      const code = child.exited();
      if (code !== undefined) throw new Error(`the launched agent exited (${code}) at start: see ${stderrFile} and ${join(layout.home, 'Logs', 'Agent')}`);
      await sleepMs(50);
    }
    throw new Error(`the launched agent (pid ${child.pid}) did not write ${pidFile.path} within ${this.startTimeoutMs / 1000} s`);
  }

  async stop(layout: InstallLayout): Promise<void> {
    const pid = new PidFile(layout.home).runningPid();
    if (pid !== undefined) await terminate(pid);
  }

  async unregister(layout: InstallLayout): Promise<void> {
    await this.stop(layout);
  }
}
