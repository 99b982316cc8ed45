import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Clock } from '../../common/clock';
import type { DevicesService } from '../devices/devices.service';
import type { AgentAnswer, AgentRequester } from '../devices/agent-requester';
import type { InventorySnapshotEntity } from './inventory-snapshot.entity';
import type { InventoryStore } from './inventory.store';
import { InventoryService } from './inventory.service';

/** In-memory store and scripted agent: the service's compare and error mapping without a database or socket. */
function setup(answer: AgentAnswer) {
  const rows: InventorySnapshotEntity[] = [];
  const softwareWrites: number[] = [];
  const store = {
    latest: async (deviceId: string, kind: string) => rows.filter((r) => r.deviceId === deviceId && r.kind === kind).at(-1) ?? null,
    confirm: async (id: string, at: Date) => { rows.find((r) => r.id === id)!.lastConfirmedAt = at; },
    insert: async (row: InventorySnapshotEntity, software?: readonly unknown[]) => { rows.push(row); if (software) softwareWrites.push(software.length); },
  } as unknown as InventoryStore;
  const devices = { getActive: async () => ({}) } as unknown as DevicesService;
  const agents = { request: async () => answer } as unknown as AgentRequester;
  let now = 1000;
  const clock = { now: () => new Date(now++) } as Clock;
  return { service: new InventoryService(store, devices, agents, clock), rows, softwareWrites };
}

const software = (names: string[]) => ({ source: 'dpkg', total: names.length, truncated: false, items: names.map((name) => ({ name, version: '1' })) });

describe('InventoryService', () => {
  it('stores a snapshot only when the data changed, and rewrites the software table with it', async () => {
    const { service, rows, softwareWrites } = setup({ status: 'offline' });
    assert.equal((await service.record('d1', 'software', 1, software(['bash']))).stored, true);
    const same = await service.record('d1', 'software', 2, software(['bash']));
    assert.equal(same.stored, false);
    assert.equal(same.snapshot.id, rows[0]!.id);
    assert.equal((await service.record('d1', 'software', 3, software(['bash', 'zsh']))).stored, true);
    assert.equal((await service.record('d1', 'software', 4, software(['bash']))).stored, true, 'back to an earlier state is a change too');
    assert.equal(rows.length, 3);
    assert.deepEqual(softwareWrites, [1, 2, 1]);
    assert.equal(rows[1]!.itemCount, 2);
  });

  it('applies concurrent identical reports one after another (one row)', async () => {
    const { service, rows } = setup({ status: 'offline' });
    await Promise.all([1, 2, 3].map((i) => service.record('d1', 'software', i, software(['bash']))));
    assert.equal(rows.length, 1);
  });

  it('maps agent answers to domain errors', async () => {
    const cases: [AgentAnswer, number, string][] = [
      [{ status: 'offline' }, 409, 'agent_offline'],
      [{ status: 'timeout' }, 504, 'agent_timeout'],
      [{ status: 'answered', ack: { ok: false, code: 'not_supported', message: 'no apt' } }, 422, 'not_supported'],
      [{ status: 'answered', ack: { ok: false, code: 'unknown_event', message: 'no role' } }, 409, 'role_unavailable'],
      [{ status: 'answered', ack: { ok: false, code: 'collect_failed', message: 'dpkg broke' } }, 502, 'agent_error'],
      [{ status: 'answered', ack: { ok: true, kind: 'software', collectedAt: 1, data: { items: 'all' } } }, 502, 'agent_error'],
      [{ status: 'answered', ack: { ok: true, kind: 'processes', collectedAt: 1, data: software([]) } }, 502, 'agent_error'],
    ];
    for (const [answer, status, code] of cases) {
      const { service } = setup(answer);
      await assert.rejects(service.get('d1', 'software', true), (e: { status: number; code: string }) => e.status === status && e.code === code, code);
    }
  });

  it('returns and stores a valid refresh; without refresh and nothing stored it is inventory_not_found', async () => {
    const { service, rows } = setup({ status: 'answered', ack: { ok: true, kind: 'software', collectedAt: 5, data: software(['bash']) } });
    await assert.rejects(service.get('d1', 'software', false), (e: { code: string }) => e.code === 'inventory_not_found');
    const fresh = await service.get('d1', 'software', true);
    assert.equal(fresh.refreshed, true);
    assert.equal(fresh.stored, true);
    assert.equal(fresh.snapshot.collectedAt.getTime(), 5);
    assert.equal(rows.length, 1);
  });
});
