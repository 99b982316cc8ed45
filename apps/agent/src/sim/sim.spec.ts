/**
 * The simulator end to end against the bare echo server: a small fleet connects, says hello
 * and gets its heartbeats acknowledged. No timing thresholds: figures belong to the benchmark.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startEchoServer } from './echo-server';
import { Fleet } from './fleet';
import { fakeCredentials } from './fleet-credentials';

const AGENTS = 20;

test('simulated agents connect to the echo server and get heartbeats acked', async () => {
  const server = await startEchoServer({ port: 0, heartbeatIntervalMs: 250 });
  const fleet = new Fleet({
    serverUrl: `http://127.0.0.1:${server.port}`,
    credentials: fakeCredentials(AGENTS),
    processes: 2,
    rampPerSecond: 200,
    reportMs: 200,
  });
  try {
    await fleet.start();
    const allOnline = await fleet.waitFor((s) => s.counters.online === AGENTS, 20_000);
    assert.ok(allOnline, `online: ${JSON.stringify(fleet.snapshot().counters)}`);
    assert.equal(server.connected(), AGENTS);
    // Every agent heartbeats at the server-set 250 ms: a few rounds each, all acknowledged.
    const acked = await fleet.waitFor((s) => s.counters.heartbeatsAcked >= AGENTS * 3, 20_000);
    assert.ok(acked, `acked: ${JSON.stringify(fleet.snapshot().counters)}`);
    const final = await fleet.stop();
    const c = final.counters;
    assert.equal(c.helloOk, AGENTS);
    assert.equal(c.serverHeartbeatMs, 250);
    assert.equal(c.heartbeatsRejected, 0);
    assert.equal(c.heartbeatsTimedOut, 0);
    assert.equal(c.connectErrors, 0);
    assert.ok(fleet.totalLatency().count >= AGENTS * 3);
  } finally {
    fleet.kill();
    await server.close();
  }
});

test('a fan-out from the echo server reaches every simulated agent and every result is acked once', async () => {
  const server = await startEchoServer({ port: 0 });
  const url = `http://127.0.0.1:${server.port}`;
  const fleet = new Fleet({ serverUrl: url, credentials: fakeCredentials(AGENTS), processes: 2, rampPerSecond: 200, reportMs: 100 });
  try {
    await fleet.start();
    assert.ok(await fleet.waitFor((s) => s.counters.online === AGENTS, 20_000), 'all online');
    const created = await fetch(`${url}/fanout`, { method: 'POST', body: JSON.stringify({ payload: { script: 'echo hi' } }) });
    assert.equal(created.status, 201);
    const job = (await created.json()) as { id: string; total: number };
    assert.equal(job.total, AGENTS);
    const acked = await fleet.waitFor((s) => s.counters.runResultsAcked === AGENTS, 20_000);
    assert.ok(acked, `acked: ${JSON.stringify(fleet.snapshot().counters)}`);
    const counts = (await (await fetch(`${url}/fanout/${job.id}`)).json()) as { results: number; started: number; duplicates: number };
    assert.deepEqual([counts.results, counts.started, counts.duplicates], [AGENTS, AGENTS, 0]);
    const c = (await fleet.stop()).counters;
    assert.deepEqual(
      [c.jobDispatches, c.runsStarted, c.runStartedAcked, c.runResultsSent, c.runResultsResent, c.runResultsPending],
      [AGENTS, AGENTS, AGENTS, AGENTS, 0, 0],
    );
    assert.ok(c.lastResultAckAt >= c.lastDispatchAt && c.lastDispatchAt > 0);
  } finally {
    fleet.kill();
    await server.close();
  }
});
