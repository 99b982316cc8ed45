import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import { AgentProcess } from '../testing/agent-process';
import { TestServer, waitFor } from '../testing/server-process';

// Default settings (30 s heartbeat): a frozen agent whose TCP socket stays open must be shown
// offline within 75 s (an established RMM takes 132 s). Runs once, on SQLite: it takes ~70 s.
let server: TestServer;
let agent: AgentProcess;
before(async () => { server = await TestServer.start(); });
after(async () => {
  await agent?.dispose();
  await server?.stop();
});

it('shows a SIGSTOPped agent offline within 75 s at the default heartbeat interval', { timeout: 120_000 }, async () => {
  agent = new AgentProcess(server.url).start(await server.enrollmentToken());
  let id = '';
  await waitFor(async () => {
    const online = (await server.api('GET', '/api/devices?online=true')).body.items;
    id = online[0]?.id ?? '';
    return Boolean(id);
  }, 15_000, () => agent.output.slice(-2000));
  agent.signal('SIGSTOP');
  const frozenAt = Date.now();
  await waitFor(async () => !(await server.api('GET', `/api/devices/${id}`)).body.online, 90_000, undefined, 500);
  const took = Date.now() - frozenAt;
  assert.ok(took <= 75_000, `offline after ${took} ms`);
  assert.ok(took >= 30_000, `offline after ${took} ms: too early for a 30 s heartbeat`);
});
