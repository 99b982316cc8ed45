import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { JobDispatchMessage, RunResultMessage } from '@borealis/protocol';
import type { RoleAck, RoleJob, RoleJobOutcome } from '@borealis/roles';
import { realTimers } from '../timers';
import { eventually } from '../testing/protocol-stub-server';
import { JobRunner, RESTARTED_ERROR, type JobTransport } from './job-runner';
import { RunJournal } from './run-journal';

type RunJobFn = (job: RoleJob) => Promise<RoleJobOutcome>;

/** Plays the server: records what the runner sends, answers acks with `answer`. */
class FakeServer implements JobTransport {
  readonly sent: { event: string; payload: unknown }[] = [];
  answer: (event: string, payload: unknown) => RoleAck | Promise<RoleAck> = () => ({ ok: true });
  emitWithAck(event: string, payload: unknown): Promise<RoleAck> {
    this.sent.push({ event, payload });
    return Promise.resolve(this.answer(event, payload));
  }
  emit(event: string, payload: unknown): void {
    this.sent.push({ event, payload });
  }
  results(runId?: string): RunResultMessage[] {
    return this.sent.filter((s) => s.event === 'run.result').map((s) => s.payload as RunResultMessage)
      .filter((r) => !runId || r.runId === runId);
  }
}

