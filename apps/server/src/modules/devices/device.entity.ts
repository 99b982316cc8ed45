import { Column, Entity, Index, PrimaryColumn } from 'typeorm';
import type { RoleConfig, RoleExecutionContext, RoleStatus } from '@borealis/protocol';
import { EpochColumn, JsonColumn } from '../../common/columns';

/** A role as the device last reported it: what it can run and in which state it is. */
export interface DeviceRole {
  name: string;
  contexts: RoleExecutionContext[];
  status: RoleStatus | 'unknown';
  configRevision: number;
  error?: string;
}

/** One enrolled agent and the machine it runs on; the id is the agent id. */
@Entity('devices')
export class DeviceEntity {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  /** SHA-256 of the agent secret. */
  @Column({ type: 'varchar', length: 64 })
  secretHash!: string;

  @Index()
  @Column({ type: 'varchar', length: 255 })
  hostname!: string;

  @Column({ type: 'varchar', length: 255 })
  os!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  osVersion!: string;

  @Column({ type: 'varchar', length: 255 })
  arch!: string;

  @Column({ type: 'varchar', length: 255, default: '' })
  agentVersion!: string;

  @JsonColumn()
  roles!: DeviceRole[];

  /** Per-role config set by operators; pushed live to the agent. */
  @JsonColumn()
  roleConfig!: Record<string, RoleConfig>;

  @Column({ type: 'integer', default: 0 })
  configRevision!: number;

  @JsonColumn()
  tags!: string[];

  @Column({ type: 'boolean', default: false })
  online!: boolean;

  @EpochColumn({ nullable: true })
  lastSeen!: Date | null;

  @EpochColumn()
  enrolledAt!: Date;

  @Column({ type: 'varchar', length: 36, nullable: true })
  enrollmentTokenId!: string | null;

  /** Set by `DELETE /api/devices/:id`: the agent is refused from then on. */
  @Index()
  @EpochColumn({ nullable: true })
  revokedAt!: Date | null;
}
