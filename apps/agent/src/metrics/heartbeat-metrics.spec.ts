import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mergeHeartbeatMetrics } from './heartbeat-metrics';
import { SystemMetricsSampler } from './system-metrics';

describe('heartbeat metrics', () => {
  it('merges role metrics after system metrics without shadowing them', () => {
    assert.deepEqual(mergeHeartbeatMetrics({ cpuPct: 5, uptimeS: 9 }, { cpuPct: 99, loadAvg1: 0.5 }), {
      cpuPct: 5, uptimeS: 9, loadAvg1: 0.5,
    });
  });

  it('caps the total at 64 metrics', () => {
    const roles = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}`, i]));
    assert.equal(Object.keys(mergeHeartbeatMetrics({ cpuPct: 1 }, roles)).length, 64);
  });

  it('samples plausible system metrics', () => {
    const sampler = new SystemMetricsSampler();
    const m = sampler.sample();
    assert.ok(m.cpuPct >= 0 && m.cpuPct <= 100);
    assert.ok(m.memTotalMb > 0 && m.memUsedMb > 0 && m.memUsedMb <= m.memTotalMb);
    assert.ok(Number.isInteger(m.uptimeS) && m.uptimeS > 0);
    const again = sampler.sample();
    assert.ok(again.cpuPct >= 0 && again.cpuPct <= 100);
  });
});
