import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import pino from 'pino';
import { ReconnectPolicy } from './reconnect-policy';

const policy = () => new ReconnectPolicy({ baseMs: 1_000, capMs: 30_000 }, () => 1, pino({ level: 'silent' }));

describe('ReconnectPolicy', () => {
  it('backs off exponentially on transient failures and resets after a good session', () => {
    const p = policy();
    const delays = [0, 1, 2].map(() => p.next({ kind: 'refused', message: 'websocket error' }).delayMs);
    assert.deepEqual(delays, [1_000, 2_000, 4_000]);
    assert.equal(p.next({ kind: 'halfOpen' }).delayMs, 8_000);
    p.reset();
    assert.equal(p.next({ kind: 'closed', reason: 'transport close' }).delayMs, 1_000);
  });

  it('waits near the cap for refusals and replacement, without growing the attempt', () => {
    const p = policy();
    for (const outcome of [
      { kind: 'refused', message: 'protocol_mismatch' },
      { kind: 'refused', message: 'unauthorized' },
      { kind: 'closed', reason: 'replaced' },
    ] as const) {
      assert.equal(p.next(outcome).delayMs, 30_000);
    }
    assert.equal(p.attempt, 0);
  });

  it('comes back quickly when the server drops a stalled link (io server disconnect)', () => {
    const p = policy();
    assert.equal(p.next({ kind: 'closed', reason: 'io server disconnect' }).delayMs, 1_000);
  });
});
