import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { testEngines } from '../testing/databases';
import { connectRawAgentWithRoles, type RawAgent } from '../testing/protocol-client';
import { TestServer, waitFor } from '../testing/server-process';

type AckFn = (answer: unknown) => void;
const DISPLAYS = { width: 2560, height: 1080, displays: [
  { index: 0, x: 0, y: 0, width: 1920, height: 1080, primary: true },
  { index: 1, x: 1920, y: 0, width: 640, height: 480, primary: false },
] };

// The server side of screenshots, with a bare protocol client answering as the agent (the real
// screenshot role has its own specs; a real-agent e2e runs under Xvfb).
for (const engine of testEngines()) {
  describe(`screenshots over REST (${engine})`, () => {
    let server: TestServer;
    let agent: RawAgent;
    /** What the fake agent answers to the next screen.capture; a function gets the request. */
    let answer: unknown | ((request: Record<string, unknown>) => unknown);
    const agents: RawAgent[] = [];

    const shoot = async (deviceId: string, body: unknown, token: string | null = server.adminToken, query = '') => {
      const response = await fetch(`${server.url}/api/devices/${deviceId}/screenshot${query}`, {
        method: 'POST',
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const bytes = Buffer.from(await response.arrayBuffer());
      const json = response.headers.get('content-type')?.startsWith('application/json') ? JSON.parse(bytes.toString()) : undefined;
      return { status: response.status, headers: response.headers, bytes, json };
    };
    const captures = () => agent.eventsNamed('screen.capture') as Record<string, unknown>[];
    const tokenWith = async (scopes: string[]) => (await server.api('POST', '/api/tokens', { name: `t-${scopes.join('-')}`, scopes })).body.token as string;

    before(async () => {
      server = await TestServer.start({ engine });
      agent = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'screen-raw', ['screenshot', 'macro']);
      agents.push(agent);
      agent.socket.on('screen.info', (_payload: unknown, ack: AckFn) => ack({ ok: true, ...DISPLAYS }));
      agent.socket.on('screen.capture', (request: Record<string, unknown>, ack: AckFn) => {
        const current = answer;
        if (current === 'silence') return;
        ack(typeof current === 'function' ? current(request) : current);
      });
    });
    after(async () => {
      agents.forEach((a) => a.socket.close());
      await server?.stop();
    });

    it('returns the screen size and displays the agent reports', async () => {
      const info = await server.api('GET', `/api/devices/${agent.id}/screen`);
      assert.equal(info.status, 200, JSON.stringify(info.body));
      assert.deepEqual(info.body, DISPLAYS);
    });

    it('returns the exact PNG bytes and headers the agent answered, with the protocol defaults sent', async () => {
      const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(3000)]);
      const capturedAt = Date.UTC(2026, 10, 25, 12, 0, 0, 123);
      answer = { ok: true, format: 'png', width: 2560, height: 1080, capturedAt, data: png };
      const response = await shoot(agent.id, {});
      assert.equal(response.status, 200, response.bytes.toString().slice(0, 300));
      assert.equal(response.headers.get('content-type'), 'image/png');
      assert.equal(response.headers.get('x-image-width'), '2560');
      assert.equal(response.headers.get('x-image-height'), '1080');
      assert.equal(response.headers.get('x-captured-at'), new Date(capturedAt).toISOString());
      assert.equal(response.headers.get('cache-control'), 'no-store');
      assert.ok(response.bytes.equals(png), 'same bytes');
      assert.deepEqual(captures().at(-1), { format: 'png', quality: 80 });
    });

    it('sends display, region, format and quality through and answers JPEG as image/jpeg', async () => {
      const jpeg = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff]), randomBytes(500)]);
      answer = (request: Record<string, unknown>) => ({ ok: true, format: request.format, width: 100, height: 50, capturedAt: Date.now(), data: jpeg });
      const body = { display: 1, region: { x: 10, y: 20, width: 100, height: 50 }, format: 'jpeg', quality: 55 };
      const response = await shoot(agent.id, body);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'image/jpeg');
      assert.equal(response.headers.get('x-image-width'), '100');
      assert.ok(response.bytes.equals(jpeg));
      assert.deepEqual(captures().at(-1), body);
    });

    it('refuses a bad body with 400 validation_failed and sends the agent nothing', async () => {
      const before = captures().length;
      const bad: unknown[] = [
        { format: 'gif' }, { quality: 0 }, { quality: 101 }, { display: -1 }, { display: '1' }, { extra: true },
        { region: { x: -1, y: 0, width: 10, height: 10 } }, { region: { x: 0, y: 0, width: 0, height: 10 } },
        { region: { x: 0, y: 0, width: 10 } }, { region: { x: 0, y: 0, width: 10, height: 10, z: 1 } }, { region: 'all' },
      ];
      for (const body of bad) {
        const response = await shoot(agent.id, body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.json.code, 'validation_failed', JSON.stringify(body));
        assert.ok(Array.isArray(response.json.details) && response.json.details.length > 0);
      }
      const badId = await shoot('not-a-uuid', {});
      assert.equal(badId.status, 400);
      await new Promise((r) => setTimeout(r, 200));
      assert.equal(captures().length, before, 'no screen.capture reached the agent');
    });

    it('answers 401 without a token and 403 without screen:read', async () => {
      assert.equal((await shoot(agent.id, {}, null)).status, 401);
      const reader = await tokenWith(['devices:read', 'input:send']);
      const forbidden = await shoot(agent.id, {}, reader);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.json.code, 'missing_scope');
      assert.equal((await server.api('GET', `/api/devices/${agent.id}/screen`, undefined, reader)).status, 403);
      const screenReader = await tokenWith(['screen:read']);
      answer = { ok: true, format: 'png', width: 1, height: 1, capturedAt: Date.now(), data: Buffer.from([1]) };
      assert.equal((await shoot(agent.id, {}, screenReader)).status, 200, 'screen:read alone is enough');
    });

    it('passes the agent\'s desktop errors through: 422 with its code and message, 400 bad_region', async () => {
      const cases: [string, number][] = [
        ['display_unavailable', 422], ['display_locked', 422], ['image_too_large', 422], ['capture_failed', 422], ['bad_region', 400],
      ];
      for (const [code, status] of cases) {
        answer = { ok: false, code, message: `agent says ${code}: no DISPLAY set` };
        const response = await shoot(agent.id, { region: { x: 0, y: 0, width: 5, height: 5 } });
        assert.equal(response.status, status, code);
        assert.equal(response.json.code, code);
        assert.equal(response.json.message, `agent says ${code}: no DISPLAY set`);
      }
      answer = { ok: false, code: 'unknown_event', message: 'no running role handles "screen.capture"' };
      const stopped = await shoot(agent.id, {});
      assert.equal(stopped.status, 409);
      assert.equal(stopped.json.code, 'role_unavailable');
      answer = { ok: false, code: 'something_else', message: 'odd' };
      const odd = await shoot(agent.id, {});
      assert.equal(odd.status, 502);
      assert.equal(odd.json.code, 'agent_error');
    });

    it('answers 502 invalid_agent_answer to a malformed ack and keeps serving', async () => {
      const malformed: unknown[] = [
        { ok: true, format: 'png', width: 1, height: 1, capturedAt: Date.now(), data: 'aGVsbG8=' },
        { ok: true, format: 'bmp', width: 1, height: 1, capturedAt: Date.now(), data: Buffer.from([1]) },
        { ok: true, format: 'png', width: 0, height: 1, capturedAt: Date.now(), data: Buffer.from([1]) },
        { ok: true, format: 'png', width: 1, height: 1, capturedAt: Date.now(), data: Buffer.alloc(0) },
        null, 'yes', { ok: 'true' }, { ok: false },
      ];
      for (const ack of malformed) {
        answer = ack;
        const response = await shoot(agent.id, {});
        assert.equal(response.status, 502, JSON.stringify(ack));
        assert.equal(response.json.code, 'invalid_agent_answer', JSON.stringify(ack));
      }
      assert.equal((await server.api('GET', '/api/health', undefined, null)).status, 200);
    });

    it('answers 504 agent_timeout when the agent stays silent', async () => {
      answer = 'silence';
      const started = Date.now();
      const response = await shoot(agent.id, {}, server.adminToken, '?timeoutSeconds=1');
      assert.equal(response.status, 504);
      assert.equal(response.json.code, 'agent_timeout');
      assert.ok(Date.now() - started < 5000);
    });

    it('answers 409 role_unavailable for a device without the screenshot role, sending it nothing', async () => {
      const plain = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'no-screen', ['heartbeat_metrics']);
      agents.push(plain);
      const response = await shoot(plain.id, {});
      assert.equal(response.status, 409);
      assert.equal(response.json.code, 'role_unavailable');
      assert.equal((await server.api('GET', `/api/devices/${plain.id}/screen`)).body.code, 'role_unavailable');
      assert.deepEqual(plain.eventsNamed('screen.capture'), []);
    });

    it('answers 409 agent_offline for a disconnected device and 404 for an unknown one', async () => {
      const gone = await connectRawAgentWithRoles(server.url, await server.enrollmentToken(), 'gone', ['screenshot']);
      gone.socket.close();
      await waitFor(async () => !(await server.api('GET', `/api/devices/${gone.id}`)).body.online, 5000);
      const response = await shoot(gone.id, {});
      assert.equal(response.status, 409);
      assert.equal(response.json.code, 'agent_offline');
      const unknown = await shoot('00000000-0000-4000-8000-000000000000', {});
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, 'device_not_found');
    });

    it('audits every capture attempt with who, what and the outcome', async () => {
      const audit = await server.api('GET', `/api/audit?action=screen.capture&targetId=${agent.id}&limit=1000`);
      assert.equal(audit.status, 200);
      const entries = audit.body as { actorType: string; actorName: string; details: Record<string, unknown> }[];
      const succeeded = entries.filter((e) => e.details.outcome === 'succeeded');
      const failed = entries.filter((e) => e.details.outcome === 'failed');
      assert.ok(succeeded.length >= 3, `${succeeded.length} successful captures audited`);
      const jpeg = succeeded.find((e) => e.details.format === 'jpeg');
      assert.deepEqual(
        { display: jpeg?.details.display, region: jpeg?.details.region, quality: jpeg?.details.quality, bytes: jpeg?.details.bytes },
        { display: 1, region: { x: 10, y: 20, width: 100, height: 50 }, quality: 55, bytes: 503 },
      );
      assert.ok(succeeded.every((e) => e.actorType === 'token' && typeof e.details.bytes === 'number'));
      assert.ok(succeeded.some((e) => e.actorName === 't-screen:read'));
      for (const code of ['display_unavailable', 'bad_region', 'agent_timeout', 'invalid_agent_answer', 'role_unavailable']) {
        assert.ok(failed.some((e) => e.details.error === code), `failure ${code} audited`);
      }
      // Refused requests (400, 401, 403) never reached a device and are not captures.
      assert.ok(entries.every((e) => e.details.error !== 'validation_failed'));
    });
  });
}
