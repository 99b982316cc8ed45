import type { DataSource, EntityManager } from 'typeorm';

/**
 * Runs a hand-written statement written with `?` placeholders on either engine (PostgreSQL
 * wants `$1, $2, ...`). Used only on hot paths where TypeORM's query building costs more
 * than the statement itself (measured: 0.15 ms vs 0.03 ms per update on SQLite).
 */
export function rawQuery<T = unknown>(dataSource: DataSource, sql: string, params: unknown[], manager?: EntityManager): Promise<T> {
  const runner = manager ?? dataSource;
  if (dataSource.options.type !== 'postgres') {
    return runner.query(sql, params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p)));
  }
  let n = 0;
  return runner.query(sql.replace(/\?/g, () => `$${++n}`), params);
}
