import { MAX_STREAM_BYTES, TRUNCATION_MARKER } from '@borealis/protocol';

/**
 * One output stream of a run, capped at `maxBytes` UTF-8 bytes: the text beyond is cut on a
 * character boundary and {@link TRUNCATION_MARKER} appended once. What `append` returns is the
 * text to forward live, so the live chunks add up to exactly the final `stdout`/`stderr`.
 */
export class StreamCapture {
  private readonly parts: string[] = [];
  private bytes = 0;
  private truncatedValue = false;

  constructor(private readonly maxBytes: number = MAX_STREAM_BYTES) {}

  get truncated(): boolean {
    return this.truncatedValue;
  }

  /** Bytes kept, without the marker. */
  get size(): number {
    return this.bytes;
  }

  /** Keeps what fits; returns the kept text (plus the marker when this call hit the cap), '' once truncated. */
  append(data: string): string {
    if (this.truncatedValue || data === '') return '';
    const room = this.maxBytes - this.bytes;
    const size = Buffer.byteLength(data, 'utf8');
    if (size <= room) {
      this.parts.push(data);
      this.bytes += size;
      return data;
    }
    const kept = utf8Prefix(data, room);
    this.truncatedValue = true;
    this.bytes += kept.bytes;
    const forwarded = kept.text + TRUNCATION_MARKER;
    this.parts.push(forwarded);
    return forwarded;
  }

  text(): string {
    if (this.parts.length > 1) this.parts.splice(0, this.parts.length, this.parts.join(''));
    return this.parts[0] ?? '';
  }
}

/**
 * The longest prefix of `text` that fits in `maxBytes` UTF-8 bytes without splitting a
 * character (a surrogate pair counts as one 4-byte character; a lone surrogate as the 3 bytes
 * of U+FFFD, as Buffer encodes it).
 */
export function utf8Prefix(text: string, maxBytes: number): { text: string; bytes: number } {
  let bytes = 0;
  let i = 0;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    let width = 1;
    let size: number;
    if (code < 0x80) size = 1;
    else if (code < 0x800) size = 2;
    else if (code >= 0xd800 && code <= 0xdbff && isLowSurrogate(text.charCodeAt(i + 1))) {
      size = 4;
      width = 2;
    } else size = 3;
    if (bytes + size > maxBytes) break;
    bytes += size;
    i += width;
  }
  return { text: text.slice(0, i), bytes };
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
