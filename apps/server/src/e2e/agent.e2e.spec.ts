import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { AgentProcess } from '../testing/agent-process';
import { testEngines } from '../testing/databases';
import { TestServer, waitFor } from '../testing/server-process';

interface Device {
  id: string;
  online: boolean;
  lastSeen: string | null;
  roles: { name: string; status: string; configRevision: number }[];
  metrics?: Record<string, number>;
}

// Real server process + real agent processes (the CLI that `npm run agent` runs).
for (const engine of testEngines()) {
  describe(`real agent against the real server (${engine})`, () => {
    let server: TestServer;
    const agents: AgentProcess[] = [];
    const devices = async (): Promise<Device[]> => (await server.api('GET', '/api/devices')).body.items;
    const device = async (id: string): Promise<Device> => (await server.api('GET', `/api/devices/${id}`)).body;
    const onlineAgent = async (hostnameHint?: string): Promise<{ agent: AgentProcess; id: string; ms: number; token: string }> => {
      const known = new Set((await devices()).map((d) => d.id));
      const token = await server.enrollmentToken({ maxUses: 1 });
      const agent = new AgentProcess(server.url).start(token);
      agents.push(agent);
      let id = '';
      const ms = await waitFor(async () => {
        const fresh = (await devices()).find((d) => !known.has(d.id) && d.online);
        id = fresh?.id ?? '';
        return Boolean(fresh);
      }, 15_000, () => `agent ${hostnameHint ?? ''} not online:\n${agent.output.slice(-2000)}`);
      return { agent, id, ms, token };
    };

    before(async () => {
      server = await TestServer.start({ engine, env: { BOREALIS_HEARTBEAT_INTERVAL_SECONDS: '1', BOREALIS_LASTSEEN_FLUSH_SECONDS: '0.5' } });
    });
    after(async () => {
      for (const agent of agents) await agent.dispose();
      await server?.stop();
    });

    it('enrolls on first run, comes online, reports its roles and metrics, keeps its secret 0600', async () => {
      const { agent, id, ms, token } = await onlineAgent();
      assert.ok(ms < 10_000, `online after ${ms} ms`);
      assert.equal(statSync(join(agent.home, 'credentials.json')).mode & 0o777, 0o600);
      await waitFor(async () => (await device(id)).metrics?.cpuPct !== undefined, 5000);
      const shown = await device(id);
      const role = shown.roles.find((r) => r.name === 'heartbeat_metrics');
      assert.ok(role, 'heartbeat_metrics role reported');
      assert.ok('loadAvg1' in (shown.metrics ?? {}), 'role metrics merged into heartbeats');
      const { secret } = JSON.parse(readFileSync(join(agent.home, 'credentials.json'), 'utf8')) as { secret: string };
      const logs = readdirSync(join(agent.home, 'Logs', 'Agent')).map((f) => readFileSync(join(agent.home, 'Logs', 'Agent', f), 'utf8')).join('');
      for (const text of [agent.output, logs, server.output]) {
        assert.equal(text.includes(secret), false, 'agent secret leaked into a log');
        assert.equal(text.includes(token), false, 'enrollment token leaked into a log');
        assert.equal(text.includes(server.adminToken), false, 'admin token leaked into a log');
      }
    });

    it('applies a role config change live: onConfig runs, no reconnect', async () => {
      const { agent, id } = await onlineAgent();
      const linkSince = (await server.api('GET', `/api/devices/${id}`)).body.connectedSince;
      assert.ok(linkSince);
      const patch = await server.api('PATCH', `/api/devices/${id}`, { roles: { heartbeat_metrics: { enabled: false } } });
      assert.equal(patch.status, 200);
      await waitFor(async () => {
        const role = (await device(id)).roles.find((r) => r.name === 'heartbeat_metrics');
        return role?.status === 'stopped' && role.configRevision === patch.body.configRevision;
      }, 5000, () => JSON.stringify(agent.output.slice(-1500)));
      await waitFor(async () => !('loadAvg1' in ((await device(id)).metrics ?? {})), 5000);
      await server.api('PATCH', `/api/devices/${id}`, { roles: { heartbeat_metrics: { enabled: true, includeLoad: true } } });
      await waitFor(async () => 'loadAvg1' in ((await device(id)).metrics ?? {}), 5000);
      assert.equal((await server.api('GET', `/api/devices/${id}`)).body.connectedSince, linkSince, 'the agent did not reconnect');
    });

    it('goes offline within seconds when the agent is killed, and back with its stored credentials', async () => {
      const { agent, id } = await onlineAgent();
      agent.signal('SIGKILL');
      const took = await waitFor(async () => !(await device(id)).online, 10_000);
      assert.ok(took < 5000, `offline after ${took} ms`);
      agent.start(); // no enrollment token: the credentials on disk are enough
      await waitFor(async () => (await device(id)).online, 10_000, () => agent.output.slice(-2000));
    });

    it('stops gracefully on SIGTERM within 5 s with exit code 0', async () => {
      const { agent, id } = await onlineAgent();
      const stopped = await agent.stop('SIGTERM');
      assert.equal(stopped.code, 0, agent.output.slice(-1500));
      assert.ok(stopped.ms < 5000, `stopped in ${stopped.ms} ms`);
      await waitFor(async () => !(await device(id)).online, 5000);
    });

    it('drops a frozen agent (SIGSTOP, socket open) after the grace period and takes it back after SIGCONT', async () => {
      const { agent, id } = await onlineAgent();
      agent.signal('SIGSTOP');
      // 1 s heartbeat -> 7 s grace here; the default 30 s interval is covered by its own test.
      const took = await waitFor(async () => !(await device(id)).online, 20_000);
      assert.ok(took >= 5000, `offline after ${took} ms`);
      agent.signal('SIGCONT');
      await waitFor(async () => (await device(id)).online, 20_000, () => agent.output.slice(-2000));
    });

    it('reconnects every agent after the server is killed and restarted, with no manual step', async () => {
      await onlineAgent();
      const live = agents.filter((a) => a.running);
      await server.restart();
      const took = await waitFor(async () => {
        const list = await devices();
        return list.filter((d) => d.online).length >= live.length;
      }, 40_000, () => JSON.stringify(server.output.slice(-1500)));
      assert.ok(took < 35_000, `all back after ${took} ms`);
    });
  });
}
