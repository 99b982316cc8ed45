import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { ErrorResponseDto } from '../../common/error-response.dto';
import type { Scope } from './scopes';

export const PUBLIC_KEY = 'borealis:public';
export const SCOPES_KEY = 'borealis:scopes';

/** No token needed (health, docs, agent enrollment). */
export const Public = () => SetMetadata(PUBLIC_KEY, true);

/** The route needs a token holding this scope (or `admin`). */
export function RequireScope(scope: Scope) {
  return applyDecorators(
    SetMetadata(SCOPES_KEY, scope),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'missing, unknown, expired or revoked token', type: ErrorResponseDto }),
    ApiForbiddenResponse({ description: `token lacks scope ${scope}`, type: ErrorResponseDto }),
  );
}
