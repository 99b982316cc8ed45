import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { InventoryKind } from '@borealis/protocol';
import { EpochColumn, JsonColumn } from '../../common/columns';

/**
 * One inventory state of a device. A row is added only when the data changed (hash), so the
 * rows of a device and kind are its history of changes; an identical report moves `lastConfirmedAt`.
 */
@Entity('inventory_snapshots')
@Index(['deviceId', 'kind', 'receivedAt'])
export class InventorySnapshotEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 36 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 16 })
  kind!: InventoryKind;

  /** When the agent collected it (agent clock). */
  @EpochColumn()
  collectedAt!: Date;

  /** When the server stored it (server clock): orders history. */
  @EpochColumn()
  receivedAt!: Date;

  /** Last time the agent reported exactly this state. */
  @EpochColumn()
  lastConfirmedAt!: Date;

  /** SHA-256 of the canonical stable view (`stableInventoryView`). */
  @Column({ type: 'varchar', length: 64 })
  hash!: string;

  /** Entries of list kinds (processes, software, updates); null for summaries. */
  @Column({ type: 'integer', nullable: true })
  itemCount!: number | null;

  @JsonColumn()
  data!: unknown;
}
