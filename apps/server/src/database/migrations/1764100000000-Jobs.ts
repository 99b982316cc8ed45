import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class Jobs1764100000000 implements MigrationInterface {
  name = 'Jobs1764100000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'jobs',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'role', type: 'varchar', length: '64' },
        { name: 'target', type: 'text' },
        { name: 'payload', type: 'text' },
        { name: 'timeoutSeconds', type: 'integer' },
        { name: 'expiresAt', type: 'bigint' },
        { name: 'createdAt', type: 'bigint' },
        { name: 'createdBy', type: 'varchar', length: '100' },
        { name: 'runCount', type: 'integer' },
        { name: 'cancelledAt', type: 'bigint', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'IDX_jobs_role', columnNames: ['role'] }),
        new TableIndex({ name: 'IDX_jobs_created', columnNames: ['createdAt'] }),
      ],
    }));
    await runner.createTable(new Table({
      name: 'runs',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'jobId', type: 'varchar', length: '36' },
        { name: 'deviceId', type: 'varchar', length: '36' },
        { name: 'status', type: 'varchar', length: '16' },
        { name: 'exitCode', type: 'integer', isNullable: true },
        { name: 'stdout', type: 'text', default: "''" },
        { name: 'stderr', type: 'text', default: "''" },
        { name: 'stdoutTruncated', type: 'boolean', default: false },
        { name: 'stderrTruncated', type: 'boolean', default: false },
        { name: 'error', type: 'text', isNullable: true },
        { name: 'queuedAt', type: 'bigint' },
        { name: 'dispatchedAt', type: 'bigint', isNullable: true },
        { name: 'startedAt', type: 'bigint', isNullable: true },
        { name: 'finishedAt', type: 'bigint', isNullable: true },
        { name: 'leaseExpiresAt', type: 'bigint', isNullable: true },
      ],
      indices: [
        new TableIndex({ name: 'IDX_runs_job', columnNames: ['jobId'] }),
        new TableIndex({ name: 'IDX_runs_device_status', columnNames: ['deviceId', 'status'] }),
        new TableIndex({ name: 'IDX_runs_status_lease', columnNames: ['status', 'leaseExpiresAt'] }),
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('runs');
    await runner.dropTable('jobs');
  }
}
