import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Ids per UPDATE: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/**
 * Writes `lastSeen` for many devices at once, to the second: devices seen in the same second
 * share one `UPDATE ... WHERE id IN (...)`, so a 10 s flush of 20,000 agents is a few dozen
 * indexed statements. (A per-row `CASE` was measured at 278 ms for 6,500 rows on SQLite — it
 * scans the branch list for every row — and blocked heartbeats meanwhile.) The API shows the
 * exact in-memory value for live devices and disconnects write the exact value, so the
 * second resolution only matters after a crash.
 */
@Injectable()
export class LastSeenWriter {
  private readonly logger = new Logger('LastSeenWriter');

  constructor(private readonly dataSource: DataSource) {}

  async write(lastSeen: Map<string, number>): Promise<void> {
    const bySecond = new Map<number, string[]>();
    for (const [id, at] of lastSeen) {
      const second = Math.floor(at / 1000) * 1000;
      const ids = bySecond.get(second);
      if (ids) ids.push(id);
      else bySecond.set(second, [id]);
    }
    const postgres = this.dataSource.options.type === 'postgres';
    for (const [second, ids] of bySecond) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        const marks = chunk.map((_, j) => (postgres ? `$${j + 2}` : '?')).join(', ');
        await this.dataSource.query(`UPDATE "devices" SET "lastSeen" = ${postgres ? '$1' : '?'} WHERE "id" IN (${marks})`, [second, ...chunk]);
        // Let heartbeats in between statements: better-sqlite3 runs each one synchronously.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    if (lastSeen.size > 0) this.logger.debug({ devices: lastSeen.size, statements: bySecond.size }, 'lastSeen flushed');
  }
}
