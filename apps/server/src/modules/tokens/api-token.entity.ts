import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import { EpochColumn, JsonColumn } from '../../common/columns';

@Entity('api_tokens')
export class ApiTokenEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 100 })
  name!: string;

  /** SHA-256 of the token; the token itself is shown once and never stored. */
  @Index({ unique: true })
  @Column({ type: 'varchar', length: 64 })
  tokenHash!: string;

  @JsonColumn()
  scopes!: string[];

  @EpochColumn()
  createdAt!: Date;

  @EpochColumn({ nullable: true })
  expiresAt!: Date | null;

  @EpochColumn({ nullable: true })
  lastUsedAt!: Date | null;

  @EpochColumn({ nullable: true })
  revokedAt!: Date | null;

  /** Name of the token that created this one (`bootstrap` for the first admin token). */
  @Column({ type: 'varchar', length: 100 })
  createdBy!: string;
}
