import type { RunOutputMessage } from '@borealis/protocol';
import type { Timers } from '../timers';

type Stream = RunOutputMessage['stream'];

export interface OutputForwarderOptions {
  runId: string;
  /** Best effort: the agent drops the chunk when offline (the result carries all output). */
  send: (message: RunOutputMessage) => void;
  timers: Timers;
  /** Pending output is sent at most this long after it arrived. */
  flushMs?: number;
  /** Pending output of a stream reaching this many bytes is sent at once. */
  flushBytes?: number;
}

/** `run.output` allows 256 Ki characters per chunk; 64 Ki UTF-16 units stay far below it in any encoding. */
const MAX_CHUNK_CHARS = 64 * 1024;

/**
 * Coalesces a run's live output into `run.output` chunks (every `flushMs`, or at `flushBytes`),
 * numbered per stream from 0, so a chatty process costs a few messages a second, not one per line.
 */
export class OutputForwarder {
  private readonly pending: Record<Stream, { parts: string[]; bytes: number }> = {
    stdout: { parts: [], bytes: 0 },
    stderr: { parts: [], bytes: 0 },
  };
  private readonly seq: Record<Stream, number> = { stdout: 0, stderr: 0 };
  private timer: unknown;
  private closed = false;
  private readonly flushMs: number;
  private readonly flushBytes: number;

  constructor(private readonly options: OutputForwarderOptions) {
    this.flushMs = options.flushMs ?? 100;
    this.flushBytes = options.flushBytes ?? 64 * 1024;
  }

  push(stream: Stream, text: string): void {
    if (this.closed || text === '') return;
    const pending = this.pending[stream];
    pending.parts.push(text);
    pending.bytes += Buffer.byteLength(text, 'utf8');
    if (pending.bytes >= this.flushBytes) {
      this.flushStream(stream);
      return;
    }
    if (this.timer === undefined) {
      this.timer = this.options.timers.setTimeout(() => {
        this.timer = undefined;
        this.flush();
      }, this.flushMs);
    }
  }

  flush(): void {
    this.flushStream('stdout');
    this.flushStream('stderr');
    if (this.timer !== undefined && this.pending.stdout.bytes === 0 && this.pending.stderr.bytes === 0) {
      this.options.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
  }

  /** Sends what is pending and ignores anything pushed later (the run is over). */
  close(): void {
    this.flush();
    this.closed = true;
  }

  private flushStream(stream: Stream): void {
    const pending = this.pending[stream];
    if (pending.parts.length === 0) return;
    const text = pending.parts.join('');
    pending.parts = [];
    pending.bytes = 0;
    for (const data of splitChunks(text)) {
      this.options.send({ runId: this.options.runId, stream, seq: this.seq[stream]++, data });
    }
  }
}

/** Splits into pieces of at most MAX_CHUNK_CHARS units, never between the halves of a surrogate pair. */
function splitChunks(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  while (start < text.length) {
    let end = Math.min(start + MAX_CHUNK_CHARS, text.length);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end--;
    chunks.push(text.slice(start, end));
    start = end;
  }
  return chunks;
}
