import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

/** Who is calling: an API token. Attached to the request by the auth guard. */
export interface Principal {
  tokenId: string;
  name: string;
  scopes: string[];
  ip: string | null;
}

export type AuthenticatedRequest = Request & { principal?: Principal };

/** Controller parameter decorator: the authenticated caller of this request. */
export const CurrentPrincipal = createParamDecorator((_data: unknown, context: ExecutionContext): Principal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('CurrentPrincipal used on a public route');
  return request.principal;
});
