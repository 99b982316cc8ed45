import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MacroEvents, type MacroRunAck } from '@borealis/protocol';
import { createFakeRoleContext, roleRegistry } from '../core';
import { TEST_WORKER_COMMAND } from '../desktop_shared/testing/desktop-fixtures';
import { startXvfb, xTool, type XvfbServer } from '../desktop_shared/testing/xvfb';
import { MacroRole } from './role';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const dir = mkdtempSync(join(tmpdir(), 'borealis-macro-'));
const servers: XvfbServer[] = [];
const roles: MacroRole[] = [];
const children: ChildProcess[] = [];

function setup(display: string) {
  const fake = createFakeRoleContext({ name: 'macro', agent: { selfCommand: TEST_WORKER_COMMAND } });
  const role = new MacroRole(fake.context);
  roles.push(role);
  role.registerEvents();
  role.onConfig({ display });
  return { fake, role, run: (payload: unknown) => fake.deliver(MacroEvents.run, payload) as Promise<MacroRunAck> };
}

/** An xterm covering the screen that writes what it reads to `file`, with keyboard focus. */
async function catWindow(x: XvfbServer, file: string): Promise<ChildProcess> {
  const xterm = spawn('xterm', ['-geometry', '100x30+0+0', '-e', 'sh', '-c', `cat > '${file}'`], { env: x.env, stdio: 'ignore' });
  children.push(xterm);
  xTool(x, 'xdotool', ['search', '--sync', '--onlyvisible', '--class', 'xterm']); // bounded by xTool's timeout
  // No window manager: focus follows the pointer (PointerRoot), so park the pointer on the window.
  xTool(x, 'xdotool', ['mousemove', '40', '40']);
  const deadline = Date.now() + 5000;
  while (!existsSync(file) && Date.now() < deadline) await sleep(50); // cat has opened its output
  return xterm;
}

/**
 * Runs a no-op macro so the worker is started and has opened the display: a loaded machine may
 * need a second for that, and the timed steps below must not race it.
 */
async function warmUp(run: (payload: unknown) => Promise<MacroRunAck>): Promise<void> {
  assert.equal((await run({ steps: [{ type: 'delay', ms: 0 }] })).ok, true);
}

const exited = (child: ChildProcess, ms: number) => new Promise<boolean>((resolve) => {
  if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
  const timer = setTimeout(() => resolve(false), ms);
  child.once('exit', () => { clearTimeout(timer); resolve(true); });
});

