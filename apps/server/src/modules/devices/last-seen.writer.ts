import { Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';

/** Rows per UPDATE: well under SQLite's and PostgreSQL's bound-parameter limits. */
const CHUNK = 500;

/**
 * Writes `lastSeen` for many devices at once: one UPDATE ... CASE per chunk instead of one
 * write per heartbeat, so 20,000 agents cost a handful of statements per flush.
 */
@Injectable()
export class LastSeenWriter {
  private readonly logger = new Logger('LastSeenWriter');

  constructor(private readonly dataSource: DataSource) {}

  async write(lastSeen: Map<string, number>): Promise<void> {
    const entries = [...lastSeen];
    const postgres = this.dataSource.options.type === 'postgres';
    for (let i = 0; i < entries.length; i += CHUNK) {
      const chunk = entries.slice(i, i + CHUNK);
      const params: unknown[] = [];
      const p = (value: unknown) => {
        params.push(value);
        return postgres ? `$${params.length}` : '?';
      };
      const cases = chunk.map(([id, at]) => `WHEN ${p(id)} THEN ${p(at)}`).join(' ');
      const ids = chunk.map(([id]) => p(id)).join(', ');
      const cast = postgres ? '::bigint' : '';
      await this.dataSource.query(
        `UPDATE "devices" SET "lastSeen" = (CASE "id" ${cases} END)${cast} WHERE "id" IN (${ids})`,
        params,
      );
    }
    if (entries.length > 0) this.logger.debug({ devices: entries.length }, 'lastSeen flushed');
  }
}
