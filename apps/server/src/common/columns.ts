import { Column, type ColumnOptions } from 'typeorm';

/**
 * Timestamps are stored as epoch milliseconds in a BIGINT column: one type that sorts, indexes
 * and round-trips the same on SQLite and PostgreSQL (pg returns BIGINT as a string).
 */
export function EpochColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({
    type: 'bigint',
    nullable: options.nullable ?? false,
    name: options.name,
    transformer: {
      to: (value: Date | null | undefined) => (value == null ? value : value.getTime()),
      from: (value: string | number | null) => (value == null ? null : new Date(Number(value))),
    },
  });
}

/** JSON stored as text on both engines (TypeORM `simple-json`). */
export function JsonColumn(options: Pick<ColumnOptions, 'nullable' | 'name'> = {}): PropertyDecorator {
  return Column({ type: 'simple-json', nullable: options.nullable ?? false, name: options.name });
}