describe('macro role (real Xvfb and xterm)', { timeout: 120_000 }, () => {
  after(async () => {
    await Promise.all(roles.map((r) => r.stopAll()));
    children.forEach((c) => c.exitCode === null && c.kill('SIGKILL'));
    await Promise.all(servers.map((s) => s.stop()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('is registered for the interactive context', () => {
    assert.equal(roleRegistry.get('macro')?.ctor, MacroRole);
    assert.deepEqual(roleRegistry.get('macro')?.contexts, ['interactive']);
  });

  it('types text into a real X client and sends key combinations (Ctrl+D ends cat)', async () => {
    const x = await startXvfb({ width: 640, height: 400 });
    servers.push(x);
    const file = join(dir, 'typed.txt');
    const xterm = await catWindow(x, file);
    const text = 'Hello, Borealis 42! ~$&"\'<>|{}\nsecond line\n';
    const { run, fake } = setup(x.display);
    const ack = await run({ steps: [{ type: 'text', text }, { type: 'delay', ms: 50 }, { type: 'keys', keys: ['ctrl', 'D'] }] });
    assert.equal(ack.ok, true, JSON.stringify(ack));
    if (!ack.ok) return;
    assert.equal(ack.status, 'succeeded');
    assert.deepEqual(ack.steps.map((s) => [s.index, s.type, s.status]), [[0, 'text', 'succeeded'], [1, 'delay', 'succeeded'], [2, 'keys', 'succeeded']]);
    assert.ok(ack.steps.every((s) => s.durationMs >= 0));
    assert.equal(await exited(xterm, 5000), true, 'Ctrl+D reached cat: it exited and xterm closed');
    assert.equal(readFileSync(file, 'utf8'), text);
    const logged = JSON.stringify(fake.logs);
    assert.ok(!logged.includes('Borealis 42') && !logged.includes('second line'), 'typed text never reaches the log');
    assert.match(logged, /"chars":43/);
  });

  it('reports the step that failed when the X server dies, skips the rest', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    servers.push(x);
    const { run } = setup(x.display);
    await warmUp(run);
    const pending = run({ steps: [{ type: 'text', text: 'a' }, { type: 'delay', ms: 3000 }, { type: 'text', text: 'b' }, { type: 'keys', keys: ['Enter'] }] });
    await sleep(1000); // inside the delay
    await x.kill();
    const ack = await pending;
    assert.equal(ack.ok, true, JSON.stringify(ack));
    if (!ack.ok) return;
    assert.equal(ack.status, 'failed');
    assert.deepEqual(ack.steps.map((s) => s.status), ['succeeded', 'succeeded', 'failed', 'skipped']);
    assert.match(ack.steps[2]!.error ?? '', /X server :\d+ not reachable/);
    assert.equal(ack.steps[3]!.durationMs, 0);
  });

  it('refuses a bad macro with bad_message and types nothing', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    servers.push(x);
    const file = join(dir, 'untouched.txt');
    const xterm = await catWindow(x, file);
    const { run, role } = setup(x.display);
    const ack = await run({ steps: [{ type: 'text', text: 'should not appear' }, { type: 'keys', keys: ['Ctrl', 'NoSuchKey'] }] });
    assert.equal(ack.ok, false);
    if (ack.ok) return;
    assert.equal(ack.code, 'bad_message');
    assert.match(JSON.stringify(ack.details), /unknown key \\"NoSuchKey\\"/);
    assert.equal((await run({ steps: [] }) as { code: string }).code, 'bad_message');
    assert.equal((await run({ steps: [{ type: 'delay', ms: 60_000 }, ...Array.from({ length: 5 }, () => ({ type: 'delay', ms: 60_000 }))] }) as { code: string }).code, 'bad_message', 'delays over the total cap');
    await sleep(300);
    assert.equal(readFileSync(file, 'utf8'), '');
    assert.equal(role.collectMetrics().macro_runs, 0);
    xterm.kill('SIGKILL');
  });

  it('fails a keys step the screen library cannot send (Pause) instead of pretending', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    servers.push(x);
    const { run } = setup(x.display);
    const ack = await run({ steps: [{ type: 'keys', keys: ['Shift'] }, { type: 'keys', keys: ['Pause'] }, { type: 'text', text: 'x' }] });
    assert.equal(ack.ok, true);
    if (!ack.ok) return;
    assert.deepEqual(ack.steps.map((s) => s.status), ['succeeded', 'failed', 'skipped']);
    assert.match(ack.steps[1]!.error ?? '', /key Pause cannot be sent/);
  });

  it('answers display_unavailable before running anything without a display', async () => {
    const { run } = setup(':4998');
    const ack = await run({ steps: [{ type: 'text', text: 'x' }] });
    assert.equal(ack.ok, false);
    if (ack.ok) return;
    assert.equal(ack.code, 'display_unavailable');
    assert.match(ack.message, /X server :4998 not reachable/);
  });

  it('runs one macro at a time: a second one meanwhile is refused with busy', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    servers.push(x);
    const { run } = setup(x.display);
    const first = run({ steps: [{ type: 'delay', ms: 800 }] });
    await sleep(100);
    const second = await run({ steps: [{ type: 'delay', ms: 1 }] });
    assert.equal(second.ok, false);
    assert.equal((second as { code: string }).code, 'busy');
    assert.equal((await first).ok, true);
    assert.equal((await run({ steps: [{ type: 'delay', ms: 1 }] })).ok, true, 'free again afterwards');
  });

  it('fails the running delay and skips the rest when the role stops', async () => {
    const x = await startXvfb({ width: 320, height: 200 });
    servers.push(x);
    const { run, fake } = setup(x.display);
    await warmUp(run);
    const pending = run({ steps: [{ type: 'delay', ms: 5000 }, { type: 'text', text: 'never' }] });
    await sleep(500);
    fake.abort();
    const ack = await pending;
    assert.equal(ack.ok, true);
    if (!ack.ok) return;
    assert.deepEqual(ack.steps.map((s) => s.status), ['failed', 'skipped']);
    assert.match(ack.steps[0]!.error ?? '', /stopped during the delay/);
  });
});
