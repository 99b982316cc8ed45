import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay, capDelay, DEFAULT_BACKOFF } from './backoff';

describe('backoffDelay (full jitter)', () => {
  const opts = DEFAULT_BACKOFF;

  it('grows the ceiling exponentially from the 1 s base', () => {
    const max = (attempt: number) => backoffDelay(attempt, opts, () => 1);
    assert.deepEqual([0, 1, 2, 3, 4].map(max), [1_000, 2_000, 4_000, 8_000, 16_000]);
  });

  it('never exceeds the 30 s cap, even for huge attempt counts', () => {
    for (const attempt of [5, 6, 10, 50, 1_000, Number.MAX_SAFE_INTEGER]) {
      assert.equal(backoffDelay(attempt, opts, () => 1), 30_000);
    }
  });

  it('scales uniformly with the random draw (full jitter)', () => {
    assert.equal(backoffDelay(3, opts, () => 0), 0);
    assert.equal(backoffDelay(3, opts, () => 0.5), 4_000);
    assert.equal(backoffDelay(3, opts, () => 0.25), 2_000);
  });

  it('treats negative attempts as the first and clamps bad random values', () => {
    assert.equal(backoffDelay(-3, opts, () => 1), 1_000);
    assert.equal(backoffDelay(2, opts, () => 7), 4_000);
    assert.equal(backoffDelay(2, opts, () => Number.NaN), 0);
  });

  it('spreads real random draws over [0, ceiling)', () => {
    const samples = Array.from({ length: 2_000 }, () => backoffDelay(10, opts));
    assert.ok(samples.every((d) => d >= 0 && d < 30_000));
    assert.ok(Math.min(...samples) < 3_000 && Math.max(...samples) > 27_000);
  });
});

describe('capDelay', () => {
  it('stays within [cap/2, cap]', () => {
    assert.equal(capDelay(DEFAULT_BACKOFF, () => 0), 15_000);
    assert.equal(capDelay(DEFAULT_BACKOFF, () => 1), 30_000);
    assert.equal(capDelay({ baseMs: 10, capMs: 200 }, () => 0.5), 150);
  });
});
