import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTimers } from '../testing/fake-timers';
import { HeartbeatScheduler, type BeatResult } from './heartbeat-scheduler';

function setup(results: BeatResult[] = [], intervalMs = 1_000) {
  const timers = new FakeTimers();
  const beats: { seq: number; timeoutMs: number; at: number }[] = [];
  let halfOpen = 0;
  const scheduler = new HeartbeatScheduler({
    timers,
    intervalMs,
    beat: async (seq, timeoutMs) => {
      beats.push({ seq, timeoutMs, at: timers.now() });
      return results.shift() ?? 'acked';
    },
    onHalfOpen: () => halfOpen++,
  });
  return { timers, beats, scheduler, halfOpen: () => halfOpen };
}

describe('HeartbeatScheduler', () => {
  it('beats every interval with increasing seq, first one after one interval', async () => {
    const { timers, beats, scheduler } = setup();
    scheduler.start();
    await timers.advance(3_500);
    assert.deepEqual(beats.map((b) => [b.seq, b.at]), [[1, 1_000], [2, 2_000], [3, 3_000]]);
    scheduler.stop();
    await timers.advance(5_000);
    assert.equal(beats.length, 3);
  });

  it('uses min(10 s, interval) as the ack timeout', () => {
    assert.equal(setup([], 1_000).scheduler.timeoutMs, 1_000);
    assert.equal(setup([], 30_000).scheduler.timeoutMs, 10_000);
  });

  it('reschedules on a new interval from now', async () => {
    const { timers, beats, scheduler } = setup();
    scheduler.start();
    await timers.advance(1_500);
    scheduler.setInterval(200);
    await timers.advance(450);
    assert.deepEqual(beats.map((b) => b.at), [1_000, 1_700, 1_900]);
    assert.equal(beats[2]?.timeoutMs, 200);
  });

  it('declares the link half-open after 2 consecutive timeouts and stops', async () => {
    const { timers, beats, scheduler, halfOpen } = setup(['timeout', 'acked', 'timeout', 'timeout']);
    scheduler.start();
    await timers.advance(10_000);
    assert.equal(halfOpen(), 1);
    assert.equal(beats.length, 4, 'no beat after half-open');
  });

  it('counts a rejected beat as a timeout and a refused ack as alive', async () => {
    const timers = new FakeTimers();
    let halfOpen = 0;
    let n = 0;
    const scheduler = new HeartbeatScheduler({
      timers,
      intervalMs: 100,
      beat: async () => {
        n += 1;
        if (n <= 2) return 'refused';
        throw new Error('socket gone');
      },
      onHalfOpen: () => halfOpen++,
    });
    scheduler.start();
    await timers.advance(250);
    assert.equal(halfOpen, 0);
    await timers.advance(200);
    assert.equal(halfOpen, 1);
  });
});
