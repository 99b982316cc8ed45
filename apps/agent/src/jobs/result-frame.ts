import { MAX_RESULT_FRAME_BYTES, TRUNCATION_MARKER, type RunResultMessage } from '@borealis/protocol';
import { utf8Prefix } from './stream-capture';

/**
 * Default budget for one encoded `run.result`. Two streams at the 1 MiB cap take ~2.1 MB of JSON
 * for ordinary text, but JSON escaping can inflate control characters sixfold; a frame over the
 * server's Socket.IO `maxHttpBufferSize` makes it drop the link, and the agent would resend the
 * same frame after every reconnect forever. The server must accept frames of this size.
 */
export { MAX_RESULT_FRAME_BYTES };

/** Bytes of the result as it goes on the wire (JSON, UTF-8), without Socket.IO's few bytes of framing. */
export function encodedSize(result: RunResultMessage): number {
  return Buffer.byteLength(JSON.stringify(result), 'utf8');
}

/**
 * Returns the result unchanged when it fits `maxBytes`; otherwise cuts the output that
 * inflates the most (again on a character boundary, marker appended, `*Truncated` set) until it fits.
 */
export function fitResultFrame(result: RunResultMessage, maxBytes: number = MAX_RESULT_FRAME_BYTES): RunResultMessage {
  const cost = (text: string): number => Buffer.byteLength(JSON.stringify(text), 'utf8');
  let fitted = result;
  for (let round = 0; round < 64 && encodedSize(fitted) > maxBytes; round++) {
    const stream = cost(fitted.stdout) >= cost(fitted.stderr) ? 'stdout' : 'stderr';
    const flag = stream === 'stdout' ? 'stdoutTruncated' : 'stderrTruncated';
    const text = fitted[stream];
    const kept = text.endsWith(TRUNCATION_MARKER) && fitted[flag] ? text.slice(0, -TRUNCATION_MARKER.length) : text;
    if (kept === '') break;
    const half = utf8Prefix(kept, Math.floor(Buffer.byteLength(kept, 'utf8') / 2)).text;
    fitted = { ...fitted, [stream]: half + TRUNCATION_MARKER, [flag]: true };
  }
  return fitted;
}
