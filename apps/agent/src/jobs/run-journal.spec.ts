import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { ACKNOWLEDGED_FILE, AcknowledgedRuns } from './acknowledged-runs';
import { OUTBOX_DIR, RunJournal } from './run-journal';
import { failedResult, type RunRecord } from './run-record';

const logger = pino({ level: 'silent' });

function record(overrides: Partial<RunRecord> = {}): RunRecord {
  return {
    version: 1, runId: randomUUID(), jobId: randomUUID(), role: 'test_jobs', timeoutSeconds: 60,
    state: 'accepted', acceptedAt: 1_000, startedAt: null, result: null, ...overrides,
  };
}

describe('RunJournal (outbox files)', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'borealis-journal-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  it('writes one <runId>.json per run atomically, rewrites it per state, removes it', async () => {
    const journal = new RunJournal(home, logger);
    await journal.load();
    const r = record();
    const write = journal.put(r);
    assert.equal(journal.get(r.runId), r, 'in memory before the write completes');
    await write;
    const file = join(home, OUTBOX_DIR, `${r.runId}.json`);
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).state, 'accepted');
    // Writes of one run are serialized: the last state wins on disk even when issued back to back.
    void journal.put({ ...r, state: 'running', startedAt: 2_000 });
    await journal.put({ ...r, state: 'finished', startedAt: 2_000, result: failedResult(r.runId, 'x', 2_000, 3_000) });
    assert.equal(JSON.parse(readFileSync(file, 'utf8')).state, 'finished');
    assert.deepEqual(readdirSync(join(home, OUTBOX_DIR)), [`${r.runId}.json`], 'no temp file left behind');
    await journal.remove(r.runId);
    assert.equal(existsSync(file), false);
    assert.equal(journal.get(r.runId), undefined);
  });

  it('loads runs back, drops temp files of a crash mid-write, moves unreadable files aside', async () => {
    const first = new RunJournal(home, logger);
    await first.load();
    const running = record({ state: 'running', startedAt: 5 });
    const done = record({ state: 'finished', result: failedResult(randomUUID(), 'e', null, 50) });
    const fixed = { ...done, result: { ...done.result!, runId: done.runId } };
    const older = record({ state: 'finished' });
    const olderFixed = { ...older, result: failedResult(older.runId, 'e', null, 10) };
    await Promise.all([first.put(running), first.put(fixed), first.put(olderFixed)]);
    const dir = join(home, OUTBOX_DIR);
    writeFileSync(join(dir, `${randomUUID()}.json.123.1.tmp`), '{"half');
    const brokenId = randomUUID();
    writeFileSync(join(dir, `${brokenId}.json`), '{not json');

    const second = new RunJournal(home, logger);
    const loaded = await second.load();
    assert.equal(loaded.length, 3);
    assert.equal(second.get(running.runId)?.state, 'running');
    assert.deepEqual(second.pending().map((r) => r.runId), [older.runId, done.runId], 'oldest finish first');
    const files = readdirSync(dir).sort();
    assert.ok(!files.some((f) => f.endsWith('.tmp')));
    assert.ok(files.includes(`${brokenId}.json.corrupt`));
  });
});

describe('AcknowledgedRuns (bounded record of acked run ids)', () => {
  let dir: string;
  let now: number;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'borealis-acked-'));
    now = 1_000_000;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const open = (maxEntries = 3, maxAgeMs = 10_000) => new AcknowledgedRuns({ dir, now: () => now, logger, maxEntries, maxAgeMs });

  it('remembers acked runs across restarts, bounded by count and by age', async () => {
    const acked = open();
    await acked.load();
    for (const id of ['a', 'b', 'c', 'd']) await acked.add(id, 'succeeded');
    assert.equal(acked.get('a'), undefined, 'oldest dropped beyond maxEntries');
    assert.equal(acked.get('d')?.status, 'succeeded');

    const reopened = open();
    await reopened.load();
    assert.deepEqual(['a', 'b', 'c', 'd'].map((id) => reopened.get(id)?.runId), [undefined, 'b', 'c', 'd']);
    now += 20_000;
    assert.equal(reopened.get('d'), undefined, 'expired after maxAgeMs');
    const afterExpiry = open();
    await afterExpiry.load();
    assert.equal(afterExpiry.size, 0);
    assert.equal(readFileSync(join(dir, ACKNOWLEDGED_FILE), 'utf8'), '', 'compacted on load');
  });

  it('survives a torn last line and compacts the log when it doubles the bound', async () => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, ACKNOWLEDGED_FILE), `${JSON.stringify({ runId: 'x', status: 'failed', at: now })}\n{"runId":"to`);
    const acked = open(2);
    await acked.load();
    assert.equal(acked.get('x')?.status, 'failed');
    await acked.add('y', 'cancelled');
    const lines = () => readFileSync(join(dir, ACKNOWLEDGED_FILE), 'utf8').trim().split('\n');
    assert.deepEqual(lines().map((l) => JSON.parse(l).runId), ['x', 'y'], 'the torn line is gone, the new one intact');
    for (const id of ['p', 'q', 'r']) await acked.add(id, 'succeeded');
    assert.ok(lines().length <= 4, `compacted: ${lines().length} lines`);
    const reopened = open(2);
    await reopened.load();
    assert.deepEqual([reopened.get('q')?.runId, reopened.get('r')?.runId, reopened.get('p')], ['q', 'r', undefined]);
  });
});
