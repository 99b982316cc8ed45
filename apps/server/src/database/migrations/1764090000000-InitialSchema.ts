import { MigrationInterface, QueryRunner, Table, TableColumnOptions, TableIndex } from 'typeorm';

// Only portable types (varchar, text, integer, bigint, boolean) so one migration serves SQLite
// and PostgreSQL. Timestamps are epoch milliseconds in BIGINT columns, JSON is text.
const id = (): TableColumnOptions => ({ name: 'id', type: 'varchar', length: '36', isPrimary: true });
const varchar = (name: string, length: number, nullable = false): TableColumnOptions => ({
  name, type: 'varchar', length: String(length), isNullable: nullable,
});
const epoch = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'bigint', isNullable: nullable });
const json = (name: string, nullable = false): TableColumnOptions => ({ name, type: 'text', isNullable: nullable });
const int = (name: string, nullable = false, defaultValue?: number): TableColumnOptions => ({
  name, type: 'integer', isNullable: nullable, default: defaultValue,
});

export class InitialSchema1764090000000 implements MigrationInterface {
  name = 'InitialSchema1764090000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'api_tokens',
      columns: [id(), varchar('name', 100), varchar('tokenHash', 64), json('scopes'), epoch('createdAt'),
        epoch('expiresAt', true), epoch('lastUsedAt', true), epoch('revokedAt', true), varchar('createdBy', 100)],
      indices: [new TableIndex({ name: 'IDX_api_tokens_hash', columnNames: ['tokenHash'], isUnique: true })],
    }));
    await runner.createTable(new Table({
      name: 'enrollment_tokens',
      columns: [id(), varchar('label', 100, true), varchar('tokenHash', 64), int('maxUses', true), int('uses', false, 0),
        epoch('expiresAt', true), epoch('revokedAt', true), epoch('createdAt'), varchar('createdBy', 100)],
      indices: [new TableIndex({ name: 'IDX_enrollment_tokens_hash', columnNames: ['tokenHash'], isUnique: true })],
    }));
    await runner.createTable(new Table({
      name: 'devices',
      columns: [id(), varchar('secretHash', 64), varchar('hostname', 255), varchar('os', 255),
        { ...varchar('osVersion', 255), default: "''" }, varchar('arch', 255), { ...varchar('agentVersion', 255), default: "''" },
        json('roles'), json('roleConfig'), int('configRevision', false, 0), json('tags'),
        { name: 'online', type: 'boolean', default: false }, epoch('lastSeen', true), epoch('enrolledAt'),
        varchar('enrollmentTokenId', 36, true), epoch('revokedAt', true)],
      indices: [
        new TableIndex({ name: 'IDX_devices_hostname', columnNames: ['hostname'] }),
        new TableIndex({ name: 'IDX_devices_revoked', columnNames: ['revokedAt'] }),
      ],
    }));
    await runner.createTable(new Table({
      name: 'audit_log',
      columns: [{ name: 'id', type: 'integer', isPrimary: true, isGenerated: true, generationStrategy: 'increment' },
        epoch('at'), varchar('actorType', 16), varchar('actorId', 64, true), varchar('actorName', 100, true),
        varchar('action', 64), varchar('targetType', 32, true), varchar('targetId', 64, true), json('details', true),
        varchar('ip', 64, true)],
      indices: [
        new TableIndex({ name: 'IDX_audit_at', columnNames: ['at'] }),
        new TableIndex({ name: 'IDX_audit_action', columnNames: ['action'] }),
      ],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    for (const table of ['audit_log', 'devices', 'enrollment_tokens', 'api_tokens']) await runner.dropTable(table);
  }
}
