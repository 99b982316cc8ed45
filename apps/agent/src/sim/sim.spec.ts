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
