/**
 * Agent transport behaviour against a PROTOCOL STUB SERVER (testing/protocol-stub-server.ts),
 * not the real control plane: real sockets on 127.0.0.1, short intervals set by the stub.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import type { RoleStateMessage } from '@borealis/protocol';
import { Role, RoleRegistry, roleRegistry, type RoleContext, type RoleInstance } from '@borealis/roles';
import { Agent, type AgentOptions } from './agent';
import { CredentialsStore } from './home/credentials-store';
import { ProtocolStubServer, eventually } from './testing/protocol-stub-server';

const TOKEN = 'enroll-token-for-tests';
const FAST = { baseMs: 20, capMs: 200 };
const heartbeatRole = (roles: RoleStateMessage['roles']) => roles.find((r) => r.name === 'heartbeat_metrics');

describe('Agent against the protocol stub server', () => {
  let stub: ProtocolStubServer;
  let home: string;
  let logLines: string[];
  const agents: Agent[] = [];

  beforeEach(async () => {
    stub = new ProtocolStubServer();
    stub.enrollmentTokens.add(TOKEN);
    stub.config = { revision: 1, heartbeatIntervalMs: 150, roles: {} };
    await stub.start();
    home = mkdtempSync(join(tmpdir(), 'borealis-agent-'));
    logLines = [];
  });

  afterEach(async () => {
    await Promise.all(agents.splice(0).map((a) => a.stop()));
    await stub.stop();
    rmSync(home, { recursive: true, force: true });
  });

  function startAgent(options: Partial<AgentOptions> = {}): Agent {
    const logger = pino({ level: 'trace' }, { write: (line: string) => void logLines.push(line) });
    const agent = new Agent({ serverUrl: stub.url, home, logger, backoff: FAST, ackTimeoutMs: 1_000, ...options });
    agents.push(agent);
    void agent.start();
    return agent;
  }

  it('enrolls on first run, says hello with its roles, heartbeats with system and role metrics', async () => {
    const agent = startAgent({ enrollmentToken: TOKEN });
    const online = await once(agent, 'online');
    assert.deepEqual(online[0], { deviceId: 'device-agent-1', revision: 1 });

    const credentials = new CredentialsStore(home).load();
    assert.equal(credentials?.agentId, 'agent-1');
    assert.equal(credentials?.serverUrl, stub.url);
    if (process.platform !== 'win32') assert.equal(statSync(join(home, 'credentials.json')).mode & 0o777, 0o600);
    assert.deepEqual(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')), { serverUrl: stub.url });

    const hello = stub.hellos[0]!.message;
    assert.equal(hello.os, { win32: 'windows' }[process.platform as string] ?? process.platform);
    assert.equal(hello.protocolVersion, 1);
    assert.equal(hello.agentVersion, '0.1.0');
    // Every shipped role is announced; more roles land over time, so only heartbeat_metrics is spelled out.
    assert.deepEqual(hello.roles, roleRegistry.descriptors());
    assert.deepEqual(hello.roles.find((r) => r.name === 'heartbeat_metrics'), { name: 'heartbeat_metrics', contexts: ['interactive', 'system'] });
    assert.deepEqual((stub.enrollRequests[0] as { os: string }).os, hello.os);

    await eventually('3 heartbeats', () => stub.heartbeats.length >= 3);
    const beats = stub.heartbeats.map((h) => h.message);
    assert.deepEqual(beats.slice(0, 3).map((b) => b.seq), [1, 2, 3]);
    for (const key of ['cpuPct', 'memUsedMb', 'memTotalMb', 'uptimeS', 'loadAvg1', 'agentRssMb']) {
      assert.equal(typeof beats[0]!.metrics[key], 'number', `metric ${key}`);
    }
    await eventually('role.state after hello', () => stub.roleStates.length >= 1);
    assert.deepEqual(heartbeatRole(stub.roleStates[0]!.message.roles), { name: 'heartbeat_metrics', status: 'running', configRevision: 1 });

    const secret = credentials!.secret;
    assert.ok(logLines.length > 0);
    assert.ok(!logLines.some((l) => l.includes(secret) || l.includes(TOKEN)), 'secrets never logged');
  });

  it('skips enrollment when credentials are on disk', async () => {
    stub.addAgent('agent-known', 'known-secret');
    new CredentialsStore(home).save({ agentId: 'agent-known', secret: 'known-secret', serverUrl: stub.url });
    const agent = startAgent();
    await once(agent, 'online');
    assert.equal(stub.enrollRequests.length, 0);
    assert.equal(agent.agentId, 'agent-known');
  });

  it('applies config.update live: heartbeat interval, disable and re-enable a role, role.state', async () => {
    stub.config = { revision: 1, heartbeatIntervalMs: 5_000, roles: {} };
    const agent = startAgent({ enrollmentToken: TOKEN });
    await once(agent, 'online');

    const acks = await stub.sendConfig({ revision: 2, heartbeatIntervalMs: 100, roles: { heartbeat_metrics: { enabled: false } } });
    assert.deepEqual(acks, [{ ok: true }]);
    const stopped = await eventually('role.state rev 2', () => stub.roleStates.find((s) => s.message.roles[0]?.configRevision === 2));
    assert.deepEqual(heartbeatRole(stopped.message.roles), { name: 'heartbeat_metrics', status: 'stopped', configRevision: 2 });
    await eventually('fast heartbeats', () => stub.heartbeats.length >= 3, 1_500); // 5 s interval would not get here
    const afterDisable = stub.heartbeats.at(-1)!.message.metrics;
    assert.ok(!('agentRssMb' in afterDisable) && !('loadAvg1' in afterDisable));
    assert.ok('cpuPct' in afterDisable);

    await stub.sendConfig({ revision: 3, heartbeatIntervalMs: 100, roles: { heartbeat_metrics: { includeLoad: false } } });
    const running = await eventually('role.state rev 3', () => stub.roleStates.find((s) => s.message.roles[0]?.configRevision === 3));
    assert.equal(heartbeatRole(running.message.roles)?.status, 'running');
    const seen = stub.heartbeats.length;
    await eventually('heartbeat after re-enable', () => stub.heartbeats.length > seen + 1);
    const afterEnable = stub.heartbeats.at(-1)!.message.metrics;
    assert.ok('agentRssMb' in afterEnable && !('loadAvg1' in afterEnable));
  });

  it('answers a malformed config.update with bad_message and keeps running', async () => {
    const agent = startAgent({ enrollmentToken: TOKEN });
    await once(agent, 'online');
    const [ack] = (await stub.sendConfig({ revision: -1, heartbeatIntervalMs: 'soon' })) as { ok: boolean; code: string }[];
    assert.equal(ack?.ok, false);
    assert.equal(ack?.code, 'bad_message');
    const [unknown] = (await stub.send('no.such.event', { x: 1 })) as { ok: boolean; code: string }[];
    assert.deepEqual({ ok: unknown?.ok, code: unknown?.code }, { ok: false, code: 'unknown_event' });
    const seen = stub.heartbeats.length;
    await eventually('heartbeats continue', () => stub.heartbeats.length >= seen + 2);
    assert.equal(agent.state, 'online');
  });

  it('reconnects with backoff after the server restarts', async () => {
    const agent = startAgent({ enrollmentToken: TOKEN });
    await once(agent, 'online');
    const offline = once(agent, 'offline');
    await stub.restart(150);
    await offline;
    await once(agent, 'online');
    assert.equal(stub.hellos.length, 2);
    assert.equal(stub.enrollRequests.length, 1, 'no re-enrollment on a plain reconnect');
    await eventually('heartbeats on the new link', () => stub.heartbeats.some((h) => h.at > Date.now() - 1_000));
  });

  it('detects a half-open link when 2 heartbeat acks time out, drops it and reconnects', async () => {
    stub.config = { revision: 1, heartbeatIntervalMs: 100, roles: {} };
    const agent = startAgent({ enrollmentToken: TOKEN });
    await once(agent, 'online');
    stub.ackHeartbeats = false;
    await once(agent, 'halfOpen');
    stub.ackHeartbeats = true;
    await once(agent, 'online');
    assert.equal(stub.hellos.length, 2);
    assert.ok(stub.disconnects.includes('client namespace disconnect'), 'the agent closed the link itself');
  });

  it('comes back quickly when the server drops the link without session.replaced', async () => {
    const agent = startAgent({ enrollmentToken: TOKEN, random: () => 1 });
    await once(agent, 'online');
    const retry = once(agent, 'retry');
    for (const socket of stub.sockets()) socket.disconnect(true);
    const [info] = await retry;
    assert.deepEqual({ reason: info.reason, delayMs: info.delayMs }, { reason: 'io server disconnect', delayMs: 20 });
    await once(agent, 'online');
  });

  it('reconnects when a heartbeat is answered hello_required', async () => {
    stub.config = { revision: 1, heartbeatIntervalMs: 100, roles: {} };
    const agent = startAgent({ enrollmentToken: TOKEN });
    await once(agent, 'online');
    stub.heartbeatAck = { ok: false, code: 'hello_required', message: 'send agent.hello first' };
    await once(agent, 'offline');
    stub.heartbeatAck = undefined;
    await once(agent, 'online');
    assert.equal(stub.hellos.length, 2);
  });

  it('re-enrolls once when the server refuses its credentials and a token is given', async () => {
    new CredentialsStore(home).save({ agentId: 'agent-forgotten', secret: 'old', serverUrl: stub.url });
    const agent = startAgent({ enrollmentToken: TOKEN });
    const [rejected] = await once(agent, 'rejected');
    assert.deepEqual(rejected, { reason: 'unauthorized', reenroll: true });
    await once(agent, 'online');
    assert.equal(agent.agentId, 'agent-1');
    assert.equal(new CredentialsStore(home).load()?.agentId, 'agent-1');
  });

  it('keeps retrying near the backoff cap when refused without a token', async () => {
    new CredentialsStore(home).save({ agentId: 'agent-revoked', secret: 'old', serverUrl: stub.url });
    const retries: number[] = [];
    const agent = startAgent({ backoff: { baseMs: 10, capMs: 100 } });
    agent.on('retry', ({ delayMs }) => retries.push(delayMs));
    await eventually('3 refusals', () => stub.refusals.length >= 3, 3_000);
    assert.ok(stub.refusals.every((r) => r === 'unauthorized'));
    assert.ok(retries.every((d) => d >= 50 && d <= 100), `delays near the cap: ${retries.join(',')}`);
    assert.equal(stub.enrollRequests.length, 0);
    assert.ok(logLines.some((l) => l.includes('server refuses this agent (unauthorized)')));
    // The server learns the agent again: it connects on the next attempt.
    stub.addAgent('agent-revoked', 'old');
    await once(agent, 'online');
  });

  it('stops with a fatal error when the first enrollment token is refused', async () => {
    const agent = startAgent({ enrollmentToken: 'wrong-token' });
    const [error] = await once(agent, 'fatal');
    assert.match((error as Error).message, /enrollment_token_invalid/);
    await eventually('stopped', () => agent.state === 'stopped');
  });

  it('waits near the cap after session.replaced instead of fighting the newer connection', async () => {
    const agent = startAgent({ enrollmentToken: TOKEN, random: () => 0 });
    await once(agent, 'online');
    const retry = once(agent, 'retry');
    for (const socket of stub.sockets()) {
      socket.emit('session.replaced', {});
      socket.disconnect(true);
    }
    const [info] = await retry;
    assert.equal(info.delayMs, 100, 'capDelay with random 0 is cap/2');
    assert.equal(info.reason, 'replaced');
  });

  it('routes server events to roles and role emits to the server; stop() stops roles and disconnects', async () => {
    const registry = new RoleRegistry();
    const stops: string[] = [];
    @Role({ name: 'echo_role', contexts: ['system'] }, registry)
    class EchoRole implements RoleInstance {
      constructor(private readonly context: RoleContext) {}
      registerEvents(): void {
        this.context.on('echo.ping', async (payload) => {
          const ack = await this.context.emit('role.state', { roles: [{ name: 'echo_role', status: 'running', configRevision: 9 }] });
          return { ok: true, echoed: payload, serverAck: ack.ok, agentId: this.context.agent.id };
        });
      }
      stopAll(): void {
        stops.push('echo_role');
      }
    }
    void EchoRole;
    const agent = startAgent({ enrollmentToken: TOKEN, registry });
    await once(agent, 'online');
    const [ack] = await stub.send('echo.ping', { n: 42 });
    assert.deepEqual(ack, { ok: true, echoed: { n: 42 }, serverAck: true, agentId: 'agent-1' });
    assert.ok(stub.roleStates.some((s) => s.message.roles[0]?.configRevision === 9));

    await agent.stop();
    assert.deepEqual(stops, ['echo_role']);
    assert.equal(agent.state, 'stopped');
    await eventually('server saw the disconnect', () => stub.disconnects.length === 1);
    assert.equal(stub.sockets().length, 0);
  });
});
