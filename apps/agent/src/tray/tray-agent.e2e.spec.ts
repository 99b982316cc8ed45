import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { device, harness, type RealServer } from '../single-binary/real-server';
import { startXvfb, type XvfbServer as Xvfb } from '@borealis/roles/dist/desktop_shared/testing/xvfb';
import { EXIT_RESTART } from './agent-tray';
import { TRAY_ITEM, type TrayMenu } from './tray-controller';

const AGENT_CLI = join(__dirname, '..', 'cli.js');
const FAKE = join(__dirname, 'fake-tray-helper.js');
const REAL_HELPER = join(dirname(require.resolve('systray2/package.json')), 'traybin', 'tray_linux_release');
/** Shared libraries the real helper cannot find here (`ldd`): none on a desktop with GTK 3 and libappindicator3. */
const MISSING_LIBS = (spawnSync('ldd', [REAL_HELPER], { encoding: 'utf8' }).stdout ?? '')
  .split('\n').filter((l) => l.includes('not found')).map((l) => l.trim().split(' ')[0]!);

type Log = { level: number; msg: string; [key: string]: unknown };

class AgentUnderTest {
  readonly child: ChildProcess;
  output = '';
  constructor(readonly home: string, args: string[], env: Record<string, string | undefined>) {
    const clean: NodeJS.ProcessEnv = { ...process.env };
    for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'BOREALIS_TRAY', 'BOREALIS_TRAY_HELPER', 'NOTIFY_SOCKET']) delete clean[name];
    for (const [k, v] of Object.entries(env)) if (v !== undefined) clean[k] = v;
    this.child = spawn(process.execPath, [AGENT_CLI, 'run', '--home', home, ...args], { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => { this.output += c.toString(); });
    this.child.stderr!.on('data', (c: Buffer) => { this.output += c.toString(); });
  }

  logs(): Log[] {
    return this.output.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Log);
  }

  /** Direct children whose command name starts with `tray_` (the real helper). */
  trayChildren(): number[] {
    return readdirSync('/proc').filter((e) => /^\d+$/.test(e)).filter((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        return ppid === this.child.pid && comm.startsWith('tray_');
      } catch {
        return false;
      }
    }).map(Number);
  }

  exit(): Promise<number | null> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) resolve(this.child.exitCode);
      else this.child.once('exit', (code) => resolve(code));
    });
  }
}

