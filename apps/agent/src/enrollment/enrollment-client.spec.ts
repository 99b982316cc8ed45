import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EnrollmentClient, EnrollmentError, type FetchLike } from './enrollment-client';

const request = { enrollmentToken: 'tok', hostname: 'h', os: 'linux', arch: 'x64' };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

describe('EnrollmentClient', () => {
  it('POSTs JSON to /api/agents/enroll and returns the credentials', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    const fetch: FetchLike = async (url, init) => {
      calls.push({ url, init });
      return json(201, { agentId: 'a1', secret: 's1' });
    };
    const result = await new EnrollmentClient({ fetch }).enroll('http://srv.example', request);
    assert.deepEqual(result, { agentId: 'a1', secret: 's1' });
    assert.equal(calls[0]?.url, 'http://srv.example/api/agents/enroll');
    assert.equal(calls[0]?.init.method, 'POST');
    assert.deepEqual(JSON.parse(String(calls[0]?.init.body)), request);
  });

  for (const [status, code] of [[401, 'enrollment_token_invalid'], [410, 'enrollment_token_expired'], [410, 'enrollment_token_exhausted']] as const) {
    it(`maps ${status} ${code} to a non-retryable EnrollmentError`, async () => {
      const fetch: FetchLike = async () => json(status, { code, message: 'nope', details: {} });
      await assert.rejects(new EnrollmentClient({ fetch }).enroll('http://x', request), (err: unknown) => {
        assert.ok(err instanceof EnrollmentError);
        assert.equal(err.code, code);
        assert.equal(err.status, status);
        assert.equal(err.retryable, false);
        return true;
      });
    });
  }

  it('marks network failures and 5xx as retryable', async () => {
    const down: FetchLike = async () => {
      throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
    };
    await assert.rejects(new EnrollmentClient({ fetch: down }).enroll('http://x', request), (err: unknown) => {
      assert.ok(err instanceof EnrollmentError && err.retryable && err.code === 'network_error');
      assert.match(err.message, /ECONNREFUSED/);
      return true;
    });
    const failing: FetchLike = async () => new Response('oops', { status: 503, statusText: 'Service Unavailable' });
    await assert.rejects(new EnrollmentClient({ fetch: failing }).enroll('http://x', request), (err: unknown) => {
      assert.ok(err instanceof EnrollmentError && err.retryable && err.code === 'http_503');
      return true;
    });
  });

  it('rejects a 201 without credentials', async () => {
    const fetch: FetchLike = async () => json(201, { agentId: 'a1' });
    await assert.rejects(new EnrollmentClient({ fetch }).enroll('http://x', request), /lacks agentId\/secret/);
  });
});
