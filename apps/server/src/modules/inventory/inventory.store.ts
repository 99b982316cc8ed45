import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { DataSource, Repository, type FindOptionsSelect } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import type { InventoryKind, SoftwareItem } from '@borealis/protocol';
import { DeviceSoftwareEntity } from './device-software.entity';
import { InventorySnapshotEntity } from './inventory-snapshot.entity';

/** Rows per insert: 5 parameters each, far below both engines' bound-parameter limits. */
const SOFTWARE_CHUNK = 500;

export type SnapshotHeader = Omit<InventorySnapshotEntity, 'data'>;
const HEADER_COLUMNS: FindOptionsSelect<InventorySnapshotEntity> = {
  id: true, deviceId: true, kind: true, collectedAt: true, receivedAt: true, lastConfirmedAt: true, hash: true, itemCount: true,
};

/** Reads and writes of inventory snapshots and the software side table. */
@Injectable()
export class InventoryStore {
  constructor(
    @InjectRepository(InventorySnapshotEntity) private readonly snapshots: Repository<InventorySnapshotEntity>,
    private readonly dataSource: DataSource,
  ) {}

  /** The newest snapshot of a kind, without its data unless asked (software lists are megabytes). */
  async latest(deviceId: string, kind: InventoryKind, withData: boolean): Promise<InventorySnapshotEntity | SnapshotHeader | null> {
    return this.snapshots.findOne({
      where: { deviceId, kind },
      order: { receivedAt: 'DESC', id: 'DESC' },
      ...(withData ? {} : { select: HEADER_COLUMNS }),
    });
  }

  async confirm(id: string, at: Date): Promise<void> {
    await this.snapshots.update({ id }, { lastConfirmedAt: at });
  }

  /** Inserts a snapshot; a software snapshot also replaces the device's rows in `device_software`, in one transaction. */
  async insert(snapshot: InventorySnapshotEntity, software?: readonly SoftwareItem[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.createQueryBuilder().insert().into(InventorySnapshotEntity).values(snapshot as QueryDeepPartialEntity<InventorySnapshotEntity>).updateEntity(false).execute();
      if (!software) return;
      await manager.delete(DeviceSoftwareEntity, { deviceId: snapshot.deviceId });
      for (let i = 0; i < software.length; i += SOFTWARE_CHUNK) {
        const rows = software.slice(i, i + SOFTWARE_CHUNK).map((item, j) => ({
          deviceId: snapshot.deviceId, position: i + j, name: item.name, nameLower: item.name.toLowerCase(), version: item.version,
        }));
        await manager.createQueryBuilder().insert().into(DeviceSoftwareEntity).values(rows).updateEntity(false).execute();
      }
    });
  }

  async history(deviceId: string, kind: InventoryKind | undefined, limit: number, offset: number, withData: boolean): Promise<[(InventorySnapshotEntity | SnapshotHeader)[], number]> {
    return this.snapshots.findAndCount({
      where: kind ? { deviceId, kind } : { deviceId },
      order: { receivedAt: 'DESC', id: 'DESC' },
      take: limit,
      skip: offset,
      ...(withData ? {} : { select: HEADER_COLUMNS }),
    });
  }
}
