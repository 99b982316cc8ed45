/**
 * The simulated agent's job contract against a scripted Socket.IO peer: a run is executed once
 * per run id, its result is kept until acknowledged and resent after the next hello, and a
 * re-dispatch of a known run is answered `accepted:false`.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Server, type Socket as ServerSocket } from 'socket.io';
import { AGENTS_NAMESPACE, AgentEvents, JobEvents, type JobDispatchMessage, type RunResultMessage } from '@borealis/protocol';
import { CountingSink } from './counting-sink';
import { SimAgent } from './sim-agent';
import { FIXED_OUTPUT, simulatedStdout } from './sim-output';
import { fakeCredentials } from './fleet-credentials';

async function until(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

test('simulated output: echo lines as a shell prints them, anything else one fixed line', () => {
  assert.equal(simulatedStdout({ script: 'echo hi' }), 'hi\n');
  assert.equal(simulatedStdout({ script: 'echo "hello world"\necho again' }), 'hello world\nagain\n');
  assert.equal(simulatedStdout({ script: 'uname -a' }), FIXED_OUTPUT);
  assert.equal(simulatedStdout(undefined), FIXED_OUTPUT);
});

test('a run is executed once, its result resent after reconnect until acked, re-dispatch is accepted:false', async () => {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'] });
  const results: RunResultMessage[] = [];
  const dispatchAcks: unknown[] = [];
  const job: JobDispatchMessage = { runId: randomUUID(), jobId: randomUUID(), role: 'script_exec_system', payload: { script: 'echo hi' }, timeoutSeconds: 60 };
  let connections = 0;
  io.of(AGENTS_NAMESPACE).on('connection', (socket: ServerSocket) => {
    const connection = ++connections;
    socket.on(AgentEvents.hello, (_m: unknown, ack: (a: object) => void) => {
      ack({ ok: true, deviceId: 'd', heartbeatIntervalMs: 60_000, revision: 0, roles: {}, serverTime: Date.now() });
      // Like the real server: dispatch after the hello ack, again after a reconnect.
      void socket.timeout(5_000).emitWithAck(JobEvents.dispatch, job).then((a: unknown) => dispatchAcks.push(a));
    });
    socket.on(AgentEvents.roleState, (_m: unknown, ack: (a: object) => void) => ack({ ok: true }));
    socket.on(JobEvents.started, (_m: unknown, ack: (a: object) => void) => ack({ ok: true }));
    socket.on(JobEvents.result, (m: RunResultMessage, ack: (a: object) => void) => {
      results.push(m);
      // First link: "crash" before acking (the result was stored, its ack lost); then a duplicate ack.
      if (connection === 1) socket.disconnect(true);
      else ack({ ok: true, duplicate: true });
    });
  });
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  const s = new CountingSink();
  const agent = new SimAgent(fakeCredentials(1)[0], {
    serverUrl: `http://127.0.0.1:${(http.address() as AddressInfo).port}`, ackTimeoutMs: 5_000, connectTimeoutMs: 5_000, jobWorkMs: 50, jobWorkJitterMs: 0,
  }, s);
  try {
    agent.start();
    await until(() => s.counters.runResultsPending === 0 && s.counters.runResultsDuplicateAcked === 1 && dispatchAcks.length === 2);
    const c = s.counters;
    assert.equal(c.runsStarted, 1, 'the run is executed once');
    assert.equal(c.jobDispatches, 2);
    assert.equal(c.jobDispatchDuplicates, 1);
    assert.deepEqual(dispatchAcks, [{ ok: true, accepted: true }, { ok: true, accepted: false, status: 'succeeded' }]);
    assert.equal(c.runResultsSent, 2);
    assert.equal(c.runResultsResent, 1);
    assert.equal(c.runResultsAcked, 0);
    assert.equal(results.length, 2);
    assert.deepEqual(results[1], results[0], 'the resend is the same result');
    assert.equal(results[0].stdout, 'hi\n');
    assert.equal(results[0].status, 'succeeded');
    const record = agent.jobs.journal.get(job.runId);
    assert.ok(record?.acknowledged);
    assert.equal(record.duplicateAcks, 1);
  } finally {
    agent.stop();
    await new Promise<void>((r) => io.close(() => r()));
  }
});
