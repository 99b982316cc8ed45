import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { mergeEnv } from './env-merge';
import { switchUser } from './posix-interactive-strategy';
import { shellEnvFile, sudoInvocation } from './posix-system-strategy';
import { parseScriptPayload } from './script-payload';
import { spawn } from 'node:child_process';
import { ProcessGroupKiller, WindowsTreeKiller } from './tree-killer';
import { processesWithMarker, tempHome } from './test-support';
import type { ProcessRunner } from './process-runner';

describe('script exec helpers (pure)', () => {
  it('payload: defaults args/env; errors name the field', () => {
    assert.deepEqual(parseScriptPayload({ script: 'x' }), { ok: true, payload: { script: 'x', args: [], env: {} } });
    const bad = parseScriptPayload({ script: 'x', args: [1] });
    assert.equal(bad.ok, false);
    assert.match(!bad.ok ? bad.error : '', /^invalid payload: args\.0: /);
    assert.deepEqual(parseScriptPayload({ script: 'x', args: ['ok', 'a\0b'] }), { ok: false, error: 'invalid payload: args.1: must not contain a NUL character' });
    assert.deepEqual(parseScriptPayload({ script: 'x', env: { K: '\0' } }), { ok: false, error: 'invalid payload: env.K: must not contain a NUL character' });
  });

  it('env: payload over agent; on Windows a differently-cased twin is replaced, not duplicated', () => {
    assert.deepEqual(mergeEnv({ PATH: '/bin', A: '1', U: undefined }, { A: '2', B: '3' }, 'linux'), { PATH: '/bin', A: '2', B: '3' });
    assert.deepEqual(mergeEnv({ Path: 'C:\\W', path: 'x' }, { PATH: 'C:\\Mine' }, 'linux'), { Path: 'C:\\W', path: 'x', PATH: 'C:\\Mine' });
    assert.deepEqual(mergeEnv({ Path: 'C:\\W', TEMP: 't' }, { PATH: 'C:\\Mine' }, 'windows'), { TEMP: 't', PATH: 'C:\\Mine' });
  });

  it('sudo: a fixed sh program; env file values survive sourcing byte for byte', async () => {
    const inv = sudoInvocation('/usr/bin/sudo', '/h/tmp/r/env.sh', { file: '/bin/bash', args: ['/h/tmp/r/script.sh', 'a b'], windowsVerbatimArguments: false });
    assert.deepEqual(inv.args, ['-n', '--', '/bin/sh', '-c', '. "$1" && shift && exec "$@"', 'sh', '/h/tmp/r/env.sh', '/bin/bash', '/h/tmp/r/script.sh', 'a b']);
    const values = { A: "it's", B: '$(touch /nonexistent/x) `y` $HOME "q"', C: 'multi\nline é', D: '' };
    const dir = await tempHome();
    await writeFile(join(dir, 'env.sh'), shellEnvFile(values));
    const out = execFileSync('/bin/sh', ['-c', inv.args[4]!, 'sh', join(dir, 'env.sh'), '/usr/bin/env'], { env: {}, encoding: 'utf8' });
    for (const [k, v] of Object.entries(values)) assert.ok(out.includes(`${k}=${v}\n`), `${k} came through as in ${out}`);
    assert.throws(() => shellEnvFile({ 'A;rm': 'x' }), /invalid environment variable name/);
  });

  it('switching user: runuser -u NAME -- or setpriv with uid/gid and groups, command kept as argv', () => {
    const user = { name: 'alice', uid: 1000, gid: 1000, home: '/home/alice', shell: '/bin/bash' };
    const inv = { file: '/bin/bash', args: ['/h/s.sh', '$(x)'], windowsVerbatimArguments: false };
    assert.deepEqual(switchUser({ tool: 'runuser', path: '/usr/sbin/runuser' }, user, inv).args, ['-u', 'alice', '--', '/bin/bash', '/h/s.sh', '$(x)']);
    assert.deepEqual(switchUser({ tool: 'setpriv', path: '/usr/bin/setpriv' }, user, inv).args, ['--reuid=1000', '--regid=1000', '--init-groups', '--', '/bin/bash', '/h/s.sh', '$(x)']);
  });

  it('Windows tree kill (fake runner, no Windows here): taskkill /PID <pid> /T /F', async () => {
    const calls: string[] = [];
    const runner: ProcessRunner = { run: async (file, args) => (calls.push([file, ...args].join(' ')), { exitCode: 0, stdout: '', stderr: '' }) };
    await new WindowsTreeKiller(runner, 'C:\\Windows\\System32\\taskkill.exe').killTree(4321);
    assert.deepEqual(calls, ['C:\\Windows\\System32\\taskkill.exe /PID 4321 /T /F']);
  });

  it('process-group kill (the fallback where there is no /proc, e.g. macOS) ends a detached run and its children', async () => {
    const marker = `34${Date.now() % 100_000}.2`;
    const child = spawn('/bin/sh', ['-c', `trap '' TERM; sleep ${marker} & sleep ${marker} & wait`], { detached: true, stdio: 'ignore' });
    const exited = new Promise((r) => child.once('exit', r));
    while (processesWithMarker(marker).length < 2) await new Promise((r) => setTimeout(r, 20));
    await new ProcessGroupKiller(300).killTree(child.pid!);
    await exited;
    assert.deepEqual(processesWithMarker(marker), []);
  });
});
