import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSourceOptions } from 'typeorm';
import type { ServerConfig } from '../config/config';
import { MIGRATIONS } from './migrations';
import { ApiTokenEntity } from '../modules/tokens/api-token.entity';
import { EnrollmentTokenEntity } from '../modules/enrollment/enrollment-token.entity';
import { DeviceEntity } from '../modules/devices/device.entity';
import { AuditEntryEntity } from '../modules/audit/audit-entry.entity';
import { JobEntity } from '../modules/jobs/job.entity';
import { RunEntity } from '../modules/jobs/run.entity';
import { DeviceSoftwareEntity } from '../modules/inventory/device-software.entity';
import { InventorySnapshotEntity } from '../modules/inventory/inventory-snapshot.entity';

export const ENTITIES = [ApiTokenEntity, EnrollmentTokenEntity, DeviceEntity, AuditEntryEntity, JobEntity, RunEntity, InventorySnapshotEntity, DeviceSoftwareEntity];

/** SQLite file in the data folder by default; PostgreSQL when DATABASE_URL is set. Migrations run on start. */
export function dataSourceOptions(config: ServerConfig): DataSourceOptions {
  const common = { entities: ENTITIES, migrations: MIGRATIONS, migrationsRun: true, synchronize: false, logging: false } as const;
  if (config.databaseUrl) {
    return { ...common, type: 'postgres', url: config.databaseUrl, extra: { max: 10 } };
  }
  mkdirSync(config.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(config.dataDir, 'database.db'),
    // WAL: readers never block the writer, and a crash loses no committed transaction.
    enableWAL: true,
    prepareDatabase: (db: { pragma(s: string): unknown }) => {
      db.pragma('synchronous = NORMAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
