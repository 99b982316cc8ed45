import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RunStatus } from '@borealis/protocol';
import { EpochColumn } from '../../common/columns';

/** One job on one device: its status, exit code and output, kept forever as history. */
@Entity('runs')
@Index(['deviceId', 'status'])
@Index(['status', 'leaseExpiresAt'])
export class RunEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index()
  @Column({ type: 'varchar', length: 36 })
  jobId!: string;

  @Column({ type: 'varchar', length: 36 })
  deviceId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: RunStatus;

  @Column({ type: 'integer', nullable: true })
  exitCode!: number | null;

  @Column({ type: 'text', default: '' })
  stdout!: string;

  @Column({ type: 'text', default: '' })
  stderr!: string;

  @Column({ type: 'boolean', default: false })
  stdoutTruncated!: boolean;

  @Column({ type: 'boolean', default: false })
  stderrTruncated!: boolean;

  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @EpochColumn()
  queuedAt!: Date;

  @EpochColumn({ nullable: true })
  dispatchedAt!: Date | null;

  @EpochColumn({ nullable: true })
  startedAt!: Date | null;

  @EpochColumn({ nullable: true })
  finishedAt!: Date | null;

  /** Queued: when the job expires. Dispatched/running: when the run is given up as lost. */
  @EpochColumn({ nullable: true })
  leaseExpiresAt!: Date | null;
}
