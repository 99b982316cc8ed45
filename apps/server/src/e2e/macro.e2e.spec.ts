import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testEngines } from '../testing/databases';
import { connectRawAgentWithRoles, type RawAgent } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

type AckFn = (answer: unknown) => void;
interface Step { type: string; text?: string; keys?: string[]; ms?: number }
const SECRET = 'hunter2-Correct-Horse';

// The server side of macros, with a bare protocol client answering as the agent's macro role.
for (const engine of testEngines()) {
  describe(`macros over REST (${engine})`, () => {
    let server: TestServer;
    let agent: RawAgent;
    /** The fake agent's answer to macro.run; a function gets the request. */
    let answer: unknown | ((request: { steps: Step[] }) => unknown);
    const agents: RawAgent[] = [];
    const run = (deviceId: string, body: unknown, token?: string) => server.api('POST', `/api/devices/${deviceId}/macro`, body, token);
    const runs = () => agent.eventsNamed('macro.run') as { steps: Step[] }[];
    /** Every step succeeds, or fails at `failAt` with the rest skipped. */
    const perStep = (failAt = -1) => (request: { steps: Step[] }) => ({
      ok: true,
      status: failAt >= 0 ? 'failed' : 'succeeded',
      steps: request.steps.map((step, index) => ({
        index, type: step.type, durationMs: 3,
        status: failAt < 0 || index < failAt ? 'succeeded' : index === failAt ? 'failed' : 'skipped',
        ...(index === failAt ? { error: 'xdotool: window vanished' } : {}),
      })),
    });

    before(async () => {
      server = await TestServer.start({ engine });
      agent = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'macro-raw', ['macro']);
      agents.push(agent);
      agent.socket.on('macro.run', (request: { steps: Step[] }, ack: AckFn) => ack(typeof answer === 'function' ? answer(request) : answer));
    });
    after(async () => {
      agents.forEach((a) => a.socket.close());
      await server?.stop();
    });

    it('runs a valid macro and answers 200 with every step, keys in canonical form', async () => {
      answer = perStep();
      const steps = [{ type: 'keys', keys: ['control', 'alt', 't'] }, { type: 'delay', ms: 50 }, { type: 'text', text: SECRET }, { type: 'keys', keys: ['Return'] }];
      const response = await run(agent.id, { steps });
      assert.equal(response.status, 200, JSON.stringify(response.body));
      assert.equal(response.body.status, 'succeeded');
      assert.deepEqual(response.body.steps.map((s: { status: string }) => s.status), ['succeeded', 'succeeded', 'succeeded', 'succeeded']);
      assert.deepEqual(runs().at(-1), {
        steps: [{ type: 'keys', keys: ['Ctrl', 'Alt', 'T'] }, { type: 'delay', ms: 50 }, { type: 'text', text: SECRET }, { type: 'keys', keys: ['Enter'] }],
      });
    });

    it('answers 200 with status failed and the failed and skipped steps when a step fails', async () => {
      answer = perStep(1);
      const response = await run(agent.id, { steps: [{ type: 'text', text: 'ab' }, { type: 'keys', keys: ['Tab'] }, { type: 'text', text: 'cd' }] });
      assert.equal(response.status, 200);
      assert.deepEqual(response.body, {
        status: 'failed',
        steps: [
          { index: 0, type: 'text', status: 'succeeded', durationMs: 3 },
          { index: 1, type: 'keys', status: 'failed', durationMs: 3, error: 'xdotool: window vanished' },
          { index: 2, type: 'text', status: 'skipped', durationMs: 3 },
        ],
      });
    });

    it('refuses an invalid macro with 400 and details, sending the agent nothing', async () => {
      const before = runs().length;
      const cases: unknown[] = [
        { steps: [{ type: 'keys', keys: ['Ctrl', 'Hyper'] }] },
        { steps: Array.from({ length: 201 }, () => ({ type: 'delay', ms: 1 })) },
        { steps: [] },
        {},
        { steps: [{ type: 'click', x: 1 }] },
        { steps: [{ type: 'text', text: '' }] },
        { steps: [{ type: 'delay', ms: 60_001 }] },
        { steps: Array.from({ length: 6 }, () => ({ type: 'delay', ms: 60_000 })) },
        { steps: [{ type: 'delay', delayMs: 5 }] },
        { steps: [{ type: 'delay', ms: 5, extra: 1 }] },
        { steps: [{ type: 'text', text: 'x' }], dryRun: true },
        [{ type: 'text', text: 'x' }],
      ];
      for (const body of cases) {
        const response = await run(agent.id, body);
        assert.equal(response.status, 400, JSON.stringify(body).slice(0, 100));
        assert.equal(response.body.code, 'validation_failed');
        assert.ok(Array.isArray(response.body.details) && response.body.details.length > 0, JSON.stringify(response.body));
      }
      const unknownKey = await run(agent.id, { steps: [{ type: 'keys', keys: ['Ctrl', 'Hyper'] }] });
      assert.deepEqual(unknownKey.body.details, [{ field: 'steps.0.keys.1', problems: ['unknown key "Hyper"'] }]);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(runs().length, before, 'no macro.run reached the agent');
    });

    it('answers 401/403 without input:send', async () => {
      assert.equal((await run(agent.id, { steps: [{ type: 'delay', ms: 1 }] }, '')).status, 401);
      const token = (await server.api('POST', '/api/tokens', { name: 'viewer', scopes: ['screen:read', 'devices:read'] })).body.token as string;
      const forbidden = await run(agent.id, { steps: [{ type: 'delay', ms: 1 }] }, token);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.code, 'missing_scope');
    });

    it('maps agent errors: 422 desktop problems, 409 offline / role missing, 502 bad acks', async () => {
      answer = { ok: false, code: 'display_locked', message: 'the session is locked' };
      const locked = await run(agent.id, { steps: [{ type: 'text', text: 'x' }] });
      assert.deepEqual([locked.status, locked.body.code, locked.body.message], [422, 'display_locked', 'the session is locked']);
      answer = { ok: false, code: 'busy', message: 'another macro is running on this agent' };
      const busy = await run(agent.id, { steps: [{ type: 'text', text: 'x' }] });
      assert.deepEqual([busy.status, busy.body.code, busy.body.message], [409, 'agent_busy', 'another macro is running on this agent']);
      answer = { ok: true, status: 'succeeded', steps: [] };
      const short = await run(agent.id, { steps: [{ type: 'text', text: 'x' }] });
      assert.deepEqual([short.status, short.body.code], [502, 'invalid_agent_answer']);
      answer = (request: { steps: Step[] }) => ({ ...perStep(0)(request), status: 'succeeded' });
      assert.equal((await run(agent.id, { steps: [{ type: 'text', text: 'x' }] })).body.code, 'invalid_agent_answer', 'status must match the steps');

      // The link closing mid-macro answers at once, not after the macro's timeout (here 30 s + 60 s).
      const dropping = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'macro-drop', ['macro']);
      agents.push(dropping);
      dropping.socket.on('macro.run', () => setTimeout(() => dropping.socket.close(), 100));
      const started = Date.now();
      const dropped = await run(dropping.id, { steps: [{ type: 'delay', ms: 60_000 }] });
      assert.deepEqual([dropped.status, dropped.body.code], [409, 'agent_disconnected']);
      assert.ok(Date.now() - started < 5000, `answered after ${Date.now() - started} ms`);

      const plain = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'macro-norole', ['screenshot']);
      agents.push(plain);
      assert.equal((await run(plain.id, { steps: [{ type: 'text', text: 'x' }] })).body.code, 'role_unavailable');
      assert.deepEqual(plain.eventsNamed('macro.run'), []);
      plain.socket.close();
      await waitFor(async () => !(await server.api('GET', `/api/devices/${plain.id}`)).body.online, 5000);
      const offline = await run(plain.id, { steps: [{ type: 'text', text: 'x' }] });
      assert.deepEqual([offline.status, offline.body.code], [409, 'agent_offline']);
    });

    it('audits every macro with its shape and text lengths, never the typed text', async () => {
      const audit = await server.api('GET', `/api/audit?action=macro.run&targetId=${agent.id}`);
      assert.equal(audit.status, 200);
      assert.equal(JSON.stringify(audit.body).includes(SECRET), false, 'typed text is not in the audit');
      assert.equal(JSON.stringify(audit.body).includes('hunter2'), false);
      const entries = audit.body as { actorType: string; details: Record<string, any> }[];
      const first = entries.find((e) => e.details.textChars === SECRET.length);
      assert.ok(first, JSON.stringify(entries.map((e) => e.details)));
      assert.equal(first.actorType, 'token');
      assert.deepEqual(first.details.steps, ['keys(Ctrl+Alt+T)', 'delay(50 ms)', `text(${SECRET.length} chars)`, 'keys(Enter)']);
      assert.deepEqual(first.details.counts, { text: 1, keys: 2, delay: 1 });
      assert.equal(first.details.outcome, 'succeeded');
      assert.ok(entries.some((e) => e.details.outcome === 'failed' && e.details.failedStep === 1));
      assert.ok(entries.some((e) => e.details.outcome === 'error' && e.details.error === 'display_locked'));
      assert.ok(entries.every((e) => e.details.outcome !== 'error' || typeof e.details.error === 'string'));
    });
  });
}
