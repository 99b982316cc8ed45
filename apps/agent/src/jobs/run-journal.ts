import { mkdir, readFile, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { syncDir, writeFileAtomic } from './atomic-file';
import { parseRunRecord, type RunRecord } from './run-record';

/** Folder under the agent home holding one file per run that is not acknowledged yet. */
export const OUTBOX_DIR = 'outbox';
const RUN_FILE = /^([0-9a-fA-F-]{36})\.json$/;

/**
 * The durable half of the outbox: `<home>/outbox/<runId>.json`, one file per run, rewritten
 * atomically on every state change. The in-memory copy is updated at once (so a duplicate
 * dispatch sees the run immediately); the disk copy when `put` resolves. Writes of one run
 * are serialized so an older state can never land after a newer one.
 */
export class RunJournal {
  readonly dir: string;
  private readonly records = new Map<string, RunRecord>();
  private readonly chains = new Map<string, Promise<void>>();

  constructor(home: string, private readonly logger: Logger) {
    this.dir = join(home, OUTBOX_DIR);
  }

  /** Reads every run file. Temp files are leftovers of a crash mid-write (the rename never happened): dropped. */
  async load(): Promise<RunRecord[]> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    for (const name of (await readdir(this.dir)).sort()) {
      const path = join(this.dir, name);
      if (name.endsWith('.tmp')) {
        await rm(path, { force: true });
        continue;
      }
      const match = RUN_FILE.exec(name);
      if (!match) continue;
      try {
        const record = parseRunRecord(JSON.parse(await readFile(path, 'utf8')));
        if (record.runId !== match[1]) throw new Error(`file holds run ${record.runId}`);
        this.records.set(record.runId, record);
      } catch (err) {
        // Kept aside rather than deleted: it is evidence, and it must not block the other runs.
        this.logger.error({ file: path, err: (err as Error).message }, 'unreadable outbox file moved aside');
        await rename(path, `${path}.corrupt`).catch(() => undefined);
      }
    }
    return this.all();
  }

  get(runId: string): RunRecord | undefined {
    return this.records.get(runId);
  }

  all(): RunRecord[] {
    return [...this.records.values()];
  }

  /** Finished runs whose result still waits for an ack, oldest finish first (the resend order). */
  pending(): RunRecord[] {
    return this.all()
      .filter((r) => r.state === 'finished' && r.result)
      .sort((a, b) => a.result!.finishedAt - b.result!.finishedAt || a.acceptedAt - b.acceptedAt);
  }

  /** Journals a run's new state; resolves once it is on disk. */
  put(record: RunRecord): Promise<void> {
    this.records.set(record.runId, record);
    const body = `${JSON.stringify(record)}\n`;
    return this.enqueue(record.runId, () => writeFileAtomic(this.fileOf(record.runId), body));
  }

  /** Forgets a run whose result the server acknowledged (the caller recorded the ack first). */
  remove(runId: string): Promise<void> {
    this.records.delete(runId);
    return this.enqueue(runId, async () => {
      await rm(this.fileOf(runId), { force: true });
      await syncDir(this.dir);
    });
  }

  /** Every journal write still in progress; stop waits for them. */
  async flushed(): Promise<void> {
    await Promise.all([...this.chains.values()].map((p) => p.catch(() => undefined)));
  }

  private fileOf(runId: string): string {
    return join(this.dir, `${runId}.json`);
  }

  private enqueue(runId: string, write: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(runId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(write);
    this.chains.set(runId, next);
    const cleanup = (): void => {
      if (this.chains.get(runId) === next) this.chains.delete(runId);
    };
    next.then(cleanup, cleanup);
    return next;
  }
}
