import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { HealthMonitor, type HealthProbes, type MonitorClock, type UnhealthyReport } from './health-monitor';

const MB = 1048576;
const settings = { checkIntervalMs: 10_000, eventLoopLagMs: 2_000, memoryCeilingMb: 512, sustainMs: 60_000 };

function setup() {
  const values = { lag: 5, rss: 100 * MB, resets: 0 };
  const probes: HealthProbes = {
    eventLoopLagMs: () => values.lag,
    resetEventLoopLag: () => { values.resets++; },
    rssBytes: () => values.rss,
  };
  let now = 0;
  const intervals: Array<{ fn: () => void; ms: number; cleared: boolean }> = [];
  const clock: MonitorClock = {
    now: () => now,
    setInterval: (fn, ms) => {
      const handle = { fn, ms, cleared: false, unref() {} };
      intervals.push(handle);
      return handle;
    },
    clearInterval: (h) => { (h as { cleared: boolean }).cleared = true; },
  };
  const reports: UnhealthyReport[] = [];
  const monitor = new HealthMonitor(settings, probes, clock, (r) => reports.push(r));
  /** Advances the fake clock by one interval and runs the check the timer would run. */
  const tick = (n = 1) => {
    for (let i = 0; i < n; i++) {
      now += settings.checkIntervalMs;
      for (const t of intervals) if (!t.cleared) t.fn();
    }
  };
  return { values, monitor, reports, tick, intervals };
}

describe('HealthMonitor', () => {
  it('stays quiet while lag and memory are under their limits', () => {
    const { monitor, reports, tick, values } = setup();
    monitor.start();
    tick(100);
    assert.equal(reports.length, 0);
    assert.ok(values.resets >= 100, 'the lag histogram is reset at every check');
  });

  it('fires once when the loop stays stalled for the sustain period, then stops checking', () => {
    const { monitor, reports, tick, values, intervals } = setup();
    monitor.start();
    values.lag = 3_500;
    tick(5); // 50 s over the limit: not yet
    assert.equal(reports.length, 0);
    tick(1); // 60 s
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.kind, 'event_loop_stalled');
    assert.equal(reports[0]!.sustainedMs, 60_000);
    assert.match(reports[0]!.reason, /event loop delay p99 3500 ms above 2000 ms for 60 s/);
    assert.ok(intervals[0]!.cleared);
    tick(10);
    assert.equal(reports.length, 1);
  });

  it('forgives a short stall or spike: the period restarts when a check is healthy', () => {
    const { monitor, reports, tick, values } = setup();
    monitor.start();
    for (let round = 0; round < 10; round++) {
      values.lag = 10_000;
      values.rss = 900 * MB;
      tick(4);
      values.lag = 10;
      values.rss = 100 * MB;
      tick(1);
    }
    assert.equal(reports.length, 0);
  });

  it('fires on RSS above the ceiling for the sustain period', () => {
    const { monitor, reports, tick, values } = setup();
    monitor.start();
    values.rss = 700 * MB;
    tick(6);
    assert.deepEqual(reports.map((r) => [r.kind, r.value, r.limit]), [['memory_ceiling', 700, 512]]);
    assert.match(reports[0]!.reason, /RSS 700 MB above the 512 MB ceiling for 60 s/);
  });

  it('stop() clears its timer', () => {
    const { monitor, intervals } = setup();
    monitor.start();
    monitor.start(); // idempotent
    assert.equal(intervals.length, 1);
    monitor.stop();
    assert.ok(intervals[0]!.cleared);
  });
});
