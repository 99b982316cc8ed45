import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class Inventory1764300000000 implements MigrationInterface {
  name = 'Inventory1764300000000';

  async up(runner: QueryRunner): Promise<void> {
    await runner.createTable(new Table({
      name: 'inventory_snapshots',
      columns: [
        { name: 'id', type: 'varchar', length: '36', isPrimary: true },
        { name: 'deviceId', type: 'varchar', length: '36' },
        { name: 'kind', type: 'varchar', length: '16' },
        { name: 'collectedAt', type: 'bigint' },
        { name: 'receivedAt', type: 'bigint' },
        { name: 'lastConfirmedAt', type: 'bigint' },
        { name: 'hash', type: 'varchar', length: '64' },
        { name: 'itemCount', type: 'integer', isNullable: true },
        { name: 'data', type: 'text' },
      ],
      indices: [new TableIndex({ name: 'IDX_inventory_device_kind_received', columnNames: ['deviceId', 'kind', 'receivedAt'] })],
    }));
    await runner.createTable(new Table({
      name: 'device_software',
      columns: [
        { name: 'deviceId', type: 'varchar', length: '36', isPrimary: true },
        { name: 'position', type: 'integer', isPrimary: true },
        { name: 'name', type: 'varchar', length: '255' },
        { name: 'nameLower', type: 'varchar', length: '255' },
        { name: 'version', type: 'varchar', length: '255' },
      ],
      indices: [new TableIndex({ name: 'IDX_device_software_name', columnNames: ['nameLower'] })],
    }));
  }

  async down(runner: QueryRunner): Promise<void> {
    await runner.dropTable('device_software');
    await runner.dropTable('inventory_snapshots');
  }
}
