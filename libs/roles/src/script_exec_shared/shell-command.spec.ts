import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { posix, win32 } from 'node:path';
import { buildShellCommand, encodeArgLines, powerShellLauncher, type ShellCommand } from './shell-command';
import { findOnPath, resolveShell } from './shell-resolver';

const winDir = 'C:\\Borealis\\tmp\\run-1';
const build = (shell: 'bash' | 'sh' | 'powershell' | 'pwsh' | 'cmd', os: string, args: string[] = []): ShellCommand => {
  const result = buildShellCommand({
    shell: { shell, executable: `/x/${shell}` },
    os,
    script: 'line1\nline2 é',
    args,
    pathOf: (n) => (os === 'windows' ? win32.join(winDir, n) : posix.join('/home/b/tmp/run-1', n)),
  });
  assert.ok(!('error' in result));
  return result;
};

describe('shell command construction (pure)', () => {
  it('bash/sh: the interpreter runs the script file, args are positional', () => {
    const command = build('bash', 'linux', ['a b', '$(x)']);
    assert.deepEqual(command.invocation, { file: '/x/bash', args: ['/home/b/tmp/run-1/script.sh', 'a b', '$(x)'], windowsVerbatimArguments: false });
    assert.deepEqual(command.files.map((f) => [f.name, f.data.toString('utf8')]), [['script.sh', 'line1\nline2 é']]);
  });

  it('PowerShell on Windows: -EncodedCommand launcher, script.ps1 with a UTF-8 BOM, args as base64 lines', () => {
    const command = build('powershell', 'windows', ['a b', '', "it's"]);
    const args = command.invocation.args;
    assert.deepEqual(args.slice(0, -1), ['-NoProfile', '-NonInteractive', '-ExecutionPolicy', 'Bypass', '-OutputFormat', 'Text', '-EncodedCommand']);
    const launcher = Buffer.from(args.at(-1)!, 'base64').toString('utf16le');
    assert.equal(launcher, powerShellLauncher(`${winDir}\\script.ps1`, `${winDir}\\args.txt`));
    assert.match(launcher, /& 'C:\\Borealis\\tmp\\run-1\\script\.ps1' @borealisArgs\nexit \$LASTEXITCODE$/);
    assert.match(launcher, /\[Console\]::OutputEncoding = New-Object System\.Text\.UTF8Encoding \$false/);
    const [script, argsFile] = command.files;
    assert.deepEqual([...script!.data.subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.equal(script!.data.subarray(3).toString('utf8'), 'line1\nline2 é');
    assert.equal(argsFile!.name, 'args.txt');
    const decoded = argsFile!.data.toString('utf8').split('\n').slice(0, -1).map((l) => Buffer.from(l, 'base64').toString('utf8'));
    assert.deepEqual(decoded, ['a b', '', "it's"]);
  });

  it('pwsh off Windows: no execution policy switch', () => {
    assert.ok(!build('pwsh', 'linux').invocation.args.includes('-ExecutionPolicy'));
  });

  it('arg lines: none is an empty file, an empty argument an empty line', () => {
    assert.equal(encodeArgLines([]), '');
    assert.equal(encodeArgLines(['']), '\n');
    assert.equal(encodeArgLines(['é']), 'w6k=\n');
  });

  it('cmd: a CRLF .cmd that switches to UTF-8 first, run verbatim through cmd /s /c', () => {
    const command = build('cmd', 'windows', ['a b']);
    assert.deepEqual(command.invocation, {
      file: '/x/cmd',
      args: ['/d', '/v:off', '/s', '/c', `""${winDir}\\script.cmd" "a b""`],
      windowsVerbatimArguments: true,
    });
    assert.equal(command.files[0]!.data.toString('utf8'), '@chcp 65001 >nul\r\nline1\r\nline2 é');
  });
});

describe('shell resolution (pure, injected file checks)', () => {
  const linux = (present: string[]) => ({ os: 'linux', env: { PATH: '/usr/local/bin:/usr/bin' }, isExecutable: (p: string) => present.includes(p) });
  const windows = (present: string[]) => ({
    os: 'windows',
    env: { Path: 'C:\\Tools;C:\\Git\\bin', SystemRoot: 'D:\\Win', PATHEXT: '.EXE;.CMD' },
    isExecutable: (p: string) => present.includes(p),
  });

  it('Linux default: bash when present, else sh; powershell means pwsh; cmd is unavailable', () => {
    assert.deepEqual(resolveShell(undefined, linux(['/usr/bin/bash', '/usr/bin/sh'])), { shell: 'bash', executable: '/usr/bin/bash' });
    assert.deepEqual(resolveShell(undefined, linux(['/usr/bin/sh'])), { shell: 'sh', executable: '/usr/bin/sh' });
    assert.deepEqual(resolveShell('powershell', linux(['/usr/local/bin/pwsh'])), { shell: 'powershell', executable: '/usr/local/bin/pwsh' });
    assert.deepEqual(resolveShell('pwsh', linux([])), { error: 'shell not available: pwsh' });
    assert.deepEqual(resolveShell('cmd', linux(['/usr/bin/cmd'])), { error: 'shell not available: cmd' });
  });

  it('Windows default: Windows PowerShell from the system folder (PATH cannot shadow it); cmd; bash via PATH+PATHEXT', () => {
    const ps = 'D:\\Win\\System32\\WindowsPowerShell\\v1.0\\powershell.exe';
    assert.deepEqual(resolveShell(undefined, windows([ps, 'C:\\Tools\\powershell.exe'])), { shell: 'powershell', executable: ps });
    assert.deepEqual(resolveShell('cmd', windows(['D:\\Win\\System32\\cmd.exe'])), { shell: 'cmd', executable: 'D:\\Win\\System32\\cmd.exe' });
    assert.deepEqual(resolveShell('bash', windows(['C:\\Git\\bin\\bash.exe'])), { shell: 'bash', executable: 'C:\\Git\\bin\\bash.exe' });
    assert.deepEqual(resolveShell('pwsh', windows([])), { error: 'shell not available: pwsh' });
    assert.equal(findOnPath('tool', windows(['C:\\Tools\\tool.cmd'])), 'C:\\Tools\\tool.cmd');
  });
});
