import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { io } from 'socket.io-client';
import { testEngines } from '../testing/databases';
import { connected, connectRawAgent, enrollRaw, PROTOCOL_VERSION, validHello } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

// These suites talk to the real server with a bare protocol client, to send exactly the
// messages (good and malformed) a test needs; the real agent has its own e2e suite.
for (const engine of testEngines()) {
  describe(`agent socket protocol (${engine})`, () => {
    let server: TestServer;
    before(async () => {
      server = await TestServer.start({ engine, env: { BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '1', BOREALIS_LASTSEEN_FLUSH_SECONDS: '0.2' } });
    });
    after(async () => { await server?.stop(); });

    it('refuses sockets without credentials, with a wrong secret or an old protocol', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken());
      const cases: [Record<string, unknown> | undefined, string][] = [
        [undefined, 'protocol_mismatch'],
        [{ protocolVersion: PROTOCOL_VERSION }, 'unauthorized'],
        [{ agentId: creds.agentId, secret: 'bra_wrong', protocolVersion: PROTOCOL_VERSION }, 'unauthorized'],
        [{ agentId: 'not-an-agent', secret: creds.secret, protocolVersion: PROTOCOL_VERSION }, 'unauthorized'],
        [{ ...creds, protocolVersion: 999 }, 'protocol_mismatch'],
      ];
      for (const [auth, reason] of cases) {
        const socket = connectRawAgent(server.url, auth);
        await assert.rejects(connected(socket), (error: Error) => error.message === reason, JSON.stringify(auth));
        socket.close();
      }
      const ui = io(`${server.url}/ui`, { transports: ['websocket'], reconnection: false, forceNew: true });
      await assert.rejects(connected(ui), /unauthorized/);
      ui.close();
    });

    it('drops malformed agent messages with a bad_message ack and keeps serving', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'malformed');
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(socket);
      const early = await socket.emitWithAck('agent.heartbeat', { seq: 1, metrics: {} });
      assert.equal(early.code, 'hello_required');
      for (const bad of [null, 'text', 42, { hostname: '' }, { ...validHello(), roles: 'all' }, { ...validHello(), hostname: 'x'.repeat(300) }]) {
        const ack = await socket.emitWithAck('agent.hello', bad);
        assert.equal(ack.ok, false);
        assert.equal(ack.code, 'bad_message');
      }
      const unknown = await socket.emitWithAck('agent.format_disk', {});
      assert.equal(unknown.code, 'unknown_event');
      socket.emit('agent.hello', validHello('malformed'), 'not-a-callback'); // a non-function "ack" must not crash anything
      const hello = await socket.emitWithAck('agent.hello', validHello('malformed'));
      assert.equal(hello.ok, true);
      assert.equal(hello.deviceId, creds.agentId);
      assert.equal(hello.heartbeatIntervalMs, 1000);
      for (const bad of [{ seq: -1 }, { seq: 1, metrics: { cpu: 'high' } }, { seq: 'x' }]) {
        assert.equal((await socket.emitWithAck('agent.heartbeat', bad)).code, 'bad_message');
      }
      assert.equal((await socket.emitWithAck('agent.heartbeat', { seq: 2, metrics: { cpuPct: 3 } })).ok, true);
      assert.equal((await socket.emitWithAck('role.state', { roles: [{ name: 'Bad Name', status: 'running', configRevision: 0 }] })).code, 'bad_message');
      assert.equal((await server.api('GET', '/api/health')).status, 200);
      const device = await server.api('GET', `/api/devices/${creds.agentId}`);
      assert.equal(device.body.online, true);
      assert.equal(device.body.metrics.cpuPct, 3);
      socket.close();
    });

    it('marks a device online on hello and offline on disconnect, with lastSeen that agrees', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'presence');
      const ui = io(`${server.url}/ui`, { transports: ['websocket'], reconnection: false, forceNew: true, auth: { token: server.adminToken } });
      const uiEvents: string[] = [];
      ui.on('device.online', (e: { deviceId: string }) => e.deviceId === creds.agentId && uiEvents.push('online'));
      ui.on('device.offline', (e: { deviceId: string }) => e.deviceId === creds.agentId && uiEvents.push('offline'));
      await connected(ui);
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(socket);
      await socket.emitWithAck('agent.hello', validHello('presence'));
      await socket.emitWithAck('agent.heartbeat', { seq: 1, metrics: {} });
      const online = (await server.api('GET', `/api/devices/${creds.agentId}`)).body;
      assert.equal(online.online, true);
      assert.ok(Date.now() - Date.parse(online.lastSeen) < 5000);
      assert.equal((await server.api('GET', '/api/devices?online=true&hostname=PRESENCE')).body.total, 1);
      socket.close();
      await waitFor(async () => (await server.api('GET', `/api/devices/${creds.agentId}`)).body.online === false, 5000);
      const offline = (await server.api('GET', `/api/devices/${creds.agentId}`)).body;
      assert.ok(Date.parse(offline.lastSeen) >= Date.parse(online.lastSeen));
      await waitFor(() => uiEvents.join() === 'online,offline', 3000, () => uiEvents.join());
      ui.close();
    });

    it('drops a link whose heartbeats stop although the socket stays open', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'silent');
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(socket);
      await socket.emitWithAck('agent.hello', validHello('silent'));
      const disconnected = new Promise((resolve) => socket.once('disconnect', resolve));
      // Interval 1 s -> grace 2 x 1 s + 5 s = 7 s; no heartbeat is sent.
      const took = await waitFor(async () => (await server.api('GET', `/api/devices/${creds.agentId}`)).body.online === false, 15_000);
      await disconnected;
      assert.ok(took > 5000, `went offline after ${took} ms, before the grace period`);
    });

    it('lets a second connection of the same agent replace the first', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'twin');
      const first = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(first);
      await first.emitWithAck('agent.hello', validHello('twin'));
      const replaced = new Promise((resolve) => first.once('session.replaced', resolve));
      const firstGone = new Promise((resolve) => first.once('disconnect', resolve));
      const second = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(second);
      await second.emitWithAck('agent.hello', validHello('twin'));
      await replaced;
      await firstGone;
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await server.api('GET', `/api/devices/${creds.agentId}`)).body.online, true, 'the old link closing must not mark the device offline');
      assert.equal((await second.emitWithAck('agent.heartbeat', { seq: 1, metrics: {} })).ok, true);
      second.close();
    });

    it('pushes role config changes live and records the role state the agent reports', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'config');
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(socket);
      await socket.emitWithAck('agent.hello', validHello('config'));
      const pushed = new Promise<{ revision: number; roles: Record<string, { enabled?: boolean }> }>((resolve) => socket.once('config.update', resolve));
      const patch = await server.api('PATCH', `/api/devices/${creds.agentId}`, { tags: ['lab'], roles: { heartbeat_metrics: { enabled: false } } });
      assert.equal(patch.status, 200);
      const update = await pushed;
      assert.equal(update.revision, 1);
      assert.equal(update.roles.heartbeat_metrics.enabled, false);
      await socket.emitWithAck('role.state', { roles: [{ name: 'heartbeat_metrics', status: 'stopped', configRevision: 1 }] });
      const device = (await server.api('GET', `/api/devices/${creds.agentId}`)).body;
      assert.deepEqual(device.tags, ['lab']);
      assert.equal(device.roles[0].status, 'stopped');
      assert.equal(device.roles[0].configRevision, 1);
      assert.equal((await server.api('GET', '/api/devices?tag=lab')).body.total, 1);
      const bad = await server.api('PATCH', `/api/devices/${creds.agentId}`, { roles: { 'Bad Role': {}, heartbeat_metrics: { enabled: 'no' } } });
      assert.equal(bad.status, 400);
      assert.equal(bad.body.details.length, 2);
      assert.equal((await server.api('PATCH', `/api/devices/${creds.agentId}`, { tags: ['has space'] })).status, 400);
      assert.equal((await server.api('GET', `/api/devices/${creds.agentId}`)).body.configRevision, 1, 'rejected patches change nothing');
      socket.close();
    });

    it('revokes a deleted device: its link closes and its credentials stop working', async () => {
      const creds = await enrollRaw(server.url, await server.enrollmentToken(), 'doomed');
      const socket = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await connected(socket);
      await socket.emitWithAck('agent.hello', validHello('doomed'));
      const gone = new Promise((resolve) => socket.once('disconnect', resolve));
      assert.equal((await server.api('DELETE', `/api/devices/${creds.agentId}`)).status, 204);
      await gone;
      assert.equal((await server.api('GET', `/api/devices/${creds.agentId}`)).status, 404);
      const again = connectRawAgent(server.url, { ...creds, protocolVersion: PROTOCOL_VERSION });
      await assert.rejects(connected(again), /unauthorized/);
      again.close();
      const audit = (await server.api('GET', `/api/audit?targetId=${creds.agentId}&action=device.delete`)).body;
      assert.equal(audit.length, 1);
    });
  });
}
