import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochColumn } from '../../common/columns';

@Entity('enrollment_tokens')
export class EnrollmentTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100, nullable: true })
  label!: string | null;

  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  /** Null: unlimited until expiry or revocation. */
  @Column({ type: 'integer', nullable: true })
  maxUses!: number | null;

  @Column({ type: 'integer', default: 0 })
  uses!: number;

  @EpochColumn({ nullable: true })
  expiresAt!: Date | null;

  @EpochColumn({ nullable: true })
  revokedAt!: Date | null;

  @EpochColumn()
  createdAt!: Date;

  @Column({ type: 'varchar', length: 100 })
  createdBy!: string;
}
