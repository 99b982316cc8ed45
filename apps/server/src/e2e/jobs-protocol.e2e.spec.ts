import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io, type Socket } from 'socket.io-client';
import { testEngines } from '../testing/databases';
import { connected, connectRawAgent, enrollRaw, PROTOCOL_VERSION, validHello } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

interface Dispatch { runId: string; jobId: string; role: string; payload: { script: string }; timeoutSeconds: number }

// The server's job lifecycle driven by a bare protocol client playing the agent, so each
// test controls exactly what the "agent" reports; real agents run real scripts in jobs.e2e.
for (const engine of testEngines()) {
  describe(`jobs lifecycle over the agent protocol (${engine})`, () => {
    let server: TestServer;
    const sockets: Socket[] = [];
    const agent = async (hostname: string, hello = true): Promise<{ socket: Socket; id: string; dispatches: Dispatch[]; cancels: string[]; creds: { agentId: string; secret: string } }> => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), hostname);
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      sockets.push(socket);
      const dispatches: Dispatch[] = [];
      const cancels: string[] = [];
      socket.on('job.dispatch', (d: Dispatch) => dispatches.push(d));
      socket.on('job.cancel', (c: { runId: string }) => cancels.push(c.runId));
      await connected(socket);
      if (hello) await socket.emitWithAck('agent.hello', validHello(hostname));
      return { socket, id: creds.agentId, dispatches, cancels, creds };
    };
    const result = (runId: string, over: Record<string, unknown> = {}) => ({
      runId, status: 'succeeded', exitCode: 0, stdout: 'out ✓\n', stderr: '', stdoutTruncated: false, stderrTruncated: false,
      error: null, startedAt: Date.now() - 5, finishedAt: Date.now(), ...over,
    });
    const script = { script: 'echo hi', shell: 'bash' };

    before(async () => {
      server = await TestServer.start({ engine, env: { BOREALIS_RUN_SWEEP_SECONDS: '0.2', BOREALIS_RUN_LEASE_GRACE_SECONDS: '1' } });
    });
    after(async () => {
      sockets.forEach((s) => s.close());
      await server?.stop();
    });

    it('dispatches to an online device and stores its result once, streaming status and output to /ui', async () => {
      const a = await agent('job-a');
      const ui = io(`${server.url}/ui`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: server.adminToken } });
      sockets.push(ui);
      await connected(ui);
      const created = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [a.id] }, payload: script });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.body.runs[0].status, 'dispatched');
      const statuses: string[] = [];
      const chunks: string[] = [];
      ui.on('run.status', (e: { status: string }) => statuses.push(e.status));
      ui.on('run.output', (e: { data: string }) => chunks.push(e.data));
      assert.equal((await ui.emitWithAck('job.subscribe', { jobId: created.body.id })).ok, true);
      await waitFor(() => a.dispatches.length === 1, 3000);
      const runId = a.dispatches[0]!.runId;
      assert.equal(a.dispatches[0]!.payload.script, 'echo hi');
      assert.equal((await a.socket.emitWithAck('run.started', { runId, startedAt: Date.now() })).ok, true);
      a.socket.emit('run.output', { runId, stream: 'stdout', seq: 0, data: 'out ✓\n' });
      assert.equal((await a.socket.emitWithAck('run.result', result(runId))).ok, true);
      const again = await a.socket.emitWithAck('run.result', result(runId, { stdout: 'changed' }));
      assert.equal(again.ok, true, 'a resent result is acknowledged');
      const run = (await server.api('GET', `/api/runs/${runId}`)).body;
      assert.equal(run.status, 'succeeded');
      assert.equal(run.exitCode, 0);
      assert.equal(run.stdout, 'out ✓\n', 'the first result is kept, the duplicate ignored');
      assert.ok(run.durationMs >= 0);
      const job = (await server.api('GET', `/api/jobs/${created.body.id}`)).body;
      assert.deepEqual(job.counts, { succeeded: 1 });
      assert.equal(job.runs[0].stdout, undefined, 'output only on request');
      assert.equal((await server.api('GET', `/api/jobs/${created.body.id}?output=true`)).body.runs[0].stdout, 'out ✓\n');
      await waitFor(() => statuses.join() === 'running,succeeded' && chunks.join('') === 'out ✓\n', 3000, () => `${statuses} ${chunks}`);
      const audit = (await server.api('GET', `/api/audit?targetId=${created.body.id}`)).body;
      assert.equal(audit[0].action, 'job.create');
      assert.equal(JSON.stringify(audit).includes('echo hi'), false, 'the script body is not in the audit log');
    });

    it('queues runs for offline devices and dispatches them when the device says hello', async () => {
      const b = await agent('job-b', false);
      const created = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [b.id] }, payload: script });
      assert.equal(created.body.runs[0].status, 'queued');
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(b.dispatches.length, 0);
      await b.socket.emitWithAck('agent.hello', validHello('job-b'));
      await waitFor(() => b.dispatches.length === 1, 3000);
      assert.equal((await server.api('GET', `/api/runs/${created.body.runs[0].id}`)).body.status, 'dispatched');
    });

    it('expires queued runs and fails lost ones after their lease', async () => {
      const c = await agent('job-c', false);
      const expiring = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [c.id] }, payload: script, expiresInSeconds: 1 });
      await waitFor(async () => (await server.api('GET', `/api/runs/${expiring.body.runs[0].id}`)).body.status === 'expired', 5000);
      const d = await agent('job-d');
      const lost = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [d.id] }, payload: script, timeoutSeconds: 1 });
      await d.socket.emitWithAck('run.started', { runId: lost.body.runs[0].id, startedAt: Date.now() });
      // timeout 1 s + grace 1 s, then the sweeper (every 0.2 s) gives up on it.
      await waitFor(async () => (await server.api('GET', `/api/runs/${lost.body.runs[0].id}`)).body.status === 'failed', 6000);
      const run = (await server.api('GET', `/api/runs/${lost.body.runs[0].id}`)).body;
      assert.match(run.error, /lost/);
      const late = await d.socket.emitWithAck('run.result', result(run.id));
      assert.equal(late.ok, true);
      assert.equal((await server.api('GET', `/api/runs/${run.id}`)).body.status, 'failed', 'a finished run never changes again');
    });

    it('cancels queued runs at once and tells agents to stop running ones', async () => {
      const offline = await agent('job-e', false);
      const online = await agent('job-f');
      const created = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [offline.id, online.id] }, payload: script });
      const runningId = created.body.runs.find((r: { deviceId: string }) => r.deviceId === online.id).id;
      await online.socket.emitWithAck('run.started', { runId: runningId, startedAt: Date.now() });
      assert.equal((await server.api('GET', `/api/runs/${runningId}`)).body.status, 'running');
      const cancel = await server.api('POST', `/api/jobs/${created.body.id}/cancel`);
      assert.equal(cancel.status, 200);
      assert.deepEqual(cancel.body, { cancelled: 1, stopping: 1 });
      await waitFor(() => online.cancels.includes(runningId), 3000);
      await online.socket.emitWithAck('run.result', result(runningId, { status: 'cancelled', exitCode: null }));
      const job = (await server.api('GET', `/api/jobs/${created.body.id}`)).body;
      assert.deepEqual(job.counts, { cancelled: 2 });
      await offline.socket.emitWithAck('agent.hello', validHello('job-e'));
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(offline.dispatches.length, 0, 'a cancelled run is not dispatched later');
      assert.equal((await server.api('POST', `/api/jobs/${created.body.id}/cancel`)).status, 409);
    });

    it('refuses results for runs of other devices and malformed reports', async () => {
      const owner = await agent('job-g');
      const other = await agent('job-h');
      const created = await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { deviceIds: [owner.id] }, payload: script });
      const runId = created.body.runs[0].id;
      assert.equal((await other.socket.emitWithAck('run.result', result(runId))).code, 'run_not_found');
      assert.equal((await other.socket.emitWithAck('run.result', { runId, status: 'great' })).code, 'bad_message');
      assert.equal((await server.api('GET', `/api/runs/${runId}`)).body.status, 'dispatched');
    });

    it('validates job requests and scopes', async () => {
      const g = (await server.api('GET', '/api/devices?hostname=job-g')).body.items[0].id;
      const bad = [
        [{ role: 'script_exec_system', target: { deviceIds: [g] }, payload: { shell: 'bash' } }, 'validation_failed'],
        [{ role: 'script_exec_system', target: { deviceIds: [g] }, payload: { script: 'x', shell: 'zsh' } }, 'validation_failed'],
        [{ role: 'script_exec_system', target: {}, payload: script }, 'invalid_target'],
        [{ role: 'script_exec_system', target: { deviceIds: [g], all: true }, payload: script }, 'invalid_target'],
        [{ role: 'script_exec_system', target: { deviceIds: ['00000000-0000-4000-8000-000000000000'] }, payload: script }, 'unknown_devices'],
        [{ role: 'script_exec_system', target: { tags: ['no-such-tag'] }, payload: script }, 'no_target_devices'],
        [{ role: 'Script', target: { all: true }, payload: script }, 'validation_failed'],
        [{ role: 'script_exec_system', target: { all: true }, payload: script, timeoutSeconds: 0 }, 'validation_failed'],
      ] as const;
      const before = (await server.api('GET', '/api/jobs')).body.total;
      for (const [body, code] of bad) {
        const response = await server.api('POST', '/api/jobs', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.code, code, JSON.stringify(response.body));
      }
      assert.equal((await server.api('GET', '/api/jobs')).body.total, before, 'nothing was created');
      const reader = (await server.api('POST', '/api/tokens', { name: 'job-reader', scopes: ['jobs:read'] })).body.token;
      assert.equal((await server.api('POST', '/api/jobs', { role: 'script_exec_system', target: { all: true }, payload: script }, reader)).status, 403);
      assert.equal((await server.api('GET', '/api/jobs', undefined, reader)).status, 200);
      assert.equal((await server.api('GET', `/api/runs?deviceId=${g}`, undefined, reader)).body.total, 1);
    });
  });
}
