import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { createFakeRoleContext, roleRegistry } from '../core';
import type { ScriptExecDeps } from '../script_exec_shared/script-exec-deps';
import { makeJob, NOBODY, processesWithMarker, runRoleAsNobody, tempHome } from '../script_exec_shared/test-support';
import { ScriptExecCurrentUserRole } from './role';

/** A role whose session lookup is scripted; `lookups` counts how often it was asked. */
async function setup(sessionUser?: string, deps: Partial<ScriptExecDeps> = {}) {
  const home = await tempHome();
  const fake = createFakeRoleContext({ name: 'script_exec_currentuser', agent: { home } });
  const lookups = { count: 0 };
  const role = new ScriptExecCurrentUserRole(fake.context, {
    killGraceMs: 500,
    findSessionUser: async () => {
      lookups.count += 1;
      return sessionUser;
    },
    ...deps,
  });
  return { home, fake, role, lookups };
}

const WHO = 'id -un; printf "%s|%s|%s\\n" "$HOME" "$USER" "$LOGNAME"';

describe('script_exec_currentuser role (Linux, real processes; this test machine runs as root)', () => {
  it('is registered for the interactive context', () => {
    assert.deepEqual(roleRegistry.get('script_exec_currentuser')?.contexts, ['interactive']);
    assert.equal(roleRegistry.get('script_exec_currentuser')?.ctor, ScriptExecCurrentUserRole);
  });

  it('runs as config.user (nobody) with HOME/USER/LOGNAME set; config wins over the session lookup', async () => {
    const { role, lookups, home } = await setup('root');
    role.onConfig({ user: 'nobody' });
    const run = makeJob({ script: `${WHO}; printf 'héllo ✓ 日本 %s %s\\n' "$1" "$GREETING" >&2; exit 5`, args: ['a b'], env: { GREETING: 'hi' } });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 5 });
    assert.equal(run.stdout(), 'nobody\n/nonexistent|nobody|nobody\n');
    assert.equal(run.stderr(), 'héllo ✓ 日本 a b hi\n');
    assert.equal(run.events[0], 'started');
    assert.equal(lookups.count, 0);
    assert.deepEqual(await readdir(join(home, 'tmp')), []);
  });

  it('uses the active session user when no user is configured', async () => {
    const { role } = await setup('nobody');
    role.onConfig({});
    const run = makeJob({ script: 'id -un' });
    assert.deepEqual(await role.runJob(run.job), { exitCode: 0 });
    assert.equal(run.stdout(), 'nobody\n');
  });

  it('applies config changes live and runs as root, with a log line, when there is no session user', async () => {
    const { role, fake } = await setup(undefined);
    role.onConfig({ user: 'nobody' });
    const first = makeJob({ script: 'id -un' });
    await role.runJob(first.job);
    assert.equal(first.stdout(), 'nobody\n');
    role.onConfig({ enabled: true });
    const second = makeJob({ script: 'id -un' });
    assert.deepEqual(await role.runJob(second.job), { exitCode: 0 });
    assert.equal(second.stdout(), 'root\n');
    assert.ok(fake.logs.some((l) => l.level === 40 && /running the script as root/.test(String(l.msg))));
  });

  it('ignores an invalid config.user (logged) instead of passing it to a command', async () => {
    const { role, fake } = await setup('nobody');
    role.onConfig({ user: 'x; rm -rf /' });
    assert.ok(fake.logs.some((l) => /ignoring invalid config.user/.test(String(l.msg))));
    const run = makeJob({ script: 'id -un' });
    await role.runJob(run.job);
    assert.equal(run.stdout(), 'nobody\n');
  });

  it('resolves with a clear error for an unknown user', async () => {
    const { role } = await setup();
    role.onConfig({ user: 'borealis-no-such-user' });
    const run = makeJob({ script: 'id -un' });
    assert.deepEqual(await role.runJob(run.job), { exitCode: null, error: 'interactive context unavailable: unknown user "borealis-no-such-user"' });
    assert.deepEqual(run.events, []);
  });

  it('says why when the session user cannot reach the agent home (not traversable)', async () => {
    const { role, home } = await setup();
    await chmod(home, 0o700);
    role.onConfig({ user: 'nobody' });
    const outcome = await role.runJob(makeJob({ script: 'id -un' }).job);
    assert.equal(outcome.exitCode, null);
    assert.match(outcome.error ?? '', /^interactive context unavailable: user "nobody" cannot read .*traversable/);
    assert.deepEqual(await readdir(join(home, 'tmp')), []);
  });

  it('kills the whole tree of a run started as another user on cancel', async () => {
    const { role } = await setup();
    role.onConfig({ user: 'nobody' });
    const marker = `33${Date.now() % 100_000}.1`;
    const run = makeJob({ script: `trap '' TERM; sleep ${marker} & sleep ${marker} & echo up; wait` });
    const outcome = role.runJob(run.job);
    while (!run.stdout().includes('up')) await new Promise((r) => setTimeout(r, 20));
    // "up" can be printed before the forked shells have exec'd sleep: wait for both (bounded).
    for (let i = 0; i < 100 && processesWithMarker(marker).length < 2; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(processesWithMarker(marker).length, 2);
    run.controller.abort('cancelled');
    assert.deepEqual(await outcome, { exitCode: null });
    assert.deepEqual(processesWithMarker(marker), []);
  });

  it('runs as the agent\'s own user when the agent is not root (agent as nobody, no session lookup)', async () => {
    const home = await tempHome(NOBODY);
    const result = await runRoleAsNobody({
      role: 'script_exec_currentuser/role', exportName: 'ScriptExecCurrentUserRole', home,
      config: { user: 'root' }, // ignored: a non-root agent cannot switch users
      payload: { script: 'id -un; echo "$1"', args: ['ünï'] },
    });
    assert.deepEqual(result.outcome, { exitCode: 0 });
    assert.equal(result.stdout, 'nobody\nünï\n');
    assert.equal(result.started, true);
  });
});
