import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CrashLoopGuard, STARTS_FILE, fileStartsStore, type StartsStore } from './crash-loop-guard';

const settings = { crashLoopStarts: 3, crashLoopWindowMs: 600_000, crashLoopBaseDelayMs: 5_000, crashLoopMaxDelayMs: 60_000 };

function memoryStore(initial: number[] = []): StartsStore & { starts: number[] } {
  const store = { starts: initial, read: () => [...store.starts], write: (s: number[]) => { store.starts = [...s]; } };
  return store;
}

describe('CrashLoopGuard', () => {
  it('starts at once below the threshold, then backs off exponentially up to the cap', () => {
    let now = 1_000_000;
    const guard = new CrashLoopGuard(settings, memoryStore(), () => now);
    const delays: number[] = [];
    for (let i = 0; i < 9; i++) {
      delays.push(guard.recordStart().delayMs);
      now += 10_000; // a crash every 10 s
    }
    assert.deepEqual(delays, [0, 0, 0, 5_000, 10_000, 20_000, 40_000, 60_000, 60_000]);
  });

  it('forgets starts older than the window, so a stable agent restarts without delay', () => {
    let now = 0;
    const store = memoryStore();
    const guard = new CrashLoopGuard(settings, store, () => now);
    guard.recordStart();
    now += 1000;
    guard.recordStart();
    now += 601_000; // both are out of the window now
    assert.deepEqual(guard.recordStart(), { delayMs: 0, recentStarts: 1 });
    assert.deepEqual(store.starts, [now]);
  });

  it('persists in <home>/starts.json and treats a corrupt file as no history', () => {
    const home = mkdtempSync(join(tmpdir(), 'borealis-starts-'));
    try {
      let now = 50_000;
      const guard = new CrashLoopGuard(settings, fileStartsStore(home), () => now);
      guard.recordStart();
      now += 1;
      guard.recordStart();
      assert.deepEqual(JSON.parse(readFileSync(join(home, STARTS_FILE), 'utf8')), [50_000, 50_001]);
      writeFileSync(join(home, STARTS_FILE), '{ not json');
      now += 1;
      assert.equal(guard.recordStart().recentStarts, 1);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });
});
