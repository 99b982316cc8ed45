import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RunOutputMessage } from '@borealis/protocol';
import { FakeTimers } from '../testing/fake-timers';
import { OutputForwarder } from './output-forwarder';

function setup(flushBytes?: number) {
  const timers = new FakeTimers();
  const sent: RunOutputMessage[] = [];
  const forwarder = new OutputForwarder({
    runId: 'run-1', send: (m) => void sent.push(m), timers, flushMs: 100, ...(flushBytes ? { flushBytes } : {}),
  });
  return { timers, sent, forwarder };
}

describe('OutputForwarder (run.output chunks)', () => {
  it('coalesces output arriving within flushMs into one chunk per stream, seq per stream from 0', async () => {
    const { timers, sent, forwarder } = setup();
    forwarder.push('stdout', 'a');
    forwarder.push('stderr', 'E1');
    await timers.advance(50);
    forwarder.push('stdout', 'b');
    assert.equal(sent.length, 0);
    await timers.advance(50);
    assert.deepEqual(sent, [
      { runId: 'run-1', stream: 'stdout', seq: 0, data: 'ab' },
      { runId: 'run-1', stream: 'stderr', seq: 0, data: 'E1' },
    ]);
    forwarder.push('stdout', 'c');
    await timers.advance(100);
    assert.deepEqual(sent.at(-1), { runId: 'run-1', stream: 'stdout', seq: 1, data: 'c' });
    assert.equal(timers.pending.size, 0, 'no timer while idle');
  });

  it('flushes a stream at once when its pending output reaches flushBytes', () => {
    const { sent, forwarder } = setup(10);
    forwarder.push('stdout', '12345');
    forwarder.push('stdout', '€€'); // 6 bytes: 11 >= 10
    assert.deepEqual(sent.map((m) => m.data), ['12345€€']);
  });

  it('splits a huge write into chunks the protocol accepts, never inside a surrogate pair', () => {
    const { sent, forwarder } = setup();
    const text = `x${'😀'.repeat(40_000)}`; // 80,001 UTF-16 units
    forwarder.push('stdout', text);
    assert.ok(sent.length >= 2);
    assert.equal(sent.map((m) => m.data).join(''), text);
    for (const m of sent) {
      assert.ok(m.data.length <= 64 * 1024);
      assert.ok(!/[\ud800-\udbff]$/.test(m.data) && !/^[\udc00-\udfff]/.test(m.data), 'pair kept together');
    }
    assert.deepEqual(sent.map((m) => m.seq), sent.map((_, i) => i));
  });

  it('close sends what is pending and drops later output', async () => {
    const { timers, sent, forwarder } = setup();
    forwarder.push('stderr', 'last words');
    forwarder.close();
    forwarder.push('stdout', 'too late');
    await timers.advance(1_000);
    assert.deepEqual(sent.map((m) => m.data), ['last words']);
  });
});
