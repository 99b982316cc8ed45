import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import {
  decodeJpeg, decodePng, expectedColor, paintPattern,
} from '@borealis/roles/dist/desktop_shared/testing/desktop-fixtures';
import { startXvfb, xTool, type XvfbServer } from '@borealis/roles/dist/desktop_shared/testing/xvfb';
import { REPO_ROOT } from '../single-binary/agent-build';
import { harness, type RealServer } from '../single-binary/real-server';

interface AgentProcessLike {
  readonly home: string;
  output: string;
  start(enrollmentToken?: string, env?: Record<string, string>): AgentProcessLike;
  dispose(): Promise<void>;
}
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { AgentProcess } = require(join(REPO_ROOT, 'apps', 'server', 'dist', 'testing', 'agent-process.js')) as {
  AgentProcess: new (serverUrl: string) => AgentProcessLike;
};

const WIDTH = 640;
const HEIGHT = 480;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Raw fetch: the screenshot answer is bytes, not JSON. */
async function post(server: RealServer, path: string, body: unknown, token: string): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    signal: AbortSignal.timeout(40_000),
  });
}

// The whole path an operator uses: REST and /ui on a real server, a real agent process hosting
// the screenshot and macro roles, its desktop worker, and a real X server (Xvfb) with a known
// pattern on screen and a real X client (xterm) to type into.
describe('desktop roles end to end (real server, agent, Xvfb)', () => {
  let xvfb: XvfbServer;
  let server: RealServer & { adminToken: string };
  let agent: AgentProcessLike;
  let deviceId: string;
  const cleanups: Array<() => unknown> = [];

  const device = async () => (await server.api('GET', `/api/devices/${deviceId}`)).body as { online: boolean; metrics?: Record<string, number> };

  before(async () => {
    xvfb = await startXvfb({ width: WIDTH, height: HEIGHT });
    paintPattern(xvfb);
    // 1 s heartbeats so the agent's capture counter (a heartbeat metric) is fresh within a second.
    server = await harness.TestServer.start({ env: { BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '1' } }) as RealServer & { adminToken: string };
    agent = new AgentProcess(server.url).start(await server.enrollmentToken(), { DISPLAY: xvfb.display });
    await harness.waitFor(async () => {
      const list = (await server.api('GET', '/api/devices?online=true')).body as { items: Array<{ id: string; roles: Array<{ name: string; status: string }> }> };
      const found = list.items.find((d) => ['screenshot', 'macro'].every((name) => d.roles.some((r) => r.name === name && r.status === 'running')));
      if (found) deviceId = found.id;
      return found !== undefined;
    }, 30_000, () => `agent with running screenshot and macro roles never came online:\n${agent.output.slice(-3000)}`);
  });

  after(async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
    await agent?.dispose();
    await server?.stop();
    await xvfb?.stop();
  });

  it('reports the screen size and displays', async () => {
    const info = await server.api('GET', `/api/devices/${deviceId}/screen`);
    assert.equal(info.status, 200, JSON.stringify(info.body));
    assert.equal(info.body.width, WIDTH);
    assert.equal(info.body.height, HEIGHT);
    assert.ok(info.body.displays.length >= 1);
  });

  it('captures exactly the requested region as PNG, pixel for pixel', async () => {
    const region = { x: 37, y: 21, width: 50, height: 30 };
    const response = await post(server, `/api/devices/${deviceId}/screenshot`, { region, format: 'png' }, server.adminToken);
    assert.equal(response.status, 200, await response.clone().text());
    assert.equal(response.headers.get('content-type'), 'image/png');
    const image = decodePng(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual([image.width, image.height], [region.width, region.height]);
    for (let y = 0; y < region.height; y++) {
      for (let x = 0; x < region.width; x++) {
        assert.deepEqual(image.pixel(x, y), [...expectedColor(region.x + x, region.y + y)], `pixel ${x},${y}`);
      }
    }
  });

  it('captures the full screen as JPEG and audits every capture', async () => {
    const response = await post(server, `/api/devices/${deviceId}/screenshot`, { format: 'jpeg', quality: 90 }, server.adminToken);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('content-type'), 'image/jpeg');
    const image = decodeJpeg(new Uint8Array(await response.arrayBuffer()));
    assert.deepEqual([image.width, image.height], [WIDTH, HEIGHT]);
    const audit = await server.api('GET', '/api/audit?limit=50');
    const captures = (audit.body as Array<{ action: string }>).filter((e) => e.action === 'screen.capture');
    assert.ok(captures.length >= 2, `audit has ${captures.length} screen.capture entries`);
  });

  it('types text and a key combination into a real X client (xterm running cat)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'borealis-macro-e2e-'));
    const file = join(dir, 'typed.txt');
    const xterm: ChildProcess = spawn('xterm', ['-geometry', '80x24+0+0', '-e', 'sh', '-c', `cat > '${file}'`], { env: xvfb.env, stdio: 'ignore' });
    cleanups.push(() => { xterm.kill('SIGKILL'); rmSync(dir, { recursive: true, force: true }); });
    // Without a window manager the keyboard focus follows the pointer: put it on the xterm.
    const window = xTool(xvfb, 'xdotool', ['search', '--sync', '--class', 'xterm']).trim().split('\n')[0]!;
    xTool(xvfb, 'xdotool', ['mousemove', '--window', window, '50', '50']);
    await sleep(300); // xterm maps its window before its pty reader runs
    const response = await server.api('POST', `/api/devices/${deviceId}/macro`, {
      steps: [{ type: 'text', text: 'Hello, Borealis 42!' }, { type: 'keys', keys: ['Enter'] }, { type: 'keys', keys: ['Ctrl', 'D'] }],
    });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.status, 'succeeded');
    assert.deepEqual(response.body.steps.map((s: { status: string }) => s.status), ['succeeded', 'succeeded', 'succeeded']);
    // Ctrl+D ends cat, which only happens if the combination arrived as one chord.
    await harness.waitFor(() => xterm.exitCode !== null, 10_000, () => 'xterm did not exit: Ctrl+D did not reach cat');
    assert.equal(readFileSync(file, 'utf8'), 'Hello, Borealis 42!\n');
    const audit = await server.api('GET', '/api/audit?limit=50');
    const entry = JSON.stringify((audit.body as Array<{ action: string }>).find((e) => e.action === 'macro.run'));
    assert.ok(entry, 'macro audited');
    assert.ok(!entry.includes('Borealis 42'), 'the typed text is never audited');
  });

  it('streams frames over /ui at the set rate only while watched; captures nothing without viewers', async () => {
    const captures = async () => (await device()).metrics?.screen_captures ?? -1;
    // Idle: no viewer, so the counter must not move (heartbeats every second refresh it).
    await sleep(1500);
    const idleStart = await captures();
    await sleep(3000);
    assert.equal(await captures(), idleStart, 'no capture without a viewer');

    const ui: Socket = io(`${server.url}/ui`, { auth: { token: server.adminToken }, transports: ['websocket'], reconnection: false });
    cleanups.push(() => ui.close());
    const frames: Array<{ seq: number; width: number; data: Buffer; at: number }> = [];
    ui.on('screen.frame', (frame: { seq: number; width: number; data: Buffer }, ack: (a: unknown) => void) => {
      frames.push({ ...frame, at: Date.now() });
      ack({ ok: true });
    });
    await new Promise<void>((resolve, reject) => { ui.once('connect', resolve); ui.once('connect_error', reject); });
    const watch = await ui.timeout(30_000).emitWithAck('screen.watch', { deviceId, fps: 2, format: 'jpeg', quality: 60 });
    assert.equal(watch.ok, true, JSON.stringify(watch));
    await harness.waitFor(() => frames.length >= 1, 20_000, () => 'no first frame');
    const firstAt = frames[0]!.at;
    await sleep(5000);
    const inWindow = frames.filter((f) => f.at > firstAt && f.at <= firstAt + 5000).length;
    // 2 fps for 5 s = 10 frames; allow for a loaded CI machine, but never faster than the rate.
    assert.ok(inWindow >= 6 && inWindow <= 11, `${inWindow} frames in 5 s at 2 fps`);
    assert.equal(decodeJpeg(frames[frames.length - 1]!.data).width, WIDTH);

    const unwatch = await ui.timeout(10_000).emitWithAck('screen.unwatch', { deviceId });
    assert.equal(unwatch.ok, true);
    await harness.waitFor(async () => (await device()).metrics?.screen_streams === 0, 10_000, () => 'stream still open on the agent');
    await sleep(1500);
    const afterStop = await captures();
    const framesAfterStop = frames.length;
    await sleep(3000);
    assert.equal(await captures(), afterStop, 'the agent stopped capturing when the last viewer left');
    assert.equal(frames.length, framesAfterStop, 'no frame after unwatch');
  });
});
