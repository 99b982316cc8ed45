import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { harness, type RealServer } from '../single-binary/real-server';

const AGENT_CLI = join(__dirname, '..', 'cli.js');

/**
 * What systemd would receive: Node cannot bind a unix datagram socket, so a tiny python3 receiver
 * binds NOTIFY_SOCKET and prints each datagram with its sender credentials (SCM_CREDENTIALS) as
 * one JSON line. It closes any fd passed along (systemd-notify's BARRIER=1 pipe), as PID 1 does.
 */
const RECEIVER = `
import json, os, socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
s.bind(sys.argv[1])
print(json.dumps({"listening": True}), flush=True)
while True:
    data, anc, flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(12) + socket.CMSG_SPACE(4 * 16))
    pid = None
    for level, kind, body in anc:
        if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
            pid = struct.unpack("iII", body[:12])[0]
        elif level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
            for fd in struct.unpack("%di" % (len(body) // 4), body[: len(body) // 4 * 4]):
                os.close(fd)
    print(json.dumps({"pid": pid, "fields": data.decode().split("\\n")}), flush=True)
`;

interface Datagram { pid: number | null; fields: string[]; at: number }

class NotifyReceiver {
  readonly datagrams: Datagram[] = [];
  private child!: ChildProcess;
  constructor(readonly socketPath: string, private readonly dir: string) {}

