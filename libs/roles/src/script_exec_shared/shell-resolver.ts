import { accessSync, constants, statSync } from 'node:fs';
import { posix, win32 } from 'node:path';
import type { Shell } from '@borealis/protocol';

/** Platform family as in `RoleAgentInfo.os`: `linux`, `windows` or `darwin`. */
export type HostOs = string;

export interface ResolvedShell {
  shell: Shell;
  /** Absolute path of the interpreter that will run the script file. */
  executable: string;
}

export interface ShellLookup {
  os: HostOs;
  env: NodeJS.ProcessEnv;
  /** Injected so Windows lookups can be tested on Linux. */
  isExecutable(path: string): boolean;
}

export const isWindowsOs = (os: HostOs): boolean => os === 'windows';

/** Picks the interpreter: the requested shell, else PowerShell on Windows and bash (or sh) elsewhere. */
export function resolveShell(requested: Shell | undefined, lookup: ShellLookup): ResolvedShell | { error: string } {
  const windows = isWindowsOs(lookup.os);
  const shell: Shell = requested ?? (windows ? 'powershell' : findOnPath('bash', lookup) ? 'bash' : 'sh');
  const executable = windows ? windowsShellPath(shell, lookup) : posixShellPath(shell, lookup);
  return executable ? { shell, executable } : { error: `shell not available: ${shell}` };
}

function posixShellPath(shell: Shell, lookup: ShellLookup): string | undefined {
  switch (shell) {
    case 'cmd':
      return undefined; // Windows only
    case 'powershell': // PowerShell 7 is the only PowerShell off Windows, installed as pwsh
    case 'pwsh':
      return findOnPath('pwsh', lookup);
    default:
      return findOnPath(shell, lookup);
  }
}

function windowsShellPath(shell: Shell, lookup: ShellLookup): string | undefined {
  const systemRoot = envValue(lookup, 'SystemRoot') ?? 'C:\\Windows';
  // Fixed system paths first: a writable folder early in PATH must not shadow the real shells.
  const fixed: Record<Shell, string[]> = {
    powershell: [win32.join(systemRoot, 'System32', 'WindowsPowerShell', 'v1.0', 'powershell.exe')],
    cmd: [win32.join(systemRoot, 'System32', 'cmd.exe')],
    pwsh: [win32.join(envValue(lookup, 'ProgramFiles') ?? 'C:\\Program Files', 'PowerShell', '7', 'pwsh.exe')],
    bash: [],
    sh: [],
  };
  return fixed[shell].find((p) => lookup.isExecutable(p)) ?? findOnPath(shell, lookup);
}

/** Like `which`: the first executable `name` on PATH (trying PATHEXT on Windows). */
export function findOnPath(name: string, lookup: ShellLookup): string | undefined {
  const windows = isWindowsOs(lookup.os);
  const path = windows ? win32 : posix;
  const dirs = (envValue(lookup, 'PATH') ?? '').split(windows ? ';' : ':').filter((d) => d.length > 0);
  const extensions = windows && !path.extname(name)
    ? (envValue(lookup, 'PATHEXT') ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean).map((e) => e.toLowerCase())
    : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      if (lookup.isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

/** Environment lookup that is case-insensitive on Windows, as the OS is. */
export function envValue(lookup: Pick<ShellLookup, 'os' | 'env'>, key: string): string | undefined {
  if (!isWindowsOs(lookup.os)) return lookup.env[key];
  const match = Object.keys(lookup.env).find((k) => k.toLowerCase() === key.toLowerCase());
  return match === undefined ? undefined : lookup.env[match];
}

export function isExecutableFile(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A program in the Windows system folder, independent of PATH. */
export function windowsSystem32(lookup: Pick<ShellLookup, 'os' | 'env'>, exe: string): string {
  return win32.join(envValue(lookup, 'SystemRoot') ?? 'C:\\Windows', 'System32', exe);
}

/** `name` on PATH or, failing that, in the usual system folders a service's PATH may lack (sbin). */
export function findSystemTool(name: string, lookup: ShellLookup): string | undefined {
  return findOnPath(name, lookup) ?? ['/usr/sbin', '/sbin', '/usr/bin', '/bin'].map((d) => posix.join(d, name)).find((p) => lookup.isExecutable(p));
}
