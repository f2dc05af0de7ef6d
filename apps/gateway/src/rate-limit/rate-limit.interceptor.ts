import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { from, Observable, switchMap } from 'rxjs';
import type { AuthedRequest } from '../auth/principal.decorator';
import { RateLimitService } from './rate-limit.service';

/**
 * Applies the rate limits (`RateLimitService.admitRequest`) to every request an app credential
 * authenticated. Interceptors run after every guard, so the credential guard has set the principal
 * (operator, health and public routes have none and are not limited) and requests refused by it
 * are not counted; a refused request (429) never reaches the controller.
 */
@Injectable()
export class RateLimitInterceptor implements NestInterceptor {
  constructor(private readonly rateLimits: RateLimitService) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const http = ctx.switchToHttp();
    const req = http.getRequest<AuthedRequest>();
    if (!req.principal) return next.handle();
    return from(this.rateLimits.admitRequest(req, http.getResponse<FastifyReply>())).pipe(
      switchMap(() => next.handle()),
    );
  }
}
