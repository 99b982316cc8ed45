import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, inventoryCollectSchema, stableInventoryView } from './inventory';

describe('inventory protocol', () => {
  it('canonicalJson sorts keys at every level and drops undefined', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [{ y: 1, x: 2 }], c: undefined } }), '{"a":{"d":[{"x":2,"y":1}]},"b":1}');
    assert.equal(canonicalJson({ a: 1, b: 2 }), canonicalJson({ b: 2, a: 1 }));
  });

  it('the stable summary view ignores uptime, memory in use and free space below a GiB', () => {
    const base = { hostname: 'h', uptimeSeconds: 5, memory: { totalBytes: 8, usedBytes: 3 }, disks: [{ mount: '/', freeBytes: 10 * 1024 ** 3 }] };
    const later = { ...base, uptimeSeconds: 900, memory: { totalBytes: 8, usedBytes: 6 }, disks: [{ mount: '/', freeBytes: 10 * 1024 ** 3 + 1000 }] };
    assert.equal(canonicalJson(stableInventoryView('summary', base)), canonicalJson(stableInventoryView('summary', later)));
    const renamed = { ...base, hostname: 'other' };
    assert.notEqual(canonicalJson(stableInventoryView('summary', base)), canonicalJson(stableInventoryView('summary', renamed)));
    const fuller = { ...base, disks: [{ mount: '/', freeBytes: 5 * 1024 ** 3 }] };
    assert.notEqual(canonicalJson(stableInventoryView('summary', base)), canonicalJson(stableInventoryView('summary', fuller)));
  });

  it('other kinds compare in full; unknown kinds are refused', () => {
    const data = { items: [{ pid: 1, cpuPercent: 1 }] };
    assert.equal(stableInventoryView('processes', data), data);
    assert.equal(inventoryCollectSchema.safeParse({ kind: 'drivers' }).success, false);
    assert.equal(inventoryCollectSchema.safeParse({ kind: 'software' }).success, true);
  });
});
