import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { testEngines } from '../testing/databases';
import { TestServer } from '../testing/server-process';

for (const engine of testEngines()) {
  describe(`REST auth, tokens and enrollment (${engine})`, () => {
    let server: TestServer;
    before(async () => { server = await TestServer.start({ engine }); });
    after(async () => { await server?.stop(); });

    it('serves health and the OpenAPI document without a token', async () => {
      assert.equal((await server.api('GET', '/api/health', undefined, null)).body.status, 'ok');
      const docs = await server.api('GET', '/api/docs-json', undefined, null);
      assert.equal(docs.status, 200);
      assert.ok(docs.body.paths['/api/devices']);
    });

    it('answers 401 without or with an unknown token, 403 without the scope', async () => {
      const none = await server.api('GET', '/api/devices', undefined, null);
      assert.equal(none.status, 401);
      assert.equal(none.body.code, 'unauthorized');
      assert.equal((await server.api('GET', '/api/devices', undefined, 'brl_nope')).status, 401);
      const created = await server.api('POST', '/api/tokens', { name: 'auditor', scopes: ['audit:read'] });
      assert.equal(created.status, 201);
      const forbidden = await server.api('GET', '/api/devices', undefined, created.body.token);
      assert.equal(forbidden.status, 403);
      assert.equal(forbidden.body.code, 'missing_scope');
      assert.equal((await server.api('GET', '/api/audit', undefined, created.body.token)).status, 200);
      // Token management itself is admin-only.
      assert.equal((await server.api('GET', '/api/tokens', undefined, created.body.token)).status, 403);
    });

    it('shows a token once, stores only its hash, and refuses it once revoked', async () => {
      const created = await server.api('POST', '/api/tokens', { name: 'reader', scopes: ['devices:read'], expiresInDays: 7 });
      assert.equal(created.status, 201);
      assert.match(created.body.token, /^brl_/);
      const list = await server.api('GET', '/api/tokens');
      const listed = list.body.find((t: { id: string }) => t.id === created.body.id);
      assert.ok(listed);
      assert.equal(JSON.stringify(list.body).includes(created.body.token), false);
      assert.equal((await server.api('GET', '/api/devices', undefined, created.body.token)).status, 200);
      assert.equal((await server.api('DELETE', `/api/tokens/${created.body.id}`)).status, 204);
      assert.equal((await server.api('GET', '/api/devices', undefined, created.body.token)).status, 401);
      assert.equal((await server.api('DELETE', `/api/tokens/${created.body.id}`)).status, 404);
      const audit = await server.api('GET', `/api/audit?targetId=${created.body.id}`);
      assert.deepEqual(audit.body.map((e: { action: string }) => e.action).sort(), ['token.create', 'token.revoke']);
    });

    it('rejects malformed bodies with 400 {code, message, details} and changes nothing', async () => {
      const before = (await server.api('GET', '/api/tokens')).body.length;
      const cases: [unknown, string][] = [
        [{ name: 'x', scopes: ['root'] }, 'validation_failed'],
        [{ name: 'x', scopes: ['admin'], extra: true }, 'validation_failed'],
        [{ name: '', scopes: ['admin'] }, 'validation_failed'],
        [{ name: 'x', scopes: [], expiresInDays: -1 }, 'validation_failed'],
        ['{"name": "x", ', 'bad_request'],
      ];
      for (const [body, code] of cases) {
        const response = await server.api('POST', '/api/tokens', body);
        assert.equal(response.status, 400, JSON.stringify(body));
        assert.equal(response.body.code, code);
        assert.equal(typeof response.body.message, 'string');
      }
      const detailed = await server.api('POST', '/api/tokens', { name: 'x', scopes: ['root'] });
      assert.equal(detailed.body.details[0].field, 'scopes');
      assert.equal((await server.api('GET', '/api/tokens')).body.length, before);
      assert.equal((await server.api('DELETE', '/api/tokens/not-a-uuid')).status, 400);
    });

    it('enrolls with a valid token and refuses expired, used-up, revoked and unknown ones', async () => {
      const enroll = (token: string) => server.api('POST', '/api/agents/enroll', { enrollmentToken: token, hostname: 'e2e', os: 'linux', arch: 'x64' }, null);
      const good = await server.enrollmentToken({ label: 'e2e', maxUses: 1 });
      const first = await enroll(good);
      assert.equal(first.status, 201);
      assert.match(first.body.secret, /^bra_/);
      const usedUp = await enroll(good);
      assert.equal(usedUp.status, 410);
      assert.equal(usedUp.body.code, 'enrollment_token_exhausted');

      const shortLived = await server.enrollmentToken({ expiresInSeconds: 1 });
      await new Promise((r) => setTimeout(r, 1100));
      const expired = await enroll(shortLived);
      assert.equal(expired.status, 410);
      assert.equal(expired.body.code, 'enrollment_token_expired');

      const created = await server.api('POST', '/api/enrollment-tokens', {});
      assert.equal((await server.api('DELETE', `/api/enrollment-tokens/${created.body.id}`)).status, 204);
      const revoked = await enroll(created.body.token);
      assert.equal(revoked.status, 401);
      assert.equal(revoked.body.code, 'enrollment_token_invalid');
      assert.equal((await enroll('bre_unknown')).status, 401);

      const missing = await server.api('POST', '/api/agents/enroll', { enrollmentToken: good }, null);
      assert.equal(missing.status, 400);
      assert.equal(missing.body.code, 'validation_failed');

      const devices = await server.api('GET', '/api/devices');
      assert.equal(devices.body.total, 1, 'only the one valid enrollment created a device');
      const actions = (await server.api('GET', '/api/audit?limit=1000')).body.map((e: { action: string }) => e.action);
      for (const action of ['enrollment_token.create', 'enrollment_token.revoke', 'agent.enroll']) assert.ok(actions.includes(action), action);
    });

    it('counts enrollment uses atomically under concurrency', async () => {
      const token = await server.enrollmentToken({ maxUses: 5 });
      const attempts = await Promise.all(Array.from({ length: 20 }, (_, i) =>
        server.api('POST', '/api/agents/enroll', { enrollmentToken: token, hostname: `race-${i}`, os: 'linux', arch: 'x64' }, null)));
      assert.equal(attempts.filter((a) => a.status === 201).length, 5);
      assert.equal(attempts.filter((a) => a.status === 410).length, 15);
    });

    it('protects /metrics and reports agent gauges', async () => {
      assert.equal((await server.api('GET', '/metrics', undefined, null)).status, 401);
      const metrics = await server.api('GET', '/metrics');
      assert.equal(metrics.status, 200);
      assert.match(metrics.body, /borealis_agents_connected \d+/);
      assert.match(metrics.body, /nodejs_eventloop_lag_seconds/);
      assert.match(metrics.body, /process_resident_memory_bytes/);
    });
  });
}
