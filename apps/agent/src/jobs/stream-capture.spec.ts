import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_STREAM_BYTES, TRUNCATION_MARKER } from '@borealis/protocol';
import { StreamCapture, utf8Prefix } from './stream-capture';

const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');

describe('StreamCapture (output cap)', () => {
  it('keeps everything under the cap and reports the byte size', () => {
    const capture = new StreamCapture(10);
    assert.equal(capture.append('héllo'), 'héllo');
    assert.equal(capture.append('1234'), '1234');
    assert.equal(capture.text(), 'héllo1234');
    assert.equal(capture.size, 10);
    assert.equal(capture.truncated, false);
  });

  it('cuts on a UTF-8 character boundary, appends the marker once, then ignores more output', () => {
    const capture = new StreamCapture(10);
    assert.equal(capture.append('abcdefgh'), 'abcdefgh');
    // 'é' is 2 bytes: it fits exactly; '€' (3 bytes) does not fit in the 0 bytes left.
    assert.equal(capture.append('é€x'), `é${TRUNCATION_MARKER}`);
    assert.equal(capture.append('more'), '');
    assert.equal(capture.text(), `abcdefghé${TRUNCATION_MARKER}`);
    assert.equal(capture.truncated, true);
    assert.equal(capture.size, 10);
    assert.equal(capture.text().split(TRUNCATION_MARKER).length, 2, 'marker exactly once');
  });

  it('never splits a 3-byte character or a surrogate pair', () => {
    const euro = new StreamCapture(5);
    assert.equal(euro.append('€€'), `€${TRUNCATION_MARKER}`); // 6 bytes; the second € would need bytes 4..6
    const emoji = new StreamCapture(7);
    assert.equal(emoji.append('a😀😀'), `a😀${TRUNCATION_MARKER}`); // 1 + 4 fit, the next 4 do not
    assert.ok(!/[\ud800-\udbff]$/.test(emoji.text().slice(0, -TRUNCATION_MARKER.length)), 'no lone high surrogate');
  });

  it('caps at MAX_STREAM_BYTES by default, counting bytes not characters', () => {
    const capture = new StreamCapture();
    const line = 'ü'.repeat(1000); // 2000 bytes
    let forwarded = '';
    for (let i = 0; i < 600; i++) forwarded += capture.append(line);
    const text = capture.text();
    assert.equal(forwarded, text, 'what is forwarded live is exactly the final text');
    assert.ok(capture.truncated);
    const kept = text.slice(0, -TRUNCATION_MARKER.length);
    assert.ok(bytes(kept) <= MAX_STREAM_BYTES && bytes(kept) > MAX_STREAM_BYTES - 2, `kept ${bytes(kept)} bytes`);
    assert.ok(text.endsWith(TRUNCATION_MARKER));
  });

  it('utf8Prefix agrees with Buffer.byteLength, lone surrogates included', () => {
    for (const text of ['plain', 'ü€😀x', '\ud800a', 'a\udc00b', '😀'.repeat(5)]) {
      for (let max = 0; max <= bytes(text); max++) {
        const prefix = utf8Prefix(text, max);
        assert.equal(prefix.bytes, bytes(prefix.text), `${JSON.stringify(text)} @${max}`);
        assert.ok(prefix.bytes <= max);
        const next = utf8Prefix(text, max + 4);
        assert.ok(next.text.startsWith(prefix.text));
      }
      assert.equal(utf8Prefix(text, bytes(text)).text, text);
    }
  });
});
