import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, createServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { freePort, SERVER_MAIN, TestServer } from '../testing/server-process';

// How the server owns its port: a large accept queue, and the port open from the first
// milliseconds of the process so a fleet reconnecting after a restart is held, not refused.
const servers: TestServer[] = [];
const children: ChildProcess[] = [];
const dirs: string[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const c of children) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** For a listening socket `ss` reports the accept queue's size in Send-Q. */
function listenQueue(port: number): number {
  const line = execFileSync('ss', ['-Hltn', `sport = :${port}`], { encoding: 'utf8' }).trim();
  const sendQ = Number(line.split(/\s+/)[2]);
  assert.ok(Number.isInteger(sendQ), `unexpected ss output: ${line}`);
  return sendQ;
}

/** The server's main, started by hand (TestServer would wait for it to be healthy). */
function spawnServer(port: number): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const dir = mkdtempSync(join(tmpdir(), 'borealis-listen-'));
  dirs.push(dir);
  const child = spawn(process.execPath, [SERVER_MAIN], {
    env: {
      ...process.env, PORT: String(port), HOST: '127.0.0.1', DATABASE_URL: '', BOREALIS_LOG_STDOUT: 'true',
      BOREALIS_DATA_DIR: join(dir, 'data'), BOREALIS_LOG_DIR: join(dir, 'Logs'), BOREALIS_ADMIN_TOKEN: 'listen-spec-admin-token',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (b: Buffer) => { output += b.toString(); });
  child.stderr!.on('data', (b: Buffer) => { output += b.toString(); });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, output: () => output, exited };
}

async function connectAsSoonAsOpen(port: number, deadlineMs: number): Promise<Socket> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    const socket = await new Promise<Socket | undefined>((resolve) => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => resolve(s));
      s.once('error', () => resolve(undefined));
    });
    if (socket) return socket;
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`port ${port} never opened`);
}

it('listens with the largest accept queue the kernel allows by default, and with BOREALIS_LISTEN_BACKLOG when set', async () => {
  const somaxconn = Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'));
  const byDefault = await TestServer.start();
  servers.push(byDefault);
  assert.equal(listenQueue(byDefault.port), Math.min(65_535, somaxconn));
  assert.ok(listenQueue(byDefault.port) > 511, 'larger than Node\'s default');

  const configured = await TestServer.start({ env: { BOREALIS_LISTEN_BACKLOG: '1000' } });
  servers.push(configured);
  assert.equal(listenQueue(configured.port), Math.min(1000, somaxconn));
});

it('accepts a connection while it is still booting and answers it once ready', { timeout: 60_000 }, async () => {
  const port = await freePort();
  const server = spawnServer(port);
  const socket = await connectAsSoonAsOpen(port, 30_000);
  const connectedBeforeReady = !server.output().includes('Borealis server listening');
  let response = '';
  socket.on('data', (b: Buffer) => { response += b.toString(); });
  const closed = new Promise((r) => socket.once('close', r));
  socket.write('GET /api/health HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');
  await closed;
  assert.ok(connectedBeforeReady, 'the TCP connect succeeded before the application was ready');
  assert.match(response, /^HTTP\/1\.1 200/);
  assert.match(response, /"status":"ok"/);
  assert.match(server.output(), /"heldDuringBoot":[1-9]/);
  assert.equal(listenQueue(port), Math.min(65_535, Number(readFileSync('/proc/sys/net/core/somaxconn', 'utf8'))),
    'the HTTP server took over the early socket with the same accept queue');
});

it('exits with a clear message when the port is taken', { timeout: 30_000 }, async () => {
  const blocker = createServer();
  const port = await freePort();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  try {
    const server = spawnServer(port);
    assert.equal(await server.exited, 1);
    assert.match(server.output(), new RegExp(`cannot listen on 127\\.0\\.0\\.1:${port}: .*EADDRINUSE`));
  } finally {
    blocker.close();
  }
});
