import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochColumn, JsonColumn } from '../../common/columns';

export interface JobTarget {
  deviceIds?: string[];
  tags?: string[];
  all?: boolean;
}

/** One request to run a role's job on a set of devices; each device gets a run. */
@Entity('jobs')
export class JobEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  role!: string;

  @JsonColumn()
  target!: JobTarget;

  /** The role's payload (a script body for script roles): never logged. */
  @JsonColumn()
  payload!: unknown;

  @Column({ type: 'integer' })
  timeoutSeconds!: number;

  /** Runs still queued at this time end as `expired`. */
  @EpochColumn()
  expiresAt!: Date;

  @Index()
  @EpochColumn()
  createdAt!: Date;

  @Column({ type: 'varchar', length: 100 })
  createdBy!: string;

  @Column({ type: 'integer' })
  runCount!: number;

  @EpochColumn({ nullable: true })
  cancelledAt!: Date | null;
}
