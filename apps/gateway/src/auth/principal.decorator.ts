import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Principal } from '@parley/contracts';
import type { FastifyRequest } from 'fastify';

export type AuthedRequest = FastifyRequest & { principal?: Principal };

/** The principal the credential guard established for this request. */
export const CurrentPrincipal = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Principal => {
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    if (!req.principal) throw new Error('route has no credential guard');
    return req.principal;
  },
);
