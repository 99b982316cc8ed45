import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { DesktopError } from './desktop-error';
import { DesktopSession } from './desktop-session';
import { TEST_WORKER_COMMAND } from './testing/desktop-fixtures';
import { startXvfb, type XvfbServer } from './testing/xvfb';

const servers: XvfbServer[] = [];
const sessions: DesktopSession[] = [];

function session(env: NodeJS.ProcessEnv, idleMs?: number): DesktopSession {
  const s = new DesktopSession({ command: TEST_WORKER_COMMAND, os: 'linux', logger: pino({ level: 'silent' }), env, idleMs, requestTimeoutMs: 15_000 });
  sessions.push(s);
  return s;
}

const isUnavailable = (pattern: RegExp) => (err: unknown) => {
  assert.ok(err instanceof DesktopError, String(err));
  assert.equal(err.code, 'display_unavailable');
  assert.match(err.message, pattern);
  return true;
};

describe('DesktopSession (real Xvfb)', { timeout: 60_000 }, () => {
  after(async () => {
    await Promise.all(sessions.map((s) => s.stop()));
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('answers display_unavailable without DISPLAY, without starting a worker', async () => {
    const env = { ...process.env };
    delete env.DISPLAY;
    const s = session(env);
    await assert.rejects(s.capture({ format: 'png', quality: 80 }), isUnavailable(/no display: DISPLAY is not set/));
    assert.equal(s.running, false, 'no worker spawned');
  });

  it('fails every request with the reason when the X server dies mid-session, and recovers on a new one', async () => {
    const x1 = await startXvfb({ width: 64, height: 48 });
    servers.push(x1);
    const s = session(x1.env);
    assert.deepEqual(await s.info(), { width: 64, height: 48, displays: [{ index: 0, x: 0, y: 0, width: 64, height: 48, primary: true }] });
    assert.equal(s.running, true);
    await x1.kill(); // like a crash: the socket file stays behind
    const results = await Promise.allSettled([s.capture({ format: 'png', quality: 80 }), s.capture({ format: 'jpeg', quality: 50 })]);
    for (const result of results) {
      assert.equal(result.status, 'rejected');
      isUnavailable(/X server :\d+ not reachable.*(SIGSEGV|exited)/)(result.reason);
    }
    assert.equal(s.running, false);
    // The stale socket refuses connections: the check says so without spawning a worker that would crash.
    await assert.rejects(s.info(), isUnavailable(/not reachable: .* refuses connections/));

    const x2 = await startXvfb({ width: 80, height: 60 });
    servers.push(x2);
    s.setDisplay(x2.display);
    const image = await s.capture({ format: 'png', quality: 80 });
    assert.equal(image.width, 80);
    assert.equal(image.height, 60);
    assert.ok(Buffer.isBuffer(image.data));
  });

  it('kills a worker that does not answer and fails the request with the op and the time', async () => {
    // A stand-in worker that reads requests and never answers; 'darwin' skips the X checks.
    const s = new DesktopSession({ command: [process.execPath, '-e', 'process.on("message", () => {})'], os: 'darwin', logger: pino({ level: 'silent' }), requestTimeoutMs: 400 });
    sessions.push(s);
    await assert.rejects(s.info(), isUnavailable(/did not answer "info" within 0.4 s; its worker was killed/));
    assert.equal(s.running, false);
    await assert.rejects(s.keys(['Enter']), isUnavailable(/did not answer "keys"/), 'the next request starts a new worker');
  });

  it('reports a worker that crashes with SIGSEGV, and starts a new one for the next request', async () => {
    const crash = 'process.on("message", () => process.kill(process.pid, "SIGSEGV"))';
    const s = new DesktopSession({ command: [process.execPath, '-e', crash], os: 'darwin', logger: pino({ level: 'silent' }) });
    sessions.push(s);
    const results = await Promise.allSettled([s.info(), s.capture({ format: 'png', quality: 80 })]);
    for (const r of results) isUnavailable(/^screen library crashed \(SIGSEGV\)$/)((r as PromiseRejectedResult).reason);
    await assert.rejects(s.info(), isUnavailable(/SIGSEGV/));
  });

  it('stops the worker after the idle time and starts a new one on the next request', async () => {
    const x = await startXvfb({ width: 32, height: 32 });
    servers.push(x);
    const s = session(x.env, 300);
    await s.ready();
    assert.equal(s.running, true);
    await new Promise((r) => setTimeout(r, 900));
    assert.equal(s.running, false, 'idle worker stopped');
    assert.equal((await s.info()).width, 32);
  });
});