describe('tray in the real agent (from source, real server)', { timeout: 3 * 60_000 }, () => {
  let server: RealServer;
  let dir: string;
  let xvfb: Xvfb | undefined;

  before(async () => {
    server = await harness.TestServer.start();
    dir = mkdtempSync(join(tmpdir(), 'borealis-tray-agent-'));
  });
  after(async () => {
    await xvfb?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function enrolledAgent(name: string, env: Record<string, string | undefined>): Promise<{ agent: AgentUnderTest; deviceId: string }> {
    const home = join(dir, name);
    const agent = new AgentUnderTest(home, ['--server', server.url, '--enrollment-token', await server.enrollmentToken()], env);
    await harness.waitFor(() => existsSync(join(home, 'credentials.json')), 20_000, () => agent.output);
    const deviceId = (JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as { agentId: string }).agentId;
    await harness.waitFor(async () => (await device(server, deviceId)).online, 20_000, () => `not online\n${agent.output}`);
    return { agent, deviceId };
  }

  it('headless (no DISPLAY, tray auto): no tray helper, one info line, the agent runs and stops as usual', async () => {
    const { agent } = await enrolledAgent('headless', {});
    await new Promise((r) => setTimeout(r, 500));
    const trayLines = agent.logs().filter((l) => /tray/i.test(l.msg));
    assert.deepEqual(trayLines.map((l) => [l.level, l.msg]), [[30, 'no tray icon: headless: neither DISPLAY nor WAYLAND_DISPLAY is set']]);
    assert.deepEqual(agent.trayChildren(), []);
    assert.equal(existsSync(join(agent.home, 'native')), false, 'nothing extracted');
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exit(), 0);
  });

  it(MISSING_LIBS.length > 0
    ? `the real Linux helper under Xvfb cannot start here (missing ${MISSING_LIBS.join(', ')}): logged once, never restarted, the agent stays online`
    : 'the real Linux helper under Xvfb: ready handshake, tray icon shown', async () => {
    xvfb = await startXvfb({ width: 640, height: 480 });
    const { agent, deviceId } = await enrolledAgent('xvfb', { DISPLAY: xvfb.display });
    // From source the helper is copied out of node_modules (mode 0644 there) into <home>/native/, mode 0755.
    const native = readdirSync(join(agent.home, 'native'));
    const helperFile = native.find((f) => f.endsWith('-tray_linux_release'));
    assert.ok(helperFile, `native/: ${native.join(', ')}`);
    assert.equal(statSync(join(agent.home, 'native', helperFile)).mode & 0o777, 0o755);
    if (MISSING_LIBS.length > 0) {
      await harness.waitFor(() => agent.logs().some((l) => l.level === 40 && /tray helper failed/.test(l.msg)), 10_000, () => agent.output);
      await new Promise((r) => setTimeout(r, 3_000)); // time for a (wrong) restart loop to show
      const failures = agent.logs().filter((l) => /tray/i.test(l.msg) && l.level >= 40);
      assert.equal(failures.length, 1, JSON.stringify(failures));
      assert.match(String(failures[0]!.err), /tray helper exited \(code 127\) before it was ready/);
      assert.match(String(failures[0]!.stderr), /error while loading shared libraries/);
      assert.equal(agent.logs().filter((l) => l.msg.startsWith('starting the tray icon')).length, 1, 'one start, no restart');
      assert.deepEqual(agent.trayChildren(), []);
      assert.ok((await device(server, deviceId)).online, 'still online');
      assert.equal(agent.child.exitCode, null, 'still running');
    } else {
      await harness.waitFor(() => agent.logs().some((l) => l.msg === 'tray icon shown'), 10_000, () => agent.output);
      assert.equal(agent.trayChildren().length, 1);
    }
    agent.child.kill('SIGTERM');
    assert.equal(await agent.exit(), 0);
    await harness.waitFor(() => agent.trayChildren().length === 0, 5_000, () => 'helper left behind');
  });

  async function fakeTrayAgent(name: string) {
    const controlPath = join(dir, `${name}.sock`);
    const { agent, deviceId } = await enrolledAgent(name, {
      BOREALIS_TRAY: 'on', BOREALIS_TRAY_HELPER: JSON.stringify([process.execPath, FAKE]), FAKE_TRAY_CONTROL: controlPath, FAKE_TRAY_AUTO_READY: '1',
    });
    const received: unknown[] = [];
    const errors: string[] = [];
    let socket: Socket | undefined;
    await harness.waitFor(async () => {
      try {
        socket = await new Promise<Socket>((resolve, reject) => {
          const s = connect(controlPath, () => resolve(s));
          s.once('error', reject);
        });
        return true;
      } catch {
        return false;
      }
    }, 10_000, () => `no fake helper control socket\n${agent.output}`, 50);
    createInterface({ input: socket! }).on('line', (line) => {
      if (line.startsWith('stdin ')) received.push(JSON.parse(line.slice(6)));
      if (line.startsWith('error ')) errors.push(line.slice(6));
    });
    return { agent, deviceId, received, errors, click: (id: number) => socket!.write(`click ${id}\n`), close: () => socket!.destroy() };
  }

  const lastStatusTitle = (received: unknown[]): string | undefined => {
    for (const m of [...received].reverse()) {
      const message = m as { items?: TrayMenu['items']; item?: { title: string } };
      if (message.item) return message.item.title;
      if (message.items) return message.items[0]!.title;
    }
    return undefined;
  };

  it('tray menu in the running agent (fake tray helper: no tray host here): status follows online, Quit stops gracefully with exit 0', async () => {
    const t = await fakeTrayAgent('quit');
    await harness.waitFor(() => lastStatusTitle(t.received) === `Borealis: online — ${server.url}`, 10_000, () => JSON.stringify(t.received));
    t.click(TRAY_ITEM.quit);
    assert.equal(await t.agent.exit(), 0);
    assert.ok(t.agent.logs().some((l) => l.msg === 'stopping agent' && l.reason === 'tray: quit'));
    assert.deepEqual(t.received.at(-1), { type: 'exit' }, 'the helper was told to exit');
    assert.deepEqual(t.errors, [], 'the agent sent nothing the real helper would ignore');
    await harness.waitFor(async () => !(await device(server, t.deviceId)).online, 10_000, () => 'still online');
    t.close();
  });

  it(`tray menu in the running agent (fake tray helper: no tray host here): Restart stops gracefully with exit ${EXIT_RESTART}`, async () => {
    const t = await fakeTrayAgent('restart');
    await harness.waitFor(() => lastStatusTitle(t.received) === `Borealis: online — ${server.url}`, 10_000, () => JSON.stringify(t.received));
    t.click(TRAY_ITEM.restart);
    assert.equal(await t.agent.exit(), EXIT_RESTART);
    assert.ok(t.agent.logs().some((l) => l.msg === 'stopping agent' && l.reason === 'tray: restart'));
    t.close();
  });
});