describe('JobRunner (unit, fake server)', () => {
  let home: string;
  let server: FakeServer;
  let roleSignal: AbortController;
  let roles: Map<string, RunJobFn>;
  const runners: JobRunner[] = [];

  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'borealis-jobs-'));
    server = new FakeServer();
    roleSignal = new AbortController();
    roles = new Map();
  });
  afterEach(async () => {
    await Promise.all(runners.splice(0).map((r) => r.stop()));
    rmSync(home, { recursive: true, force: true });
  });

  async function runner(tuning = {}): Promise<JobRunner> {
    const r = new JobRunner({
      home, logger: pino({ level: 'silent' }), timers: realTimers, transport: server,
      roles: { jobTarget: async (name) => (roles.has(name) ? { runJob: roles.get(name)!, signal: roleSignal.signal } : undefined) },
      tuning: { outputFlushMs: 10, stopGraceMs: 300, stopAckWaitMs: 200, resultRetryMs: 100, ...tuning },
    });
    runners.push(r);
    await r.load();
    r.setOnline(true);
    return r;
  }
  const dispatchOf = (overrides: Partial<JobDispatchMessage> = {}): JobDispatchMessage => ({
    runId: randomUUID(), jobId: randomUUID(), role: 'r', payload: {}, timeoutSeconds: 30, ...overrides,
  });
  const resultOf = (runId: string) => eventually(`result of ${runId}`, () => server.results(runId)[0]);
  const outboxFiles = () => readdirSync(join(home, 'outbox')).filter((f) => f.endsWith('.json'));

  it('maps how runJob ended to a status: exit 0, exit 3, error, throw, no outcome', async () => {
    const jobs = await runner();
    const cases: [RunJobFn, string, number | null, string | null][] = [
      [async () => ({ exitCode: 0 }), 'succeeded', 0, null],
      [async () => ({ exitCode: 3 }), 'failed', 3, null],
      [async () => ({ exitCode: null, error: 'system context unavailable' }), 'failed', null, 'system context unavailable'],
      [() => { throw new Error('boom'); }, 'failed', null, 'boom'],
      [async () => undefined as unknown as RoleJobOutcome, 'failed', null, 'role returned no outcome'],
    ];
    for (const [fn, status, exitCode, error] of cases) {
      roles.set('r', fn);
      const d = dispatchOf();
      assert.deepEqual(await jobs.dispatch(d), { ok: true, accepted: true });
      const result = await resultOf(d.runId);
      assert.deepEqual({ status: result.status, exitCode: result.exitCode, error: result.error }, { status, exitCode, error });
    }
    await eventually('outbox empty after acks', () => outboxFiles().length === 0);
  });

  it('cancel aborts with reason cancelled; unknown run ids are found:false; a bad cancel is bad_message', async () => {
    const jobs = await runner();
    let reason: unknown;
    roles.set('r', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => {
      reason = job.signal.reason;
      resolve({ exitCode: null });
    })));
    const d = dispatchOf();
    await jobs.dispatch(d);
    assert.deepEqual(jobs.cancel({ runId: d.runId }), { ok: true, found: true });
    const result = await resultOf(d.runId);
    assert.equal(reason, 'cancelled');
    assert.equal(result.status, 'cancelled');
    assert.deepEqual(jobs.cancel({ runId: randomUUID() }), { ok: true, found: false });
    assert.equal((jobs.cancel({ runId: 'nope' }) as { code: string }).code, 'bad_message');
  });

  it('times out after timeoutSeconds with reason timed_out', async () => {
    const jobs = await runner();
    roles.set('r', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => resolve({ exitCode: 137 }))));
    const d = dispatchOf({ timeoutSeconds: 1 });
    const t0 = Date.now();
    await jobs.dispatch(d);
    const result = await resultOf(d.runId);
    assert.equal(result.status, 'timed_out');
    assert.equal(result.exitCode, 137);
    assert.ok(Date.now() - t0 >= 950);
  });

  it('finishes a run whose role ignores the abort after abortGraceMs', async () => {
    const jobs = await runner({ abortGraceMs: 100 });
    roles.set('r', () => new Promise(() => undefined));
    const d = dispatchOf();
    await jobs.dispatch(d);
    jobs.cancel({ runId: d.runId });
    assert.equal((await resultOf(d.runId)).status, 'cancelled');
  });

  it('a run of a role that stops fails with "role <name> stopped during the run"', async () => {
    const jobs = await runner();
    roles.set('r', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => resolve({ exitCode: null }))));
    const d = dispatchOf();
    await jobs.dispatch(d);
    roleSignal.abort();
    assert.equal((await resultOf(d.runId)).error, 'role r stopped during the run');
  });

  it('stop aborts runs (stopping), journals their results within the grace, then refuses dispatches', async () => {
    const jobs = await runner();
    roles.set('r', (job) => new Promise((resolve) => job.signal.addEventListener('abort', () => resolve({ exitCode: null }))));
    const stubborn = dispatchOf({ role: 'stubborn' });
    roles.set('stubborn', () => new Promise(() => undefined));
    const d = dispatchOf();
    await jobs.dispatch(d);
    await jobs.dispatch(stubborn);
    server.answer = () => new Promise(() => undefined); // no acks: results must stay journaled
    const t0 = Date.now();
    await jobs.stop();
    assert.ok(Date.now() - t0 < 1_000, 'bounded by the stop grace and the ack wait');
    const journal = new RunJournal(home, pino({ level: 'silent' }));
    await journal.load();
    for (const run of [d, stubborn]) {
      const result = journal.get(run.runId)?.result;
      assert.deepEqual({ status: result?.status, error: result?.error }, { status: 'failed', error: 'agent stopped during the run' });
    }
    assert.equal(((await jobs.dispatch(dispatchOf())) as { code: string }).code, 'agent_stopping');
  });

  it('keeps a result until acked: retries while online, resends on reconnect, drops it on run_not_found', async () => {
    const jobs = await runner();
    roles.set('r', async () => ({ exitCode: 0 }));
    const answers: RoleAck[] = [
      { ok: false, code: 'internal_error', message: 'not stored, retry later' },
      { ok: false, code: 'timeout', message: 'no ack' },
    ];
    server.answer = (event) => (event === 'run.result' ? answers.shift() ?? { ok: true } : { ok: true });
    const d = dispatchOf();
    await jobs.dispatch(d);
    await eventually('2 attempts', () => server.results(d.runId).length === 2);
    assert.equal(outboxFiles().length, 1, 'kept while refused');
    jobs.setOnline(false);
    jobs.setOnline(true); // a reconnect resends at once
    await eventually('acked', () => server.results(d.runId).length === 3 && outboxFiles().length === 0);

    const gone = dispatchOf();
    server.answer = (event) => (event === 'run.result' ? { ok: false, code: 'run_not_found', message: 'no such run' } : { ok: true });
    await jobs.dispatch(gone);
    await eventually('dropped', () => server.results(gone.runId).length === 1 && outboxFiles().length === 0);
  });

  it('after a restart: interrupted runs become failed results, acked ones are not run again', async () => {
    const first = await runner();
    let runs = 0;
    roles.set('r', (job) => {
      runs++;
      job.started();
      // The "process" dies with the agent below; it only ends when the abandoned runner is stopped at the end.
      return new Promise((resolve) => job.signal.addEventListener('abort', () => resolve({ exitCode: null })));
    });
    const interrupted = dispatchOf();
    await first.dispatch(interrupted);
    await eventually('run.started', () => server.sent.some((s) => s.event === 'run.started'));
    roles.set('r', async () => ({ exitCode: 0 }));
    const acked = dispatchOf();
    await first.dispatch(acked);
    await eventually('acked', () => server.results(acked.runId).length === 1 && outboxFiles().length === 1);

    // A second runner on the same home, as after a crash (the first one is simply abandoned).
    runners.splice(runners.indexOf(first), 1);
    first.setOnline(false);
    const second = await runner();
    const result = await resultOf(interrupted.runId);
    assert.equal(result.status, 'failed');
    assert.equal(result.error, RESTARTED_ERROR);
    assert.equal(typeof result.startedAt, 'number');
    assert.deepEqual(await second.dispatch(interrupted), { ok: true, accepted: false, status: 'failed' });
    assert.deepEqual(await second.dispatch(acked), { ok: true, accepted: false, status: 'succeeded' });
    assert.equal(runs, 1, 'nothing ran twice');
    await eventually('outbox empty', () => outboxFiles().length === 0);
    assert.ok(existsSync(join(home, 'outbox', 'acknowledged.jsonl')));
    await first.stop(); // only to release its timers
  });
});
