import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RunOutcome } from '@borealis/protocol';
import { appendLineDurable, writeFileAtomic } from './atomic-file';

/** Inside the outbox folder; not a `<uuid>.json` name, so the journal never mistakes it for a run. */
export const ACKNOWLEDGED_FILE = 'acknowledged.jsonl';

export interface AcknowledgedRun {
  runId: string;
  status: RunOutcome;
  /** When the server acknowledged the result (agent clock). */
  at: number;
}

export interface AcknowledgedRunsOptions {
  dir: string;
  now: () => number;
  logger: Logger;
  /** Newest entries kept. */
  maxEntries?: number;
  maxAgeMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The runs whose result the server already acknowledged, so a late duplicate `job.dispatch`
 * (the server retried before our ack reached it) is answered `accepted:false` instead of
 * running the job again. Bounded by count and age; persisted as an append-only JSON-lines log
 * (one fsynced append per ack) that is compacted when it grows to twice the bound.
 */
export class AcknowledgedRuns {
  private readonly entries = new Map<string, AcknowledgedRun>();
  private readonly path: string;
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private linesOnDisk = 0;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly options: AcknowledgedRunsOptions) {
    this.path = join(options.dir, ACKNOWLEDGED_FILE);
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 7 * DAY_MS;
  }

  get size(): number {
    return this.entries.size;
  }

  async load(): Promise<void> {
    let text = '';
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return;
    }
    const lines = text.split('\n').filter((l) => l.trim() !== '');
    let bad = 0;
    for (const line of lines) {
      const entry = parseEntry(line);
      if (!entry) {
        bad++;
        continue;
      }
      this.entries.delete(entry.runId); // re-insert so the Map order stays chronological
      this.entries.set(entry.runId, entry);
    }
    if (bad > 0) this.options.logger.warn({ file: this.path, bad }, 'unreadable lines in the acknowledged-runs log dropped');
    this.linesOnDisk = lines.length;
    const pruned = this.prune();
    // A torn last line (crash mid-append) would swallow the next append: rewrite the file clean.
    if (bad > 0 || pruned > 0 || !text.endsWith('\n') || this.linesOnDisk !== this.entries.size) await this.compact();
  }

  get(runId: string): AcknowledgedRun | undefined {
    const entry = this.entries.get(runId);
    return entry && entry.at >= this.options.now() - this.maxAgeMs ? entry : undefined;
  }

  /** Known in memory at once; durable when the promise resolves. */
  add(runId: string, status: RunOutcome): Promise<void> {
    const entry: AcknowledgedRun = { runId, status, at: this.options.now() };
    this.entries.delete(runId);
    this.entries.set(runId, entry);
    this.prune();
    const next = this.chain.catch(() => undefined).then(async () => {
      await appendLineDurable(this.path, JSON.stringify(entry));
      this.linesOnDisk++;
      if (this.linesOnDisk > 2 * this.maxEntries) await this.compact();
    });
    this.chain = next;
    return next;
  }

  /** Drops expired and surplus entries from memory; returns how many. */
  private prune(): number {
    const oldest = this.options.now() - this.maxAgeMs;
    let dropped = 0;
    for (const [runId, entry] of this.entries) {
      if (this.entries.size <= this.maxEntries && entry.at >= oldest) break; // the rest is newer
      this.entries.delete(runId);
      dropped++;
    }
    return dropped;
  }

  private async compact(): Promise<void> {
    const body = [...this.entries.values()].map((e) => `${JSON.stringify(e)}\n`).join('');
    await writeFileAtomic(this.path, body);
    this.linesOnDisk = this.entries.size;
  }
}

function parseEntry(line: string): AcknowledgedRun | undefined {
  try {
    const e = JSON.parse(line) as Partial<AcknowledgedRun>;
    if (typeof e.runId !== 'string' || typeof e.status !== 'string' || typeof e.at !== 'number') return undefined;
    return { runId: e.runId, status: e.status as RunOutcome, at: e.at };
  } catch {
    return undefined;
  }
}
