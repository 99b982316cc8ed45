/**
 * The agent's job path against the PROTOCOL STUB SERVER (testing/protocol-stub-server.ts), not
 * the real control plane: an in-process Agent with the test-only job roles
 * (testing/job-test-roles.ts), real sockets on 127.0.0.1, a real outbox under a temp home.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { JobEvents, MAX_STREAM_BYTES, TRUNCATION_MARKER, type JobDispatchMessage } from '@borealis/protocol';
import { Agent } from '../agent';
import { CredentialsStore } from '../home/credentials-store';
import { JOB_TEST_ROLE, NO_JOBS_ROLE, RUN_LOG_FILE, createJobTestRegistry, type TestJobPayload } from '../testing/job-test-roles';
import { ProtocolStubServer, eventually } from '../testing/protocol-stub-server';

describe('Jobs: Agent against the protocol stub server', () => {
  let stub: ProtocolStubServer;
  let home: string;
  let agent: Agent | undefined;

  beforeEach(async () => {
    stub = new ProtocolStubServer();
    stub.config = { revision: 1, heartbeatIntervalMs: 1_000, roles: {} };
    await stub.start();
    stub.addAgent('agent-jobs', 'secret-jobs');
    home = mkdtempSync(join(tmpdir(), 'borealis-agent-jobs-'));
    new CredentialsStore(home).save({ agentId: 'agent-jobs', secret: 'secret-jobs', serverUrl: stub.url });
  });

  afterEach(async () => {
    await agent?.stop();
    agent = undefined;
    await stub.stop();
    assert.deepEqual(stub.badMessages, [], 'every agent message passed the protocol schema');
    rmSync(home, { recursive: true, force: true });
  });

  async function startAgent(): Promise<Agent> {
    agent = new Agent({
      serverUrl: stub.url, home, logger: pino({ level: 'silent' }), registry: createJobTestRegistry(),
      backoff: { baseMs: 20, capMs: 200 }, ackTimeoutMs: 1_000, jobs: { outputFlushMs: 20, resultRetryMs: 10_000 },
    });
    const online = once(agent, 'online');
    await agent.start();
    await online;
    return agent;
  }
  const dispatch = (payload: TestJobPayload, extra: Partial<JobDispatchMessage> = {}) =>
    stub.dispatchJob({ role: JOB_TEST_ROLE, payload, ...extra });
  const resultOf = (runId: string) => eventually(`run.result ${runId}`, () => stub.resultsOf(runId)[0]);
  const outboxRuns = () => readdirSync(join(home, 'outbox')).filter((f) => /^[0-9a-f-]{36}\.json$/.test(f));
  const runLog = () => (existsSync(join(home, RUN_LOG_FILE)) ? readFileSync(join(home, RUN_LOG_FILE), 'utf8').trim().split('\n') : []);
  const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('dispatch -> accepted -> run.started -> run.output chunks -> run.result acked -> outbox empty', async () => {
    await startAgent();
    const { message, acks } = await dispatch({
      chunks: [{ stream: 'stdout', data: 'line 1\n' }, { stream: 'stderr', data: 'warning\n' }, { stream: 'stdout', data: 'line 2\n' }],
      sleepMs: 100, exitCode: 0,
    });
    assert.deepEqual(acks, [{ ok: true, accepted: true }]);
    const result = await resultOf(message.runId);
    assert.deepEqual(
      { status: result.status, exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr, error: result.error },
      { status: 'succeeded', exitCode: 0, stdout: 'line 1\nline 2\n', stderr: 'warning\n', error: null },
    );
    const started = stub.runStarts.find((s) => s.message.runId === message.runId)!;
    assert.equal(result.startedAt, started.message.startedAt);
    assert.ok(result.finishedAt >= result.startedAt!);
    assert.ok(started.at <= stub.runResults[0]!.at, 'run.started before run.result');
    const chunks = stub.outputOf(message.runId);
    assert.deepEqual(chunks.map((c) => c.seq), chunks.map((_, i) => i));
    assert.equal(chunks.map((c) => c.data).join(''), result.stdout, 'live chunks add up to the result');
    await eventually('outbox empty after the ack', () => outboxRuns().length === 0);
    assert.match(readFileSync(join(home, 'outbox', 'acknowledged.jsonl'), 'utf8'), new RegExp(message.runId));
  });

  it('job.dispatch and job.cancel sent without an ack callback (as the server sends them) are handled too', async () => {
    await startAgent();
    const message: JobDispatchMessage = {
      runId: '00000000-0000-4000-8000-0000000000a1', jobId: '00000000-0000-4000-8000-0000000000b1',
      role: JOB_TEST_ROLE, payload: { sleepMs: 10_000 } satisfies TestJobPayload, timeoutSeconds: 60,
    };
    for (const socket of stub.sockets()) socket.emit(JobEvents.dispatch, message);
    await eventually('started', () => stub.runStarts.some((s) => s.message.runId === message.runId));
    for (const socket of stub.sockets()) socket.emit(JobEvents.cancel, { runId: message.runId });
    assert.equal((await resultOf(message.runId)).status, 'cancelled');
  });

  it('a dispatch sent right after the hello ack waits for the role the hello config is still starting', async () => {
    stub.config = { revision: 1, heartbeatIntervalMs: 1_000, roles: { [JOB_TEST_ROLE]: { startDelayMs: 300 } } };
    let early: Promise<{ message: JobDispatchMessage; acks: unknown[] }> | undefined;
    stub.afterHello = () => {
      early ??= dispatch({ echo: 'early' });
    };
    await startAgent();
    const { message, acks } = await early!;
    assert.deepEqual(acks, [{ ok: true, accepted: true }]);
    assert.equal((await resultOf(message.runId)).status, 'succeeded');
  });

  it('the outbox file survives until the ack; an unacked result is resent after the stub restarts, then never again', async () => {
    await startAgent();
    stub.resultAck = () => undefined; // received but never acknowledged
    const { message } = await dispatch({ echo: 'hi' });
    await resultOf(message.runId);
    await pause(1_200); // past the agent's ack timeout
    assert.deepEqual(outboxRuns(), [`${message.runId}.json`]);
    assert.equal(JSON.parse(readFileSync(join(home, 'outbox', `${message.runId}.json`), 'utf8')).state, 'finished');

    // A duplicate dispatch of a run whose result waits in the outbox resends the result.
    const [again] = await stub.send(JobEvents.dispatch, message);
    assert.deepEqual(again, { ok: true, accepted: false, status: 'succeeded' });
    await eventually('resent on duplicate dispatch', () => stub.resultsOf(message.runId).length === 2);

    stub.resultAck = () => ({ ok: true });
    const online = once(agent!, 'online');
    await stub.restart(100);
    await online;
    await eventually('resent after reconnect and acked', () => stub.resultsOf(message.runId).length === 3 && outboxRuns().length === 0);
    await pause(400);
    assert.equal(stub.resultsOf(message.runId).length, 3, 'nothing more once acknowledged');
    assert.deepEqual(runLog(), [message.runId], 'ran once');
  });

  it('a run finishing while the server is down is delivered exactly once after the reconnect', async () => {
    await startAgent();
    const { message } = await dispatch({ echo: 'offline finish', sleepMs: 300 });
    await eventually('started', () => stub.runStarts.length === 1);
    const offline = once(agent!, 'offline');
    await stub.stop();
    await offline;
    await eventually('result journaled while offline', () =>
      outboxRuns().length === 1 && JSON.parse(readFileSync(join(home, 'outbox', `${message.runId}.json`), 'utf8')).state === 'finished');
    assert.equal(stub.resultsOf(message.runId).length, 0);
    await stub.start(stub.port);
    await eventually('delivered and acked', () => stub.resultsOf(message.runId).length === 1 && outboxRuns().length === 0, 5_000);
    await pause(300);
    assert.equal(stub.resultsOf(message.runId).length, 1, 'exactly once');
    assert.equal(stub.resultsOf(message.runId)[0]!.stdout, 'offline finish');
  });

  it('a duplicate dispatch of the same runId does not run it twice (running, then acknowledged)', async () => {
    await startAgent();
    const { message } = await dispatch({ sleepMs: 300 });
    await eventually('started', () => stub.runStarts.length === 1);
    assert.deepEqual(await stub.send(JobEvents.dispatch, message), [{ ok: true, accepted: false, status: 'running' }]);
    await resultOf(message.runId);
    await eventually('acked', () => outboxRuns().length === 0);
    assert.deepEqual(await stub.send(JobEvents.dispatch, message), [{ ok: true, accepted: false, status: 'succeeded' }]);
    await pause(100);
    assert.deepEqual(runLog(), [message.runId]);
    assert.equal(stub.resultsOf(message.runId).length, 1);
  });

  it('job.cancel ends a run as cancelled; timeoutSeconds ends one as timed_out; unknown ids are found:false', async () => {
    await startAgent();
    const cancelled = await dispatch({ sleepMs: 10_000 });
    await eventually('started', () => stub.runStarts.length === 1);
    assert.deepEqual(await stub.send(JobEvents.cancel, { runId: cancelled.message.runId }), [{ ok: true, found: true }]);
    const c = await resultOf(cancelled.message.runId);
    assert.deepEqual({ status: c.status, exitCode: c.exitCode }, { status: 'cancelled', exitCode: null });

    const timed = await dispatch({ sleepMs: 10_000 }, { timeoutSeconds: 1 });
    const t = await resultOf(timed.message.runId);
    assert.deepEqual({ status: t.status, error: t.error }, { status: 'timed_out', error: 'timed out after 1 s' });
    const [unknown] = await stub.send(JobEvents.cancel, { runId: '00000000-0000-4000-8000-000000000000' });
    assert.deepEqual(unknown, { ok: true, found: false });
  });

  it('caps output at 1 MiB on a UTF-8 boundary with the marker; live chunks add up to the result', async () => {
    await startAgent();
    const line = `${'€'.repeat(1_000)}\n`; // 3,001 bytes
    const { message } = await dispatch({ repeat: { text: line, times: 400 } }); // ~1.2 MB
    const result = await resultOf(message.runId);
    assert.equal(result.stdoutTruncated, true);
    assert.equal(result.stderrTruncated, false);
    assert.ok(result.stdout.endsWith(TRUNCATION_MARKER));
    const kept = result.stdout.slice(0, -TRUNCATION_MARKER.length);
    const keptBytes = Buffer.byteLength(kept, 'utf8');
    assert.ok(keptBytes <= MAX_STREAM_BYTES && keptBytes > MAX_STREAM_BYTES - 3, `kept ${keptBytes} bytes`);
    assert.ok(!kept.includes('\ufffd') && kept.endsWith('€'), 'cut between characters');
    await eventually('all chunks', () => stub.outputOf(message.runId).map((c) => c.data).join('').length === result.stdout.length);
    const chunks = stub.outputOf(message.runId);
    assert.equal(chunks.map((c) => c.data).join(''), result.stdout);
    assert.ok(chunks.length < 100, `coalesced into ${chunks.length} chunks, not 400 writes`);
  });

  it('an unknown, disabled or job-less role gets a failed result without running anything', async () => {
    await startAgent();
    const unknown = await stub.dispatchJob({ role: 'no_such_role' });
    assert.deepEqual(unknown.acks, [{ ok: true, accepted: true }]);
    const jobless = await stub.dispatchJob({ role: NO_JOBS_ROLE });
    await stub.sendConfig({ revision: 2, heartbeatIntervalMs: 1_000, roles: { [JOB_TEST_ROLE]: { enabled: false } } });
    const disabled = await dispatch({ echo: 'never' });
    for (const [run, role] of [[unknown, 'no_such_role'], [jobless, NO_JOBS_ROLE], [disabled, JOB_TEST_ROLE]] as const) {
      const result = await resultOf(run.message.runId);
      assert.deepEqual(
        { status: result.status, exitCode: result.exitCode, error: result.error, startedAt: result.startedAt },
        { status: 'failed', exitCode: null, error: `role ${role} is not available on this agent`, startedAt: null },
      );
    }
    assert.deepEqual(runLog(), []);
    await eventually('outbox empty', () => outboxRuns().length === 0);
  });

  it('a malformed job.dispatch is answered bad_message and nothing runs', async () => {
    await startAgent();
    const [ack] = (await stub.send(JobEvents.dispatch, { runId: 'not-a-uuid', role: JOB_TEST_ROLE })) as { ok: boolean; code: string }[];
    assert.deepEqual({ ok: ack?.ok, code: ack?.code }, { ok: false, code: 'bad_message' });
    assert.deepEqual(runLog(), []);
    assert.equal(agent!.state, 'online');
  });

  it('stopping the agent mid-run reports "agent stopped during the run" before disconnecting', async () => {
    await startAgent();
    const { message } = await dispatch({ sleepMs: 10_000 });
    await eventually('started', () => stub.runStarts.length === 1);
    const t0 = Date.now();
    await agent!.stop();
    assert.ok(Date.now() - t0 < 3_000);
    const result = await resultOf(message.runId);
    assert.deepEqual({ status: result.status, error: result.error }, { status: 'failed', error: 'agent stopped during the run' });
    assert.deepEqual(outboxRuns(), [], 'acked before the socket closed');
  });
});