  async start(): Promise<void> {
    const script = join(this.dir, 'notify-receiver.py');
    writeFileSync(script, RECEIVER);
    this.child = spawn('python3', [script, this.socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
    const lines = createInterface({ input: this.child.stdout! });
    await new Promise<void>((resolve, reject) => {
      this.child.once('error', reject);
      lines.on('line', (line) => {
        const message = JSON.parse(line) as { listening?: true; pid?: number | null; fields?: string[] };
        if (message.listening) resolve();
        else this.datagrams.push({ pid: message.pid ?? null, fields: message.fields ?? [], at: Date.now() });
      });
    });
  }

  with(field: string): Datagram[] {
    return this.datagrams.filter((d) => d.fields.includes(field));
  }

  statuses(): string[] {
    return this.datagrams.flatMap((d) => d.fields.filter((f) => f.startsWith('STATUS=')).map((f) => f.slice(7)));
  }

  stop(): void {
    this.child.kill();
  }
}

function startAgent(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string } {
  const clean = { ...process.env };
  for (const name of ['DISPLAY', 'WAYLAND_DISPLAY', 'NOTIFY_SOCKET', 'WATCHDOG_USEC', 'WATCHDOG_PID']) delete clean[name];
  const child = spawn(process.execPath, [AGENT_CLI, 'run', ...args], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (c: Buffer) => { output += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { output += c.toString(); });
  return { child, output: () => output };
}

const exitOf = (child: ChildProcess) => new Promise<number | null>((resolve) => {
  if (child.exitCode !== null) resolve(child.exitCode);
  else child.once('exit', (code) => resolve(code));
});

describe('systemd notify protocol, real agent from source against a real server and a real NOTIFY_SOCKET', { timeout: 3 * 60_000 }, () => {
  let server: RealServer;
  let dir: string;
  let receiver: NotifyReceiver;

  before(async () => {
    server = await harness.TestServer.start();
    dir = mkdtempSync(join(tmpdir(), 'borealis-notify-'));
    receiver = new NotifyReceiver(join(dir, 'notify.sock'), dir);
    await receiver.start();
  });

  after(async () => {
    receiver?.stop();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('READY=1 once started, STATUS online, WATCHDOG=1 every WATCHDOG_USEC/2, STOPPING=1 on SIGTERM; jobs do not inherit NOTIFY_SOCKET', async () => {
    const token = await server.enrollmentToken();
    const home = join(dir, 'home');
    const started = Date.now();
    const agent = startAgent(['--server', server.url, '--enrollment-token', token, '--home', home], {
      NOTIFY_SOCKET: receiver.socketPath, WATCHDOG_USEC: '1000000', // ping every 500 ms
    });
    try {
      await harness.waitFor(() => receiver.with('READY=1').length > 0, 20_000, () => `no READY=1; got ${JSON.stringify(receiver.datagrams)}\n${agent.output()}`);
      const ready = receiver.with('READY=1')[0]!;
      process.stdout.write(`# READY=1 ${ready.at - started} ms after spawn; sender pid ${ready.pid} (agent ${agent.child.pid})\n`);
      if (process.getuid?.() === 0) {
        assert.equal(ready.pid, agent.child.pid, 'as root, systemd-notify --pid sends with the agent\'s pid as credentials');
      }
      assert.ok(ready.fields.includes(`MAINPID=${agent.child.pid}`));
      assert.equal(receiver.with('READY=1').length, 1, 'READY once');

      await harness.waitFor(() => receiver.statuses().some((s) => s.startsWith('online')), 20_000, () => `statuses: ${receiver.statuses().join(' | ')}`);
      assert.ok(receiver.statuses().includes(`online, connected to ${server.url}`));

      // A script job's environment: systemd's variables were removed from the agent's own.
      const deviceId = (JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8')) as { agentId: string }).agentId;
      const job = await server.api<{ runs: Array<{ id: string }> }>('POST', '/api/jobs', {
        role: 'script_exec_system', target: { deviceIds: [deviceId] }, payload: { script: 'echo "socket=${NOTIFY_SOCKET:-none} watchdog=${WATCHDOG_USEC:-none}"' }, timeoutSeconds: 30,
      });
      assert.equal(job.status, 201, JSON.stringify(job.body));
      let run: { status: string; stdout: string } = { status: '', stdout: '' };
      await harness.waitFor(async () => {
        run = (await server.api<typeof run>('GET', `/api/runs/${job.body.runs[0]!.id}`)).body;
        return ['succeeded', 'failed', 'timed_out', 'cancelled', 'expired'].includes(run.status);
      }, 30_000, () => `run ${run.status}`);
      assert.equal(run.stdout.trim(), 'socket=none watchdog=none', JSON.stringify(run));

      const pingsBefore = receiver.with('WATCHDOG=1').length;
      await new Promise((r) => setTimeout(r, 1_600));
      const pings = receiver.with('WATCHDOG=1');
      assert.ok(pings.length - pingsBefore >= 2, `WATCHDOG=1 keeps coming: ${pings.length - pingsBefore} in 1.6 s`);
      const gaps = pings.slice(1).map((p, i) => p.at - pings[i]!.at);
      assert.ok(Math.max(...gaps.slice(-3)) < 1_000, `ping gaps ${gaps.join(', ')} ms stay under WATCHDOG_USEC`);

      agent.child.kill('SIGTERM');
      assert.equal(await exitOf(agent.child), 0, agent.output());
      await harness.waitFor(() => receiver.with('STOPPING=1').length > 0, 5_000, () => `no STOPPING=1: ${JSON.stringify(receiver.datagrams.slice(-3))}`);
      assert.ok(receiver.statuses().includes('stopping (SIGTERM)'));
    } finally {
      agent.child.kill('SIGKILL');
    }
  });

  it('READY=1 does not wait for the server: with the server down the agent is ready and says offline, retrying', async () => {
    const before = receiver.datagrams.length;
    const home = join(dir, 'home-down');
    // Credentials already there (no enrollment), server on a port nobody listens on.
    mkdirSync(home, { recursive: true });
    writeFileSync(join(home, 'credentials.json'), JSON.stringify({ agentId: 'a1', secret: 's1', serverUrl: 'http://127.0.0.1:9' }), { mode: 0o600 });
    const agent = startAgent(['--server', 'http://127.0.0.1:9', '--home', home], { NOTIFY_SOCKET: receiver.socketPath });
    try {
      await harness.waitFor(() => receiver.datagrams.slice(before).some((d) => d.fields.includes('READY=1')), 20_000, () => agent.output());
      await harness.waitFor(() => receiver.datagrams.slice(before).some((d) => d.fields.some((f) => /^STATUS=offline \(.+\), retrying$/.test(f))), 20_000,
        () => `statuses: ${receiver.statuses().join(' | ')}`);
      assert.equal(receiver.datagrams.slice(before).filter((d) => d.fields.includes('WATCHDOG=1')).length, 0, 'no WATCHDOG_USEC: no pings');
      agent.child.kill('SIGTERM');
      assert.equal(await exitOf(agent.child), 0);
    } finally {
      agent.child.kill('SIGKILL');
    }
  });
});
