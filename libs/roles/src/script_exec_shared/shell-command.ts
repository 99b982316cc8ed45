import { cmdArguments, encodePowerShellCommand, psLiteral } from './windows-command-line';
import { isWindowsOs, type HostOs, type ResolvedShell } from './shell-resolver';

/** A file the run writes into its own temp folder before starting the shell. */
export interface ScriptFile {
  name: string;
  data: Buffer;
}

/** The process to spawn: the shell and its arguments, never a command string for another shell. */
export interface ShellInvocation {
  file: string;
  args: string[];
  /** Windows: `args` is already a cmd.exe command line and must not be quoted again. */
  windowsVerbatimArguments: boolean;
}

export interface ShellCommand {
  files: ScriptFile[];
  invocation: ShellInvocation;
}

export interface ShellCommandInput {
  shell: ResolvedShell;
  os: HostOs;
  script: string;
  args: readonly string[];
  /** Full path of a file in the run folder (the caller's path flavour). */
  pathOf(name: string): string;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Writes the script to a file and runs the interpreter on it with `args` as positional
 * arguments: the script text is only ever read by the shell that runs the file.
 */
export function buildShellCommand(input: ShellCommandInput): ShellCommand | { error: string } {
  const { shell, script, args, pathOf } = input;
  switch (shell.shell) {
    case 'bash':
    case 'sh': {
      const scriptPath = pathOf('script.sh');
      return {
        files: [{ name: 'script.sh', data: Buffer.from(script, 'utf8') }],
        invocation: { file: shell.executable, args: [scriptPath, ...args], windowsVerbatimArguments: false },
      };
    }
    case 'powershell':
    case 'pwsh':
      return powerShellCommand(input);
    case 'cmd': {
      const cmdArgs = cmdArguments(pathOf('script.cmd'), args);
      if ('error' in cmdArgs) return cmdArgs;
      // chcp 65001 makes cmd write UTF-8, which is how the agent decodes output; batch files
      // with bare LF line ends break labels and `goto`, hence CRLF.
      const body = `@chcp 65001 >nul\r\n${script.replace(/\r?\n/g, '\r\n')}`;
      return {
        files: [{ name: 'script.cmd', data: Buffer.from(body, 'utf8') }],
        invocation: { file: shell.executable, args: cmdArgs, windowsVerbatimArguments: true },
      };
    }
  }
}

function powerShellCommand(input: ShellCommandInput): ShellCommand {
  const { shell, os, script, args, pathOf } = input;
  const launcher = powerShellLauncher(pathOf('script.ps1'), pathOf('args.txt'));
  // Windows PowerShell 5.1 reads a BOM-less .ps1 in the ANSI code page; the BOM keeps non-ASCII intact.
  const files: ScriptFile[] = [
    { name: 'script.ps1', data: Buffer.concat([UTF8_BOM, Buffer.from(script, 'utf8')]) },
    { name: 'args.txt', data: Buffer.from(encodeArgLines(args), 'utf8') },
  ];
  const policy = isWindowsOs(os) ? ['-ExecutionPolicy', 'Bypass'] : [];
  return {
    files,
    invocation: {
      file: shell.executable,
      args: ['-NoProfile', '-NonInteractive', ...policy, '-OutputFormat', 'Text', '-EncodedCommand', encodePowerShellCommand(launcher)],
      windowsVerbatimArguments: false,
    },
  };
}

/**
 * The small fixed program passed with -EncodedCommand: UTF-8 output, then the script file
 * with the arguments read from args.txt. Arguments travel as base64 lines, so neither the
 * command line (32 KiB limit) nor a JSON parser (pwsh turns dates into DateTime) alters them.
 */
export function powerShellLauncher(scriptPath: string, argsPath: string): string {
  return [
    "$ErrorActionPreference = 'Stop'",
    "$ProgressPreference = 'SilentlyContinue'",
    '[Console]::OutputEncoding = New-Object System.Text.UTF8Encoding $false',
    '$OutputEncoding = [Console]::OutputEncoding',
    `$borealisArgs = [string[]]@(foreach ($line in [System.IO.File]::ReadAllLines(${psLiteral(argsPath)})) { [System.Text.Encoding]::UTF8.GetString([System.Convert]::FromBase64String($line)) })`,
    "$ErrorActionPreference = 'Continue'",
    '$global:LASTEXITCODE = 0',
    `& ${psLiteral(scriptPath)} @borealisArgs`,
    'exit $LASTEXITCODE',
  ].join('\n');
}

/** One base64 line per argument; an empty argument is an empty line, no arguments an empty file. */
export function encodeArgLines(args: readonly string[]): string {
  return args.map((a) => `${Buffer.from(a, 'utf8').toString('base64')}\n`).join('');
}
