import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { Clock } from '../../common/clock';
import type { Principal } from '../auth/principal';
import { AuditEntryEntity } from './audit-entry.entity';

export type AuditActor =
  | { type: 'token'; principal: Principal }
  | { type: 'agent'; agentId: string; ip?: string | null }
  | { type: 'system' };

export interface AuditRecord {
  action: string;
  targetType?: string;
  targetId?: string;
  details?: Record<string, unknown>;
}

export interface AuditQuery {
  action?: string;
  actorId?: string;
  targetId?: string;
  since?: Date;
  limit: number;
  beforeId?: number;
}

@Injectable()
export class AuditService {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectRepository(AuditEntryEntity) private readonly entries: Repository<AuditEntryEntity>,
    private readonly clock: Clock,
  ) {}

  /** Writes one audit entry; awaited by callers so a powerful action never goes unrecorded. */
  async record(actor: AuditActor, record: AuditRecord): Promise<AuditEntryEntity> {
    const entry = this.entries.create({
      at: this.clock.now(),
      actorType: actor.type,
      actorId: actor.type === 'token' ? actor.principal.tokenId : actor.type === 'agent' ? actor.agentId : null,
      actorName: actor.type === 'token' ? actor.principal.name : actor.type === 'agent' ? `agent:${actor.agentId}` : 'system',
      ip: actor.type === 'token' ? actor.principal.ip : actor.type === 'agent' ? actor.ip ?? null : null,
      action: record.action,
      targetType: record.targetType ?? null,
      targetId: record.targetId ?? null,
      details: record.details ?? null,
    });
    const saved = await this.entries.save(entry);
    this.logger.log({ audit: { action: saved.action, actor: saved.actorName, target: saved.targetId } }, 'audit');
    return saved;
  }

  /** Newest first; `beforeId` pages backwards. */
  async list(query: AuditQuery): Promise<AuditEntryEntity[]> {
    const qb = this.entries.createQueryBuilder('a').orderBy('a.id', 'DESC').limit(query.limit);
    if (query.action) qb.andWhere('a.action = :action', { action: query.action });
    if (query.actorId) qb.andWhere('a.actorId = :actorId', { actorId: query.actorId });
    if (query.targetId) qb.andWhere('a.targetId = :targetId', { targetId: query.targetId });
    if (query.since) qb.andWhere('a.at >= :since', { since: query.since.getTime() });
    if (query.beforeId) qb.andWhere('a.id < :beforeId', { beforeId: query.beforeId });
    return qb.getMany();
  }
}
