/**
 * The real CLI process (`node apps/agent/dist/cli.js`) against the PROTOCOL STUB SERVER
 * (testing/protocol-stub-server.ts): enrollment, files under home, graceful stop on signals.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProtocolStubServer, eventually } from './testing/protocol-stub-server';

const CLI = join(__dirname, 'cli.js');
const TOKEN = 'cli-enrollment-token';

/** A clean environment: BOREALIS_* variables of the developer's shell must not leak into the test. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('BOREALIS_')));
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<{ code: number | null; signal: string | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`process did not exit within ${timeoutMs} ms`)), timeoutMs);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started });
    });
  });
}

describe('borealis-agent CLI process against the protocol stub server', () => {
  let stub: ProtocolStubServer;
  let dir: string;

  before(async () => {
    stub = new ProtocolStubServer();
    stub.enrollmentTokens.add(TOKEN);
    stub.config = { revision: 1, heartbeatIntervalMs: 150, roles: {} };
    await stub.start();
    dir = mkdtempSync(join(tmpdir(), 'borealis-cli-'));
  });

  after(async () => {
    await stub.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`run: enrolls, connects, heartbeats, then exits 0 within 5 s on ${signal}`, async (t) => {
      const home = join(dir, `home-${signal}`);
      let stdout = '';
      const child = spawn(process.execPath, [CLI, 'run', '--server', stub.url, '--enrollment-token', TOKEN, '--home', home], {
        env: cleanEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr!.resume();
      const exited = waitForExit(child, 20_000);
      const hellosBefore = stub.hellos.length;
      const beatsBefore = stub.heartbeats.length;
      await eventually('hello from the CLI', () => stub.hellos.length > hellosBefore, 10_000);
      await eventually('a heartbeat', () => stub.heartbeats.length > beatsBefore, 5_000);

      // status sees the running agent (exit 0) without printing the secret
      const status = spawnSync(process.execPath, [CLI, 'status', '--home', home, '--json'], { env: cleanEnv(), encoding: 'utf8' });
      assert.equal(status.status, 0, status.stderr);
      const parsed = JSON.parse(status.stdout) as { running: boolean; enrolled: boolean; pid: number };
      assert.equal(parsed.running, true);
      assert.equal(parsed.enrolled, true);
      assert.equal(parsed.pid, child.pid);

      const credentials = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as { secret: string };
      assert.ok(!status.stdout.includes(credentials.secret));

      const sentAt = Date.now();
      child.kill(signal);
      const { code, signal: killedBy } = await exited;
      const elapsed = Date.now() - sentAt;
      assert.equal(killedBy, null);
      assert.equal(code, 0);
      assert.ok(elapsed < 5_000, `exited after ${elapsed} ms`);
      t.diagnostic(`${signal}: exited with code 0 after ${elapsed} ms`);

      if (process.platform !== 'win32') assert.equal(statSync(join(home, 'credentials.json')).mode & 0o777, 0o600);
      assert.equal(existsSync(join(home, 'agent.pid')), false, 'pid file removed');
      const logFiles = readdirSync(join(home, 'Logs', 'Agent'));
      assert.ok(logFiles.some((f) => f.endsWith('.log')), `log files: ${logFiles.join(', ')}`);
      const logText = logFiles.map((f) => readFileSync(join(home, 'Logs', 'Agent', f), 'utf8')).join('');
      assert.match(logText, /"msg":"connected"/);
      assert.match(logText, /"msg":"agent stopped"/);
      assert.doesNotMatch(logText, /took too long/, 'stopped gracefully, not by the backstop timer');
      assert.match(stdout, /"msg":"connected"/, 'foreground run logs to stdout too');
      for (const text of [logText, stdout]) {
        assert.ok(!text.includes(credentials.secret) && !text.includes(TOKEN), 'no secret in logs');
      }
      await eventually('server saw the agent leave', () => stub.sockets().length === 0);
    });
  }

  it('run with an invalid flag value exits 1 with the list of problems', () => {
    const result = spawnSync(process.execPath, [CLI, 'run', '--server', 'not a url', '--log-level', 'chatty', '--home', join(dir, 'bad')], {
      env: cleanEnv(),
      encoding: 'utf8',
    });
    assert.equal(result.status, 1);
    assert.match(result.stderr, /not a valid URL/);
    assert.match(result.stderr, /log level "chatty"/);
  });

  it('service commands from source: install needs a binary, repair needs an install, remove of nothing is fine; version prints the version', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [CLI, ...args], { env: cleanEnv(), encoding: 'utf8' });
    const install = run('install', '--server', 'http://127.0.0.1:9', '--home', join(dir, 'svc-home'));
    assert.equal(install.status, 1);
    assert.match(install.stderr, /no agent binary to install/);
    assert.equal(existsSync(join(dir, 'svc-home')), false, 'a refused install leaves nothing behind');
    const repair = run('repair', '--home', join(dir, 'svc-home'));
    assert.equal(repair.status, 1);
    assert.match(repair.stderr, /nothing installed in .* run install/);
    const remove = run('remove', '--home', join(dir, 'svc-home'));
    assert.equal(remove.status, 0, remove.stderr);
    assert.match(remove.stdout, /nothing installed/);
    const version = spawnSync(process.execPath, [CLI, 'version'], { env: cleanEnv(), encoding: 'utf8' });
    assert.equal(version.status, 0);
    assert.match(version.stdout, /^borealis-agent 0\.1\.0 \(protocol 1/);
  });

  it('status on an empty home exits 3 (not running)', () => {
    const result = spawnSync(process.execPath, [CLI, 'status', '--home', join(dir, 'empty')], { env: cleanEnv(), encoding: 'utf8' });
    assert.equal(result.status, 3);
    assert.match(result.stdout, /running: +no/);
  });
});
