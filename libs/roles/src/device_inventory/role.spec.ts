import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { InventoryEvents, inventoryDataSchemas, type InventoryReportMessage } from '@borealis/protocol';
import { createFakeRoleContext, roleRegistry, type RoleAck } from '../core';
import { DeviceInventoryRole, intervalFromConfig } from './role';
import { RETRY_AFTER_FAILURE_MS } from './summary-reporter';
import { fakeRunner, fakeSource, manualTimers } from './test-support';

const settle = () => new Promise((r) => setImmediate(r));

function setup(options: { respond?: (event: string) => RoleAck; os?: string; commands?: Parameters<typeof fakeRunner>[0]; maxItems?: number } = {}) {
  const fake = createFakeRoleContext({ name: 'device_inventory', agent: { version: '1.2.3' }, respond: options.respond });
  const timers = manualTimers();
  const source = fakeSource();
  const runner = fakeRunner(options.commands ?? {});
  const role = new DeviceInventoryRole(fake.context, { source, runner, setTimer: timers.setTimer, clearTimer: timers.clearTimer, now: () => 1_700_000_000_000, os: options.os, maxItems: options.maxItems });
  role.registerEvents();
  return { fake, timers, source, runner, role };
}

async function tick(timers: ReturnType<typeof manualTimers>): Promise<void> {
  timers.fire();
  for (let i = 0; i < 5; i++) await settle();
}

