import { existsSync } from 'node:fs';
import { findSessionUser } from './linux-session-user';
import { execFileRunner, type ProcessRunner } from './process-runner';
import { isExecutableFile, isWindowsOs, windowsSystem32, type HostOs } from './shell-resolver';
import { LinuxTreeKiller, ProcessGroupKiller, WindowsTreeKiller, type TreeKiller } from './tree-killer';

/** Everything the script roles take from the machine; tests replace parts (a fake runner, another OS). */
export interface ScriptExecDeps {
  os: HostOs;
  env: NodeJS.ProcessEnv;
  runner: ProcessRunner;
  /** -1 where there are no uids (Windows). */
  getuid(): number;
  isExecutable(path: string): boolean;
  /** The user of the active local session (Linux, agent running as root). */
  findSessionUser(): Promise<string | undefined>;
  /** SIGTERM -> SIGKILL delay when a run's tree is killed. */
  killGraceMs: number;
  /** Windows SYSTEM runs: how often the task's output files are read. */
  pollMs: number;
  /** Windows SYSTEM runs: how long the task may take to start before the run fails. */
  taskStartTimeoutMs: number;
}

export function defaultScriptExecDeps(os: HostOs, overrides: Partial<ScriptExecDeps> = {}): ScriptExecDeps {
  const runner = overrides.runner ?? execFileRunner;
  return {
    os,
    env: process.env,
    runner,
    getuid: () => process.getuid?.() ?? -1,
    isExecutable: isExecutableFile,
    findSessionUser: () => findSessionUser(runner),
    killGraceMs: 2_000,
    pollMs: 250,
    taskStartTimeoutMs: 30_000,
    ...overrides,
  };
}

/** How this OS ends a process tree started by the agent as its own user. */
export function treeKillerFor(deps: ScriptExecDeps): TreeKiller {
  if (isWindowsOs(deps.os)) return new WindowsTreeKiller(deps.runner, windowsSystem32(deps, 'taskkill.exe'));
  if (existsSync('/proc/self/stat')) return new LinuxTreeKiller({ graceMs: deps.killGraceMs });
  return new ProcessGroupKiller(deps.killGraceMs);
}
