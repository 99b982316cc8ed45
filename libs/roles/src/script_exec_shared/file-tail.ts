import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';

/**
 * Follows a file another process is still writing (a SYSTEM task's stdout.txt): each `read`
 * forwards only the new bytes, decoded as UTF-8 across read boundaries.
 */
export class FileTail {
  private offset = 0;
  private readonly decoder = new StringDecoder('utf8');
  private readonly buffer = Buffer.alloc(256 * 1024);

  constructor(private readonly path: string, private readonly emit: (text: string) => void) {}

  async read(): Promise<void> {
    const handle = await open(this.path, 'r').catch(() => undefined); // not created yet
    if (!handle) return;
    try {
      for (;;) {
        const { bytesRead } = await handle.read(this.buffer, 0, this.buffer.length, this.offset);
        if (bytesRead === 0) break;
        this.offset += bytesRead;
        const text = this.decoder.write(this.buffer.subarray(0, bytesRead));
        if (text.length > 0) this.emit(text);
      }
    } finally {
      await handle.close();
    }
  }

  /** Reads what is left and flushes an incomplete trailing character. */
  async finish(): Promise<void> {
    await this.read();
    const rest = this.decoder.end();
    if (rest.length > 0) this.emit(rest);
  }
}
