import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { ProcessTreeTracker, parseProcStat, readProcessTable } from './linux-process-tree';
import type { ProcessRunner } from './process-runner';

/** Ends a run's whole process tree; resolves once nothing of it is left (or after a bounded wait). */
export interface TreeKiller {
  killTree(rootPid: number): Promise<void>;
}

export type KillSignal = 'SIGTERM' | 'SIGKILL';

/** Delivers a signal to processes; through `sudo -n kill` when they run as root and the agent does not. */
export type Signaller = (pids: readonly number[], signal: KillSignal) => Promise<void>;

export const directSignaller: Signaller = async (pids, signal) => {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // Already gone (ESRCH) or not ours (EPERM): nothing more this signaller can do.
    }
  }
};

export function sudoSignaller(runner: ProcessRunner, sudo = 'sudo'): Signaller {
  return async (pids, signal) => {
    if (pids.length === 0) return;
    await runner.run(sudo, ['-n', 'kill', '-s', signal.replace('SIG', ''), ...pids.map(String)], { timeoutMs: 5_000 });
  };
}

export interface LinuxTreeKillerOptions {
  signaller?: Signaller;
  /** Time between SIGTERM and SIGKILL. */
  graceMs?: number;
  procRoot?: string;
}

/** SIGTERM to the whole tree, then SIGKILL to whatever is still there after the grace period. */
export class LinuxTreeKiller implements TreeKiller {
  private readonly signaller: Signaller;
  private readonly graceMs: number;
  private readonly procRoot: string;

  constructor(options: LinuxTreeKillerOptions = {}) {
    this.signaller = options.signaller ?? directSignaller;
    this.graceMs = options.graceMs ?? 2_000;
    this.procRoot = options.procRoot ?? '/proc';
  }

  async killTree(rootPid: number): Promise<void> {
    const self = parseProcStat(await readFile(`${this.procRoot}/self/stat`, 'utf8'));
    if (!self) throw new Error('cannot read /proc/self/stat');
    const tracker = new ProcessTreeTracker(rootPid, self);
    const remaining = async (): Promise<number[]> => tracker.targets(await readProcessTable(this.procRoot));
    let targets = await remaining();
    if (targets.length === 0) return;
    await this.signaller(targets, 'SIGTERM');
    const deadline = Date.now() + this.graceMs;
    while (Date.now() < deadline) {
      await sleep(100);
      targets = await remaining();
      if (targets.length === 0) return;
    }
    // Repeated, because a process may fork between a snapshot and the signal.
    for (let round = 0; round < 20 && targets.length > 0; round += 1) {
      await this.signaller(targets, 'SIGKILL');
      await sleep(50);
      targets = await remaining();
    }
  }
}

/** Windows: taskkill ends the process and all its descendants (/T), forcefully (/F). */
export class WindowsTreeKiller implements TreeKiller {
  constructor(private readonly runner: ProcessRunner, private readonly taskkill: string) {}

  async killTree(rootPid: number): Promise<void> {
    await this.runner.run(this.taskkill, ['/PID', String(rootPid), '/T', '/F'], { timeoutMs: 10_000 });
  }
}

/** POSIX without /proc (macOS): signal the run's process group, which the detached spawn created. */
export class ProcessGroupKiller implements TreeKiller {
  constructor(private readonly graceMs = 2_000) {}

  async killTree(rootPid: number): Promise<void> {
    const signalGroup = (signal: KillSignal | 0): boolean => {
      try {
        process.kill(-rootPid, signal);
        return true;
      } catch {
        return false; // the group is empty
      }
    };
    if (!signalGroup('SIGTERM')) return;
    const deadline = Date.now() + this.graceMs;
    while (Date.now() < deadline) {
      await sleep(100);
      if (!signalGroup(0)) return; // signal 0 only probes whether anyone is left
    }
    signalGroup('SIGKILL');
    for (let i = 0; i < 20 && signalGroup(0); i += 1) await sleep(50); // until reaped
  }
}
