import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { EpochColumn, JsonColumn } from '../../common/columns';

/** One powerful action: who did what to which object, when and from where. */
@Entity('audit_log')
export class AuditEntryEntity {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Index()
  @EpochColumn()
  at!: Date;

  /** `token`, `agent` or `system`. */
  @Column({ type: 'varchar', length: 16 })
  actorType!: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  actorId!: string | null;

  @Column({ type: 'varchar', length: 100, nullable: true })
  actorName!: string | null;

  @Index()
  @Column({ type: 'varchar', length: 64 })
  action!: string;

  @Column({ type: 'varchar', length: 32, nullable: true })
  targetType!: string | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  targetId!: string | null;

  @JsonColumn({ nullable: true })
  details!: Record<string, unknown> | null;

  @Column({ type: 'varchar', length: 64, nullable: true })
  ip!: string | null;
}
