import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../common/clock';
import { GoneError, NotFoundError, UnauthorizedError } from '../../common/errors';
import { hashSecret, newSecret } from '../../common/secrets';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { DevicesService } from '../devices/devices.service';
import { EnrollmentTokenEntity } from './enrollment-token.entity';

const DEFAULT_EXPIRY_S = 86_400;

export interface CreateEnrollmentTokenInput {
  label?: string;
  maxUses?: number;
  expiresInSeconds?: number;
}

export interface EnrollInput {
  enrollmentToken: string;
  hostname: string;
  os: string;
  arch: string;
}

@Injectable()
export class EnrollmentService {
  constructor(
    @InjectRepository(EnrollmentTokenEntity) private readonly tokens: Repository<EnrollmentTokenEntity>,
    private readonly devices: DevicesService,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async createToken(by: Principal, input: CreateEnrollmentTokenInput): Promise<{ entity: EnrollmentTokenEntity; token: string }> {
    const token = newSecret('bre');
    const now = this.clock.now();
    const entity = await this.tokens.save(this.tokens.create({
      id: randomUUID(),
      label: input.label ?? null,
      tokenHash: hashSecret(token),
      maxUses: input.maxUses ?? null,
      uses: 0,
      expiresAt: new Date(now.getTime() + (input.expiresInSeconds ?? DEFAULT_EXPIRY_S) * 1000),
      revokedAt: null,
      createdAt: now,
      createdBy: by.name,
    }));
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'enrollment_token.create', targetType: 'enrollment_token', targetId: entity.id,
      details: { label: entity.label, maxUses: entity.maxUses, expiresAt: entity.expiresAt?.toISOString() },
    });
    return { entity, token };
  }

  listTokens(): Promise<EnrollmentTokenEntity[]> {
    return this.tokens.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async revokeToken(by: Principal, id: string): Promise<void> {
    const entity = await this.tokens.findOneBy({ id, revokedAt: IsNull() });
    if (!entity) throw new NotFoundError('enrollment_token', id);
    await this.tokens.update({ id }, { revokedAt: this.clock.now() });
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'enrollment_token.revoke', targetType: 'enrollment_token', targetId: id, details: { label: entity.label },
    });
  }

  /** Exchanges an enrollment token for a new agent id and secret (the secret is returned once). */
  async enroll(input: EnrollInput, ip: string | null): Promise<{ agentId: string; secret: string }> {
    const token = await this.tokens.findOneBy({ tokenHash: hashSecret(input.enrollmentToken) });
    const now = this.clock.now();
    if (!token || token.revokedAt) {
      throw new UnauthorizedError('enrollment_token_invalid', 'unknown or revoked enrollment token');
    }
    if (token.expiresAt && token.expiresAt <= now) {
      throw new GoneError('enrollment_token_expired', 'enrollment token has expired', { expiredAt: token.expiresAt.toISOString() });
    }
    // Conditional increment: two agents racing for the last use cannot both get it.
    const claimed = await this.tokens
      .createQueryBuilder()
      .update(EnrollmentTokenEntity)
      .set({ uses: () => '"uses" + 1' })
      .where('id = :id', { id: token.id })
      .andWhere('("maxUses" IS NULL OR "uses" < "maxUses")')
      .execute();
    if (!claimed.affected) {
      throw new GoneError('enrollment_token_exhausted', 'enrollment token has no uses left', { maxUses: token.maxUses });
    }
    const secret = newSecret('bra');
    const device = await this.devices.createEnrolled({
      secretHash: hashSecret(secret), hostname: input.hostname, os: input.os, arch: input.arch, enrollmentTokenId: token.id,
    });
    await this.audit.record({ type: 'agent', agentId: device.id, ip }, {
      action: 'agent.enroll', targetType: 'device', targetId: device.id,
      details: { hostname: input.hostname, enrollmentTokenId: token.id, label: token.label },
    });
    return { agentId: device.id, secret };
  }
}
