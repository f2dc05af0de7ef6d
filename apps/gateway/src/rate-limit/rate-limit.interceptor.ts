import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { DomainError } from '@parley/common';
import type { FastifyReply } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import type { AuthedRequest } from '../auth/principal.decorator';
import { bucketOf } from './rate-limit-bucket';
import { RateLimitService } from './rate-limit.service';
import { scopeOf } from './request-scopes';

/**
 * Applies the app's rate limits to every request an app credential authenticated, and then the
 * per-user or per-address budget the request also spends (request-scopes.ts), if any. Interceptors run
 * after every guard, so the credential guard has set the principal (operator, health and public
 * routes have none and are not limited) and requests refused by it are not counted; a refused
 * request (429) never reaches the controller.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly rateLimits: RateLimitService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const principal = req.principal;
    if (!principal) return next.handle();
    const bucket = bucketOf({
      method: req.method,
      routeTemplate: req.routeOptions.url ?? '',
      principal,
      body: req.body,
    });
    const scoped = scopeOf({
      method: req.method,
      routeTemplate: req.routeOptions.url ?? '',
      principal,
      ip: req.ip,
    });
    return from(this.rateLimits.admit(principal.appId, bucket)).pipe(
      switchMap(async (decision) => {
        void ctx.switchToHttp().getResponse<FastifyReply>().headers(decision.headers);
        if (!decision.allowed) {
          throw new DomainError(
            'ERR_TOO_MANY_REQUESTS',
            `This app made more ${bucket} requests this minute than its limit allows.`,
          );
        }
        if (!scoped) return;
        // Past a user's or an address's budget the refusal carries that budget's headers.
        const own = await this.rateLimits.admit(principal.appId, scoped.scope, scoped.subject);
        if (!own.allowed) {
          void ctx.switchToHttp().getResponse<FastifyReply>().headers(own.headers);
          throw new DomainError(
            'ERR_TOO_MANY_REQUESTS',
            scoped.scope === 'user'
              ? 'This user sent more messages this minute than the app allows.'
              : 'Too many logins from this address this minute.',
          );
        }
      }),
      switchMap(() => next.handle()),
    );
  }
}
