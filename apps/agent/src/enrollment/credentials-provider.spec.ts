import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { AgentFatalError } from '../agent-fatal-error';
import { CredentialsStore } from '../home/credentials-store';
import { realTimers } from '../timers';
import { CredentialsProvider } from './credentials-provider';
import { EnrollmentClient, type FetchLike } from './enrollment-client';

const SERVER = 'http://srv.example';

describe('CredentialsProvider', () => {
  let home: string;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'borealis-provider-'));
  });
  afterEach(() => rmSync(home, { recursive: true, force: true }));

  function provider(responses: (() => Response)[], enrollmentToken?: string) {
    const calls: unknown[] = [];
    const fetch: FetchLike = async (_url, init) => {
      calls.push(JSON.parse(String(init.body)));
      const next = responses.shift();
      if (!next) throw Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } });
      return next();
    };
    const events: string[] = [];
    const p = new CredentialsProvider({
      serverUrl: SERVER,
      home,
      ...(enrollmentToken ? { enrollmentToken } : {}),
      identity: { hostname: 'host-1', os: 'linux', arch: 'x64' },
      client: new EnrollmentClient({ fetch }),
      logger: pino({ level: 'silent' }),
      backoff: { baseMs: 1, capMs: 5 },
      random: () => 1,
      timers: realTimers,
      signal: new AbortController().signal,
      onEnrolling: () => events.push('enrolling'),
      onWaiting: () => events.push('waiting'),
      onEnrolled: (c) => events.push(`enrolled:${c.agentId}`),
    });
    return { p, calls, events };
  }
  const created = (agentId: string) => () => new Response(JSON.stringify({ agentId, secret: `${agentId}-secret` }), { status: 201 });
  const refused = (status: number, code: string) => () => new Response(JSON.stringify({ code, message: code }), { status });

  it('uses credentials on disk without enrolling', async () => {
    new CredentialsStore(home).save({ agentId: 'a0', secret: 's0', serverUrl: SERVER });
    const { p, calls } = provider([], 'tok');
    assert.equal((await p.obtain())?.agentId, 'a0');
    assert.equal(calls.length, 0);
  });

  it('enrolls with identity and token, retrying while the server is unreachable', async () => {
    const { p, calls, events } = provider([refused(503, 'unavailable'), created('a1')], 'tok');
    const credentials = await p.obtain();
    assert.deepEqual(credentials, { agentId: 'a1', secret: 'a1-secret', serverUrl: SERVER });
    assert.deepEqual(calls[1], { enrollmentToken: 'tok', hostname: 'host-1', os: 'linux', arch: 'x64' });
    assert.deepEqual(events, ['enrolling', 'waiting', 'enrolling', 'enrolled:a1']);
    assert.equal(new CredentialsStore(home).load()?.agentId, 'a1');
    assert.deepEqual(JSON.parse(readFileSync(join(home, 'config.json'), 'utf8')), { serverUrl: SERVER });
  });

  it('is fatal when the token is refused or missing', async () => {
    await assert.rejects(provider([refused(410, 'enrollment_token_expired')], 'tok').p.obtain(),
      (err: unknown) => err instanceof AgentFatalError && /enrollment_token_expired/.test(err.message));
    await assert.rejects(provider([]).p.obtain(), /not enrolled/);
    assert.equal(existsSync(join(home, 'credentials.json')), false);
  });

  it('replaces credentials issued by another server when a token is given', async () => {
    new CredentialsStore(home).save({ agentId: 'old', secret: 's', serverUrl: 'http://other.example' });
    const { p } = provider([created('a2')], 'tok');
    assert.equal((await p.obtain())?.agentId, 'a2');
  });

  it('re-enrolls only once per process and keeps old credentials when that fails', async () => {
    new CredentialsStore(home).save({ agentId: 'a0', secret: 's0', serverUrl: SERVER });
    const { p } = provider([refused(401, 'enrollment_token_invalid')], 'tok');
    await p.obtain();
    assert.equal(p.canReenroll(), true);
    assert.equal(await p.reenrollOnce(), false);
    assert.equal(p.canReenroll(), false);
    assert.equal(await p.reenrollOnce(), false);
    assert.equal(p.current?.agentId, 'a0');
    assert.equal(provider([]).p.canReenroll(), false, 'no token, no re-enrollment');
  });
});
