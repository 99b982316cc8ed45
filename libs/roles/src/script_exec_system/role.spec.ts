import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFakeRoleContext, roleRegistry } from '../core';
import type { ScriptExecDeps } from '../script_exec_shared/script-exec-deps';
import { makeJob, NOBODY, processesWithMarker, runRoleAsNobody, tempHome } from '../script_exec_shared/test-support';
import { ScriptExecSystemRole } from './role';

async function setup(deps: Partial<ScriptExecDeps> = {}) {
  const home = await tempHome();
  const fake = createFakeRoleContext({ name: 'script_exec_system', agent: { home } });
  return { home, fake, role: new ScriptExecSystemRole(fake.context, { killGraceMs: 500, ...deps }) };
}

const runFolders = async (home: string): Promise<string[]> => (existsSync(join(home, 'tmp')) ? readdir(join(home, 'tmp')) : []);

describe('script_exec_system role (Linux, real processes; this test machine runs as root)', () => {
  it('is registered for the system context', () => {
    assert.deepEqual(roleRegistry.get('script_exec_system')?.contexts, ['system']);
    assert.equal(roleRegistry.get('script_exec_system')?.ctor, ScriptExecSystemRole);
  });

  it('runs as root when the agent is root, reports started first, exit code 0', async () => {
    const { role } = await setup();
    const run = makeJob({ script: 'id -u' });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    assert.equal(run.stdout(), '0\n');
    assert.equal(run.events[0], 'started');
  });

  it('passes a non-zero exit code through', async () => {
    const { role } = await setup();
    assert.deepEqual(await role.runJob(makeJob({ script: 'echo before; exit 7' }).job), { exitCode: 7 });
  });

  it('delivers stdout and stderr exactly, non-ASCII included', async () => {
    const { role } = await setup();
    const run = makeJob({ script: "printf 'héllo ✓ 日本\\n'; printf 'erreur ✗ 😀\\n' >&2" });
    await role.runJob(run.job);
    assert.equal(run.stdout(), 'héllo ✓ 日本\n');
    assert.equal(run.stderr(), 'erreur ✗ 😀\n');
  });

  it('delivers multi-megabyte output completely, multi-byte characters intact across chunks', async () => {
    const { role } = await setup();
    const run = makeJob({ script: "yes 'ligne é ✓ 日本' | head -n 300000" });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    const expected = 'ligne é ✓ 日本\n'.repeat(300_000);
    assert.ok(Buffer.byteLength(expected) > 5_000_000);
    assert.equal(run.stdout().length, expected.length);
    assert.equal(run.stdout(), expected);
    assert.ok(run.events.filter((e) => e === 'stdout').length > 1, 'output arrives in several chunks');
  });

  it('passes args as positional parameters and env over the agent environment', async () => {
    const { role } = await setup();
    const args = ['a b', '', "it's", 'ünï "cödé"', '$HOME', '-n'];
    const run = makeJob({
      script: 'for a in "$@"; do printf "[%s]" "$a"; done; echo; printf "%s|%s|%s\\n" "$GREETING" "$#" "${PATH:+has-path}"',
      args,
      env: { GREETING: 'héllo "world" $HOME `x`' },
    });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    assert.equal(run.stdout(), `${args.map((a) => `[${a}]`).join('')}\nhéllo "world" $HOME \`x\`|6|has-path\n`);
  });

  it('lets only the shell running the file interpret the script; args are never evaluated', async () => {
    const { role } = await setup();
    const canary = join(tmpdir(), `borealis-canary-${process.pid}-${Date.now()}`);
    const run = makeJob({
      script: `echo "$(echo sub; echo 'sq;uote')"; x="a;b"; echo "$x" 'it'"'"'s'; echo "$1"; echo "$2"; echo "$3"`,
      args: [`; touch ${canary}`, `$(touch ${canary})`, `\`touch ${canary}\``],
    });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    assert.equal(run.stdout(), `sub\nsq;uote\na;b it's\n; touch ${canary}\n$(touch ${canary})\n\`touch ${canary}\`\n`);
    assert.equal(existsSync(canary), false, 'an argument was executed');
  });

  it('runs sh when asked, with the script in a 0600 file in a 0700 folder under <home>/tmp, removed afterwards', async () => {
    const { role, home } = await setup();
    const run = makeJob({ shell: 'sh', script: 'readlink /proc/$$/exe; stat -c %a "$0"; stat -c %a "$(dirname "$0")"; pwd' });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    const [exe, fileMode, dirMode, cwd] = run.stdout().trim().split('\n');
    assert.match(exe!, /(dash|sh)$/);
    assert.equal(fileMode, '600');
    assert.equal(dirMode, '700');
    assert.ok(cwd!.startsWith(join(home, 'tmp') + '/'), cwd);
    assert.deepEqual(await runFolders(home), []);
  });

  it('resolves with a clear error for an invalid payload and starts nothing', async () => {
    const { role, home } = await setup();
    for (const payload of [{}, { script: '' }, { script: 'true', shell: 'zsh' }, { script: 'true', env: { 'BAD-NAME': 'x' } }, null]) {
      const run = makeJob(payload);
      const outcome = await role.runJob(run.job);
      assert.equal(outcome.exitCode, null);
      assert.match(outcome.error ?? '', /^invalid payload: /, JSON.stringify(payload));
      assert.deepEqual(run.events, []);
    }
    assert.deepEqual(await runFolders(home), []);
  });

  it('reports a missing shell: "shell not available: <shell>" (cmd is Windows only)', async () => {
    const emptyBin = await tempHome();
    const { role } = await setup({ env: { PATH: emptyBin } });
    for (const shell of ['pwsh', 'powershell', 'bash', 'cmd'] as const) {
      assert.deepEqual(await role.runJob(makeJob({ script: 'true', shell }).job), { exitCode: null, error: `shell not available: ${shell === 'powershell' ? 'powershell' : shell}` });
    }
    assert.deepEqual(await role.runJob(makeJob({ script: 'true' }).job), { exitCode: null, error: 'shell not available: sh' });
  });

  for (const reason of ['timed_out', 'cancelled'] as const) {
    it(`kills the whole process tree on abort (${reason}), even children ignoring SIGTERM or in their own session`, async () => {
      const { role, home } = await setup();
      const marker = `30${Date.now() % 100_000}.${Math.floor(Math.random() * 1e6)}`;
      const run = makeJob({
        script: `trap '' TERM; sleep ${marker} & (trap '' TERM; sleep ${marker}; true) & setsid sleep ${marker} & bash -c "sleep ${marker}; true" & echo up; wait`,
      });
      const outcome = role.runJob(run.job);
      while (!run.stdout().includes('up')) await new Promise((r) => setTimeout(r, 20));
      // "up" can come before every child has exec'd sleep; wait for them (bounded) instead of a fixed pause.
      for (let i = 0; i < 100 && processesWithMarker(marker).length < 4; i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(processesWithMarker(marker).length >= 4, 'the children are running');
      run.controller.abort(reason);
      assert.deepEqual(await outcome, { exitCode: null });
      assert.deepEqual(processesWithMarker(marker), [], 'a process of the run survived');
      assert.deepEqual(await runFolders(home), []);
    });
  }

  it('stopAll kills running scripts and waits for them', async () => {
    const { role } = await setup();
    const marker = `31${Date.now() % 100_000}.5`;
    const run = makeJob({ script: `sleep ${marker} & echo up; wait` });
    const outcome = role.runJob(run.job);
    while (!run.stdout().includes('up')) await new Promise((r) => setTimeout(r, 20));
    await role.stopAll();
    assert.deepEqual(await outcome, { exitCode: null });
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('without root and without sudo (agent as nobody): resolves with the clear error, never hangs', async () => {
    const home = await tempHome(NOBODY);
    const result = await runRoleAsNobody({ role: 'script_exec_system/role', exportName: 'ScriptExecSystemRole', home, payload: { script: 'id -u' } });
    assert.deepEqual(result.outcome, { exitCode: null, error: 'system context unavailable: not root and sudo -n is not allowed' });
    assert.equal(result.started, false);
    assert.deepEqual(await runFolders(home), []);
  });

  it('without root but with sudo -n allowed (fake sudo, agent as nobody): goes through sudo, env via file, tree killed via sudo kill', async () => {
    const home = await tempHome(NOBODY);
    const bin = await tempHome(NOBODY);
    const log = join(bin, 'sudo.log');
    // Plays sudo: logs its argv, checks -n, and resets the environment as sudo's env_reset does.
    await writeFile(join(bin, 'sudo'), `#!/bin/sh\necho "$*" >> ${log}\n[ "$1" = "-n" ] || exit 1\nshift\n[ "$1" = "--" ] && shift\nexec /usr/bin/env -i PATH=/usr/bin:/bin "$@"\n`);
    await chmod(join(bin, 'sudo'), 0o755);
    const env = { PATH: `${bin}:/usr/bin:/bin`, AGENT_ONLY: 'dropped by sudo' };

    const ok = await runRoleAsNobody({
      role: 'script_exec_system/role', exportName: 'ScriptExecSystemRole', home, env,
      payload: { script: 'printf "%s|" "$@"; echo "$GREETING|${AGENT_ONLY:-unset}"; exit 4', args: ["it's", 'a b'], env: { GREETING: "hé 'quoted' $x" } },
    });
    assert.deepEqual(ok.outcome, { exitCode: 4 });
    assert.equal(ok.stdout, `it's|a b|hé 'quoted' $x|unset\n`);
    const calls = (await readFile(log, 'utf8')).trim().split('\n');
    assert.equal(calls[0], '-n true');
    assert.match(calls[1]!, /^-n -- \/bin\/sh -c \. "\$1" && shift && exec "\$@" sh \S+\/env\.sh \S+\/bash \S+\/script\.sh it's a b$/);

    const marker = `32${Date.now() % 100_000}.7`;
    const cancelled = await runRoleAsNobody({
      role: 'script_exec_system/role', exportName: 'ScriptExecSystemRole', home, env, cancelAfterMs: 600,
      payload: { script: `trap '' TERM; sleep ${marker} & sleep ${marker} & wait` },
    });
    assert.deepEqual(cancelled.outcome, { exitCode: null });
    assert.deepEqual(processesWithMarker(marker), []);
    const sudoLog = await readFile(log, 'utf8');
    assert.ok(sudoLog.includes('-n kill -s TERM'), 'signals went through sudo');
    assert.match(sudoLog, /^-n rm -rf -- \S+\/tmp\/[0-9a-f-]+$/m, 'files root may have left are removed through sudo');
    assert.deepEqual(await runFolders(home), []);
  });
});
