import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, it } from 'node:test';
import type { Socket } from 'socket.io-client';
import type { InventorySummary } from '@borealis/protocol';
import { AgentProcess } from '../testing/agent-process';
import { testEngines } from '../testing/databases';
import { connected, connectRawAgent, enrollRaw, PROTOCOL_VERSION, validHello } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

const summary = (host: string, uptimeSeconds = 10): InventorySummary => ({
  hostname: host, os: { platform: 'linux', distro: 'Debian', release: '12', build: '', kernel: '6.1', arch: 'x64' },
  cpu: { model: 'x', cores: 2, physicalCores: 2 }, memory: { totalBytes: 8e9, usedBytes: 1e9 + uptimeSeconds },
  disks: [], network: [], uptimeSeconds, users: [], agentVersion: 'test',
});

// A real agent on this machine (dpkg, ps, apt) plus a bare protocol client for exact reports.
for (const engine of testEngines()) {
  describe(`device inventory (${engine})`, () => {
    let server: TestServer;
    let agent: AgentProcess;
    let deviceId = '';
    const sockets: Socket[] = [];
    const inventory = (id: string, query: string) => server.api('GET', `/api/devices/${id}/inventory?${query}`);

    before(async () => {
      server = await TestServer.start({ engine });
      agent = new AgentProcess(server.url).start(await server.enrollmentToken({ maxUses: 1 }));
      await waitFor(async () => {
        deviceId = ((await server.api('GET', '/api/devices?online=true')).body.items[0]?.id as string | undefined) ?? '';
        return Boolean(deviceId);
      }, 15_000, () => agent.output.slice(-2000));
    });
    after(async () => {
      for (const socket of sockets) socket.close();
      await agent?.dispose();
      await server?.stop();
    });

    it('stores the summary the agent sends at start', async () => {
      let response = await inventory(deviceId, 'kind=summary');
      await waitFor(async () => (response = await inventory(deviceId, 'kind=summary')).status === 200, 15_000, () => JSON.stringify(response.body));
      assert.equal(response.body.kind, 'summary');
      assert.equal(response.body.refreshed, false);
      assert.equal(response.body.data.hostname, hostname());
      assert.ok(response.body.data.cpu.cores > 0);
      assert.ok(response.body.data.disks.some((d: { mount: string }) => d.mount === '/'));
      assert.ok(Date.parse(response.body.collectedAt) > 0);
      const history = await server.api('GET', `/api/devices/${deviceId}/inventory/history?kind=summary`);
      assert.equal(history.body.total, 1);
      assert.equal(history.body.items[0].data, undefined, 'no data unless asked');
    });

    it('lists installed software from dpkg (bash among it) and finds devices by software name', async () => {
      const response = await inventory(deviceId, 'kind=software&refresh=true');
      assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 500));
      assert.equal(response.body.refreshed, true);
      assert.equal(response.body.data.source, 'dpkg');
      assert.ok(response.body.data.items.some((i: { name: string }) => i.name === 'bash'));
      assert.equal(response.body.itemCount, response.body.data.items.length);
      const ids = async (software: string) => ((await server.api('GET', `/api/devices?software=${encodeURIComponent(software)}`)).body.items as { id: string }[]).map((d) => d.id);
      assert.deepEqual(await ids('bash'), [deviceId]);
      assert.deepEqual(await ids('BASH'), [deviceId]);
      assert.deepEqual(await ids('bas*'), [deviceId]);
      assert.deepEqual(await ids('ba_h'), [], 'LIKE wildcards are escaped');
      assert.deepEqual(await ids('no-such-package-x'), []);
      // The same list again is no new history entry, only a confirmation.
      const again = await inventory(deviceId, 'kind=software&refresh=true');
      assert.equal(again.body.changed, false);
      assert.equal(again.body.id, response.body.id);
      assert.ok(Date.parse(again.body.lastConfirmedAt) >= Date.parse(response.body.lastConfirmedAt));
      assert.equal((await server.api('GET', `/api/devices/${deviceId}/inventory/history?kind=software`)).body.total, 1);
    });

    it('lists processes including the agent itself', async () => {
      const response = await inventory(deviceId, 'kind=processes&refresh=true');
      assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 500));
      const self = response.body.data.items.find((p: { pid: number }) => p.pid === agent.process.pid);
      assert.ok(self, `agent pid ${agent.process.pid} not listed`);
      assert.ok(self.memoryBytes > 10 * 1024 * 1024);
      assert.equal(self.user, 'root');
    });

    it('returns pending updates as a list, or a clear not_supported', async () => {
      const response = await inventory(deviceId, 'kind=updates&refresh=true');
      if (response.status === 422) {
        assert.equal(response.body.code, 'not_supported');
        assert.ok(response.body.message.length > 10);
      } else {
        assert.equal(response.status, 200, JSON.stringify(response.body).slice(0, 500));
        assert.equal(response.body.data.source, 'apt');
        assert.ok(Array.isArray(response.body.data.items));
      }
    });

    it('refuses an unknown kind with 400 validation_failed, and an unknown device with 404', async () => {
      const bad = await inventory(deviceId, 'kind=drivers');
      assert.equal(bad.status, 400);
      assert.equal(bad.body.code, 'validation_failed');
      assert.equal((await inventory(deviceId, '')).status, 400);
      assert.equal((await inventory('00000000-0000-4000-8000-000000000000', 'kind=summary')).body.code, 'device_not_found');
    });

    it('keeps a history entry per changed summary; identical reports only confirm; offline refresh is 409, silence 504', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'raw-inventory');
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      sockets.push(socket);
      await connected(socket);
      assert.equal((await socket.emitWithAck('agent.hello', validHello('raw-inventory'))).ok, true);
      const report = (data: InventorySummary) => socket.emitWithAck('inventory.report', { kind: 'summary', collectedAt: Date.now(), data });
      assert.deepEqual(await report(summary('raw-a')), { ok: true, stored: true });
      assert.deepEqual(await report(summary('raw-a', 500)), { ok: true, stored: false }, 'uptime alone is no change');
      assert.deepEqual(await report(summary('raw-b')), { ok: true, stored: true });
      assert.equal((await report({ ...summary('x'), hostname: 42 } as unknown as InventorySummary)).code, 'bad_message');
      const history = await server.api('GET', `/api/devices/${creds.agentId}/inventory/history?kind=summary&data=true`);
      assert.equal(history.body.total, 2);
      assert.deepEqual(history.body.items.map((i: { data: InventorySummary }) => i.data.hostname), ['raw-b', 'raw-a']);

      // This client never answers inventory.collect.
      const silent = await inventory(creds.agentId, 'kind=software&refresh=true&timeoutSeconds=1');
      assert.equal(silent.status, 504);
      assert.equal(silent.body.code, 'agent_timeout');

      socket.close();
      await waitFor(async () => !(await server.api('GET', `/api/devices/${creds.agentId}`)).body.online, 5000);
      const offline = await inventory(creds.agentId, 'kind=summary&refresh=true');
      assert.equal(offline.status, 409);
      assert.equal(offline.body.code, 'agent_offline');
      const stored = await inventory(creds.agentId, 'kind=summary');
      assert.equal(stored.status, 200, 'the stored snapshot stays readable offline');
      assert.equal(stored.body.data.hostname, 'raw-b');
    });
  });
}
