import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnCommandRunner } from './command-runner';

// Real processes: the runner is what keeps big listings off the event loop.
describe('spawnCommandRunner', () => {
  it('delivers lines as they arrive, including a last line without a newline and CRLF endings', async () => {
    const lines: string[] = [];
    const outcome = await spawnCommandRunner.runLines({ file: 'sh', args: ['-c', "printf 'a\\r\\nb\\nc'; echo oops >&2; exit 3"], timeoutMs: 5000 }, (l) => lines.push(l));
    assert.deepEqual(lines, ['a', 'b', 'c']);
    assert.equal(outcome.exitCode, 3);
    assert.equal(outcome.stderr, 'oops\n');
  });

  it('streams 200,000 lines while timers keep firing', async () => {
    let count = 0;
    let ticks = 0;
    const timer = setInterval(() => ticks++, 5);
    const outcome = await spawnCommandRunner.runLines({ file: 'sh', args: ['-c', 'seq 1 200000'], timeoutMs: 10_000 }, () => count++);
    clearInterval(timer);
    assert.equal(outcome.exitCode, 0);
    assert.equal(count, 200_000);
    assert.ok(ticks > 0, 'the event loop ran between chunks');
  });

  it('says notFound for a missing binary and kills on timeout or abort', async () => {
    const missing = await spawnCommandRunner.runLines({ file: 'borealis-no-such-binary', args: [], timeoutMs: 1000 }, () => {});
    assert.equal(missing.notFound, true);
    const slow = await spawnCommandRunner.runLines({ file: 'sleep', args: ['10'], timeoutMs: 100 }, () => {});
    assert.equal(slow.exitCode, null);
    assert.match(slow.error ?? '', /timed out after 100 ms/);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await spawnCommandRunner.runLines({ file: 'sleep', args: ['10'], timeoutMs: 5000, signal: controller.signal }, () => {});
    assert.match(aborted.error ?? '', /aborted/);
  });
});
