import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ForbiddenError, UnauthorizedError } from '../../common/errors';
import { TokensService } from '../tokens/tokens.service';
import { PUBLIC_KEY, SCOPES_KEY } from './auth.decorators';
import type { AuthenticatedRequest } from './principal';
import { hasScope, type Scope } from './scopes';

/**
 * Global guard: every route needs a valid bearer token unless marked @Public(); a route that
 * declares no scope needs `admin`, so forgetting @RequireScope fails closed.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly tokens: TokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_KEY, targets)) return true;
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedError('unauthorized', 'missing bearer token');
    const principal = await this.tokens.authenticate(token, request.ip ?? null);
    const required = this.reflector.getAllAndOverride<Scope>(SCOPES_KEY, targets) ?? 'admin';
    if (!hasScope(principal.scopes, required)) {
      throw new ForbiddenError('missing_scope', `this action needs the ${required} scope`, { required });
    }
    request.principal = principal;
    return true;
  }
}

export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}
