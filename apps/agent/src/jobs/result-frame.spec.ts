import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STREAM_BYTES, TRUNCATION_MARKER, runResultSchema, type RunResultMessage } from '@borealis/protocol';
import { MAX_RESULT_FRAME_BYTES, encodedSize, fitResultFrame } from './result-frame';

function result(stdout: string, stderr = ''): RunResultMessage {
  return {
    runId: '00000000-0000-4000-8000-000000000001', status: 'succeeded', exitCode: 0, stdout, stderr,
    stdoutTruncated: false, stderrTruncated: false, error: null, startedAt: 1, finishedAt: 2,
  };
}

describe('fitResultFrame (encoded run.result budget)', () => {
  it('leaves a result that fits untouched, even with both streams at the cap', () => {
    const full = result('a'.repeat(MAX_STREAM_BYTES), '€'.repeat(MAX_STREAM_BYTES / 4));
    assert.equal(fitResultFrame(full), full);
    assert.ok(encodedSize(full) < MAX_RESULT_FRAME_BYTES);
  });

  it('cuts output that JSON escaping inflates beyond the budget, keeping the marker once', () => {
    const control = '\u0001'.repeat(MAX_STREAM_BYTES); // 1 byte each, 6 bytes each as JSON
    const fitted = fitResultFrame(result(`${control.slice(0, -10)}${TRUNCATION_MARKER}`, 'small stderr'));
    assert.ok(encodedSize(fitted) <= MAX_RESULT_FRAME_BYTES, `${encodedSize(fitted)} bytes`);
    assert.equal(fitted.stdoutTruncated, true);
    assert.equal(fitted.stdout.split(TRUNCATION_MARKER).length, 2, 'one marker');
    assert.ok(fitted.stdout.length > MAX_STREAM_BYTES / 8, 'cut by halves, not to nothing');
    assert.equal(fitted.stderr, 'small stderr');
    assert.equal(runResultSchema.safeParse(fitted).success, true);
  });

  it('honours a smaller budget by cutting the larger stream first', () => {
    const fitted = fitResultFrame(result('x'.repeat(10_000), 'y'.repeat(3_000)), 6_000);
    assert.ok(encodedSize(fitted) <= 6_000);
    assert.equal(fitted.stdoutTruncated, true);
    assert.equal(fitted.stderrTruncated, false);
  });
});
