import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createFakeRoleContext, roleRegistry } from '../core';
import { HeartbeatMetricsRole } from './role';

describe('heartbeat_metrics role', () => {
  it('is registered for both contexts', () => {
    assert.deepEqual(roleRegistry.get('heartbeat_metrics')?.contexts, ['interactive', 'system']);
    assert.equal(roleRegistry.get('heartbeat_metrics')?.ctor, HeartbeatMetricsRole);
  });

  it('reports loadAvg1 and agentRssMb by default', () => {
    const fake = createFakeRoleContext({ name: 'heartbeat_metrics' });
    const role = new HeartbeatMetricsRole(fake.context);
    role.onConfig({});
    const metrics = role.collectMetrics();
    assert.deepEqual(Object.keys(metrics).sort(), ['agentRssMb', 'loadAvg1']);
    assert.ok(metrics.agentRssMb! > 0);
    assert.ok(Number.isFinite(metrics.loadAvg1));
  });

  it('drops loadAvg1 when includeLoad is false and brings it back live', () => {
    const fake = createFakeRoleContext({ name: 'heartbeat_metrics' });
    const role = new HeartbeatMetricsRole(fake.context);
    role.onConfig({ includeLoad: false });
    assert.deepEqual(Object.keys(role.collectMetrics()), ['agentRssMb']);
    role.onConfig({ includeLoad: true });
    assert.ok('loadAvg1' in role.collectMetrics());
    assert.ok(fake.logs.some((l) => l.msg === 'heartbeat_metrics settings changed'));
  });

  it('ignores a non-boolean includeLoad instead of dropping metrics', () => {
    const role = new HeartbeatMetricsRole(createFakeRoleContext().context);
    role.onConfig({ includeLoad: 'no' });
    assert.ok('loadAvg1' in role.collectMetrics());
  });

  it('emits nothing on its own', () => {
    const fake = createFakeRoleContext();
    const role = new HeartbeatMetricsRole(fake.context);
    role.onConfig({});
    role.collectMetrics();
    assert.equal(fake.emits.length, 0);
  });
});
