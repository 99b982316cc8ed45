import { Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { rawQuery } from '../../common/raw-sql';

/** Rows per statement (PostgreSQL) or per transaction (SQLite): bounds each event-loop block. */
const CHUNK = 500;

/** The part of better-sqlite3's connection used here (TypeORM exposes it as `databaseConnection`). */
interface SqliteConnection {
  prepare(sql: string): { run(...params: unknown[]): unknown };
  transaction<A extends unknown[]>(fn: (...args: A) => void): (...args: A) => void;
}

/**
 * Writes `lastSeen` for many devices at once, in slices that yield to the event loop between
 * them, so heartbeats are acked meanwhile.
 *
 * SQLite: one prepared single-row `UPDATE ... WHERE id = ?` per device, 500 per transaction,
 * straight on better-sqlite3. Measured on the 19,500-device benchmark database: 8 µs a row,
 * against 15 µs for `UPDATE ... WHERE id IN (500 ids)` through TypeORM and 43 µs for the first
 * per-row `CASE` (which scans the branch list for every row). At a 30 s heartbeat the flush is
 * the biggest share of the server's steady CPU beyond Socket.IO itself.
 *
 * PostgreSQL: devices seen in the same second share one `UPDATE ... WHERE id IN (...)`, one
 * round trip per 500 devices. The API shows the exact in-memory value for live devices and a
 * disconnect writes the exact value, so that second resolution only matters after a crash.
 */
@Injectable()
export class LastSeenWriter {
  private readonly logger = new Logger('LastSeenWriter');
  private sqliteBatch: ((rows: [string, number][]) => void) | undefined;

  constructor(private readonly dataSource: DataSource) {}

  async write(lastSeen: Map<string, number>): Promise<void> {
    if (lastSeen.size === 0) return;
    if (this.dataSource.options.type === 'better-sqlite3') await this.writeSqlite(lastSeen);
    else await this.writeBySecond(lastSeen);
    this.logger.debug({ devices: lastSeen.size }, 'lastSeen flushed');
  }

  private async writeSqlite(lastSeen: Map<string, number>): Promise<void> {
    const batch = (this.sqliteBatch ??= this.prepareSqliteBatch());
    const rows = [...lastSeen];
    for (let i = 0; i < rows.length; i += CHUNK) {
      batch(rows.slice(i, i + CHUNK));
      // Let heartbeats in between slices: better-sqlite3 runs each one synchronously.
      await nextTurn();
    }
  }

  private prepareSqliteBatch(): (rows: [string, number][]) => void {
    const db = (this.dataSource.driver as unknown as { databaseConnection: SqliteConnection }).databaseConnection;
    const update = db.prepare('UPDATE "devices" SET "lastSeen" = ? WHERE "id" = ?');
    // Inside a TypeORM transaction left open across an await, better-sqlite3 nests this as a savepoint.
    return db.transaction((rows: [string, number][]) => {
      for (const [id, at] of rows) update.run(at, id);
    });
  }

  private async writeBySecond(lastSeen: Map<string, number>): Promise<void> {
    const bySecond = new Map<number, string[]>();
    for (const [id, at] of lastSeen) {
      const second = Math.floor(at / 1000) * 1000;
      const ids = bySecond.get(second);
      if (ids) ids.push(id);
      else bySecond.set(second, [id]);
    }
    for (const [second, ids] of bySecond) {
      for (let i = 0; i < ids.length; i += CHUNK) {
        const chunk = ids.slice(i, i + CHUNK);
        await rawQuery(this.dataSource, `UPDATE "devices" SET "lastSeen" = ? WHERE "id" IN (${chunk.map(() => '?').join(', ')})`, [second, ...chunk]);
        await nextTurn();
      }
    }
  }
}