describe('device_inventory role', () => {
  it('is registered for both contexts', () => {
    assert.deepEqual(roleRegistry.get('device_inventory')?.contexts, ['interactive', 'system']);
    assert.equal(roleRegistry.get('device_inventory')?.ctor, DeviceInventoryRole);
  });

  it('reads intervalSeconds: default 900, at least 60, non-numbers keep the default', () => {
    assert.equal(intervalFromConfig({}), 900);
    assert.equal(intervalFromConfig({ intervalSeconds: 5 }), 60);
    assert.equal(intervalFromConfig({ intervalSeconds: 120.4 }), 120);
    assert.equal(intervalFromConfig({ intervalSeconds: '30' }), 900);
  });

  it('sends a valid summary at start, then only when it changed', async () => {
    const { fake, timers, source, role } = setup();
    role.onConfig({});
    assert.equal(timers.pending[0]?.ms, 0, 'first check right away');
    await tick(timers);
    const reports = fake.emitted(InventoryEvents.report) as InventoryReportMessage[];
    assert.equal(reports.length, 1);
    assert.equal(reports[0]!.kind, 'summary');
    assert.equal(reports[0]!.collectedAt, 1_700_000_000_000);
    assert.ok(inventoryDataSchemas.summary.safeParse(reports[0]!.data).success);
    assert.equal(reports[0]!.data.agentVersion, '1.2.3');
    assert.deepEqual(reports[0]!.data.disks.map((d) => d.mount), ['/'], 'tmpfs is left out');
    assert.equal(timers.pending[0]?.ms, 900_000);

    source.state.uptime = 5000; // moves all the time: no change
    source.state.usedBytes = 4000;
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 1);

    source.state.hostname = 'host-b'; // a real change
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 2);
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 2, 'unchanged again');
  });

  it('resends after a refused or offline send, sooner than the interval', async () => {
    let accept = false;
    const { fake, timers, role } = setup({ respond: () => (accept ? { ok: true } : { ok: false, code: 'offline', message: 'not connected' }) });
    role.onConfig({ intervalSeconds: 3600 });
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 1);
    assert.equal(timers.pending[0]?.ms, RETRY_AFTER_FAILURE_MS);
    accept = true;
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 2, 'same summary sent again');
    assert.equal(timers.pending[0]?.ms, 3_600_000);
    await tick(timers);
    assert.equal(fake.emitted(InventoryEvents.report).length, 2);
  });

  it('reschedules on an interval change and stops on stopAll', async () => {
    const { timers, role } = setup();
    role.onConfig({});
    await tick(timers);
    role.onConfig({ intervalSeconds: 60 });
    assert.equal(timers.pending.length, 1);
    assert.equal(timers.pending[0]?.ms, 0);
    role.stopAll();
    assert.equal(timers.pending.length, 0);
  });

  it('answers inventory.collect for software (dpkg; removed packages left out) with collectedAt', async () => {
    const { fake } = setup({ commands: { 'dpkg-query': { lines: ['zsh\t5.9\tamd64\tii ', 'bash\t5.2.15-2\tamd64\tii ', 'old\t1.0\tamd64\trc ', 'garbage'] } } });
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'software' });
    assert.deepEqual(ack, {
      ok: true, kind: 'software', collectedAt: 1_700_000_000_000,
      data: { source: 'dpkg', items: [{ name: 'bash', version: '5.2.15-2', arch: 'amd64' }, { name: 'zsh', version: '5.9', arch: 'amd64' }], total: 2, truncated: false },
    });
  });

  it('falls back from dpkg to rpm, and says not_supported without either', async () => {
    const rpm = setup({ commands: { rpm: { lines: ['bash\t5.1.8-6.el9\tx86_64', 'gpg-pubkey\t1-2\t(none)'] } } });
    const ack = await rpm.fake.deliver(InventoryEvents.collect, { kind: 'software' }) as { ok: true; data: { source: string; items: unknown[] } };
    assert.equal(ack.data.source, 'rpm');
    assert.deepEqual(ack.data.items, [{ name: 'bash', version: '5.1.8-6.el9', arch: 'x86_64' }, { name: 'gpg-pubkey', version: '1-2' }]);
    assert.deepEqual(rpm.runner.calls.map((c) => c.file), ['dpkg-query', 'rpm']);
    const none = setup();
    const refused = await none.fake.deliver(InventoryEvents.collect, { kind: 'software' });
    assert.equal(refused.ok, false);
    assert.equal((refused as { code: string }).code, 'not_supported');
    assert.match((refused as { message: string }).message, /dpkg-query and rpm not found/);
  });

  it('caps long lists and says how many there were', async () => {
    const lines = Array.from({ length: 5 }, (_, i) => `pkg${i}\t1\tall\tii `);
    const { fake } = setup({ commands: { 'dpkg-query': { lines } }, maxItems: 3 });
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'software' }) as { ok: true; data: { items: unknown[]; total: number; truncated: boolean } };
    assert.equal(ack.data.items.length, 3);
    assert.equal(ack.data.total, 5);
    assert.equal(ack.data.truncated, true);
  });

  it('reports pending apt updates, dnf exit code 100, and not_supported without a package manager', async () => {
    const apt = setup({ commands: { 'apt-get': { lines: ['NOTE: simulation', 'Inst bash [5.2.15-2] (5.2.15-2+b7 Debian-Security:12/stable-security [amd64])', 'Conf bash (5.2.15-2+b7 Debian:12/stable [amd64])'] } } });
    const aptAck = await apt.fake.deliver(InventoryEvents.collect, { kind: 'updates' }) as { ok: true; data: { source: string; items: unknown[] } };
    assert.equal(aptAck.data.source, 'apt');
    assert.deepEqual(aptAck.data.items, [{ name: 'bash', currentVersion: '5.2.15-2', availableVersion: '5.2.15-2+b7', repository: 'Debian-Security:12/stable-security', security: true }]);
    assert.ok(apt.runner.calls[0]!.args.includes('-s'), 'simulation only');

    const dnf = setup({ commands: { dnf: { exitCode: 100, lines: ['', 'bash.x86_64   5.1.8-9.el9   baseos', 'a-very-long-package-name.noarch', '        2.0-1.el9   appstream'] } } });
    const dnfAck = await dnf.fake.deliver(InventoryEvents.collect, { kind: 'updates' }) as { ok: true; data: { source: string; items: { name: string }[] } };
    assert.equal(dnfAck.data.source, 'dnf');
    assert.deepEqual(dnfAck.data.items.map((i) => i.name), ['bash.x86_64', 'a-very-long-package-name.noarch']);

    const broken = setup({ commands: { dnf: { exitCode: 1, stderr: 'Error: cache empty' } } });
    const brokenAck = await broken.fake.deliver(InventoryEvents.collect, { kind: 'updates' });
    assert.equal((brokenAck as { code: string }).code, 'collect_failed');

    const none = setup();
    const noneAck = await none.fake.deliver(InventoryEvents.collect, { kind: 'updates' });
    assert.equal((noneAck as { code: string }).code, 'not_supported');
    assert.match((noneAck as { message: string }).message, /no supported package manager/);
    const mac = setup({ os: 'darwin' });
    assert.equal(((await mac.fake.deliver(InventoryEvents.collect, { kind: 'software' })) as { code: string }).code, 'not_supported');
  });

  it('lists processes from ps with memory in bytes', async () => {
    const { fake } = setup({ commands: { ps: { lines: ['    2  0.0     0 root     kthreadd', '  812  1.5 20480 www-data Web Content'] } } });
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'processes' }) as { ok: true; data: { items: unknown[] } };
    assert.deepEqual(ack.data.items, [
      { pid: 2, name: 'kthreadd', user: 'root', cpuPercent: 0, memoryBytes: 0 },
      { pid: 812, name: 'Web Content', user: 'www-data', cpuPercent: 1.5, memoryBytes: 20480 * 1024 },
    ]);
  });

  it('refuses an unknown kind with bad_message', async () => {
    const { fake } = setup();
    const ack = await fake.deliver(InventoryEvents.collect, { kind: 'drivers' });
    assert.equal(ack.ok, false);
    assert.equal((ack as { code: string }).code, 'bad_message');
  });

  it('shares one collection between concurrent requests of a kind', async () => {
    const { fake, runner } = setup({ commands: { 'dpkg-query': { lines: ['bash\t5\tamd64\tii '] } } });
    const [a, b] = await Promise.all([fake.deliver(InventoryEvents.collect, { kind: 'software' }), fake.deliver(InventoryEvents.collect, { kind: 'software' })]);
    assert.deepEqual(a, b);
    assert.equal(runner.calls.length, 1);
  });
});
