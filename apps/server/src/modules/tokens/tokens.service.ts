import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { IsNull, Repository } from 'typeorm';
import { Clock } from '../../common/clock';
import { NotFoundError, UnauthorizedError } from '../../common/errors';
import { hashSecret, newSecret } from '../../common/secrets';
import { AuditService } from '../audit/audit.service';
import type { Principal } from '../auth/principal';
import { ApiTokenEntity } from './api-token.entity';

const DAY_MS = 86_400_000;
/** `lastUsedAt` is refreshed at most this often per token, so reads don't turn into writes. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface CreateTokenInput {
  name: string;
  scopes: string[];
  expiresInDays?: number;
}

@Injectable()
export class TokensService {
  constructor(
    @InjectRepository(ApiTokenEntity) private readonly tokens: Repository<ApiTokenEntity>,
    private readonly audit: AuditService,
    private readonly clock: Clock,
  ) {}

  async create(by: Principal, input: CreateTokenInput): Promise<{ entity: ApiTokenEntity; token: string }> {
    const token = newSecret('brl');
    const now = this.clock.now();
    const entity = await this.tokens.save(this.tokens.create({
      id: randomUUID(),
      name: input.name,
      tokenHash: hashSecret(token),
      scopes: [...new Set(input.scopes)],
      createdAt: now,
      expiresAt: input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * DAY_MS) : null,
      lastUsedAt: null,
      revokedAt: null,
      createdBy: by.name,
    }));
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'token.create', targetType: 'api_token', targetId: entity.id,
      details: { name: entity.name, scopes: entity.scopes, expiresAt: entity.expiresAt?.toISOString() ?? null },
    });
    return { entity, token };
  }

  list(): Promise<ApiTokenEntity[]> {
    return this.tokens.find({ where: { revokedAt: IsNull() }, order: { createdAt: 'ASC' } });
  }

  async revoke(by: Principal, id: string): Promise<void> {
    const entity = await this.tokens.findOneBy({ id, revokedAt: IsNull() });
    if (!entity) throw new NotFoundError('api_token', id);
    await this.tokens.update({ id }, { revokedAt: this.clock.now() });
    await this.audit.record({ type: 'token', principal: by }, {
      action: 'token.revoke', targetType: 'api_token', targetId: id, details: { name: entity.name },
    });
  }

  /** Resolves a bearer token to its principal, or throws 401 without saying which check failed. */
  async authenticate(token: string, ip: string | null): Promise<Principal> {
    const entity = await this.tokens.findOneBy({ tokenHash: hashSecret(token) });
    const now = this.clock.now();
    if (!entity || entity.revokedAt || (entity.expiresAt && entity.expiresAt <= now)) {
      throw new UnauthorizedError('unauthorized', 'invalid, expired or revoked token');
    }
    if (!entity.lastUsedAt || now.getTime() - entity.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
      await this.tokens.update({ id: entity.id }, { lastUsedAt: now });
    }
    return { tokenId: entity.id, name: entity.name, scopes: entity.scopes, ip };
  }

  /**
   * On an empty database, creates the admin token: the given value, or a random one that the
   * caller writes to a file. A given value is also re-created later if missing (break-glass),
   * unless it was revoked. Returns the token only when a random one was created.
   */
  async ensureAdminToken(given: string | undefined): Promise<{ created: boolean; generated?: string }> {
    if (given) {
      const existing = await this.tokens.findOneBy({ tokenHash: hashSecret(given) });
      if (existing) return { created: false };
      await this.insertAdmin(given);
      return { created: true };
    }
    if ((await this.tokens.count()) > 0) return { created: false };
    const generated = newSecret('brl');
    await this.insertAdmin(generated);
    return { created: true, generated };
  }

  private async insertAdmin(token: string): Promise<void> {
    const entity = await this.tokens.save(this.tokens.create({
      id: randomUUID(), name: 'admin', tokenHash: hashSecret(token), scopes: ['admin'], createdAt: this.clock.now(),
      expiresAt: null, lastUsedAt: null, revokedAt: null, createdBy: 'bootstrap',
    }));
    await this.audit.record({ type: 'system' }, { action: 'token.bootstrap', targetType: 'api_token', targetId: entity.id });
  }
}
