import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { DomainError, parseOrThrow } from '@parley/common';
import { IdSchema, Principal } from '@parley/contracts';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { GATEWAY_ENV, GatewayEnv } from '../config/gateway-env';
import { OperatorKeyLimiter } from '../rate-limit/operator-key-limiter';
import { ACCESS, AccessRule } from './access.decorator';
import { appIdFrom } from './app-id';
import { CredentialCache } from './credential-cache';
import type { AuthedRequest } from './principal.decorator';

const DEFAULT_RULE: AccessRule = { kind: 'app', allow: ['fullAccess'] };
/** Built once: a zod schema compiles itself on first use, which costs more than a request. */
const OnBehalfOfSchema = z.object({ onBehalfOf: IdSchema });

/** The access rule of a route: its handler's, else its controller's, else fullAccess only. */
export function accessRuleOf(
  reflector: Reflector,
  handlerAndController: Parameters<Reflector['getAllAndOverride']>[1],
): AccessRule {
  return (
    reflector.getAllAndOverride<AccessRule | undefined>(ACCESS, handlerAndController) ??
    DEFAULT_RULE
  );
}

function header(req: AuthedRequest, name: string): string | undefined {
  const v = req.headers[name];
  const s = Array.isArray(v) ? v[0] : v;
  return s && s.trim() ? s.trim() : undefined;
}

/**
 * Establishes who is calling (ARCHITECTURE.md §6): the operator by `x-admin-key`, or an app's
 * credential (`apikey`, or a user's `authtoken`) with `onBehalfOf` for a fullAccess key. Wrong
 * operator keys are limited per client address (OperatorKeyLimiter).
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  private readonly adminKey: Buffer;

  constructor(
    private readonly reflector: Reflector,
    private readonly cache: CredentialCache,
    @Inject(GATEWAY_ENV) env: GatewayEnv,
    private readonly operatorKeys: OperatorKeyLimiter,
  ) {
    this.adminKey = Buffer.from(env.PARLEY_ADMIN_KEY);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = accessRuleOf(this.reflector, [ctx.getHandler(), ctx.getClass()]);
    if (rule.kind === 'public') return true;
    const http = ctx.switchToHttp();
    await this.admit(rule, http.getRequest<AuthedRequest>(), http.getResponse<FastifyReply>());
    return true;
  }

  /**
   * Admits a request under `rule` or throws its DomainError; an app credential's principal is set
   * on `req`. The guard of every Nest route, and called as it is by the gateway's plain routes.
   */
  async admit(rule: AccessRule, req: AuthedRequest, reply: FastifyReply): Promise<void> {
    if (rule.kind === 'public') return;
    if (rule.kind === 'admin') {
      await this.checkOperatorKey(req, reply);
      return;
    }
    req.principal = await this.authenticate(req);
    if (!rule.allow.includes(req.principal.kind)) {
      throw new DomainError(
        'AUTH_ERR_NO_ACCESS',
        `This credential (${req.principal.kind}) has no access to this API.`,
      );
    }
  }

  private async checkOperatorKey(req: AuthedRequest, reply: FastifyReply): Promise<true> {
    const refusal = await this.operatorKeys.refusal(req.ip);
    if (refusal) {
      void reply.headers(refusal.headers);
      throw new DomainError(
        'ERR_TOO_MANY_REQUESTS',
        'Too many wrong operator keys from this address this minute.',
      );
    }
    const given = Buffer.from(header(req, 'x-admin-key') ?? '');
    if (given.length === this.adminKey.length && timingSafeEqual(given, this.adminKey)) return true;
    const decision = await this.operatorKeys.failed(req.ip);
    void reply.headers(decision.headers);
    if (!decision.allowed) {
      throw new DomainError(
        'ERR_TOO_MANY_REQUESTS',
        'Too many wrong operator keys from this address this minute.',
      );
    }
    throw new DomainError('AUTH_ERR_NO_ACCESS', 'A valid x-admin-key header is required.');
  }

  private async authenticate(req: AuthedRequest): Promise<Principal> {
    const appId = appIdFrom(req.headers);
    if (!appId) throw new DomainError('AUTH_ERR_EMPTY_APPID');
    if (!/^[a-z0-9_-]{1,100}$/.test(appId)) throw new DomainError('AUTH_ERR_INVALID_APPID');
    const apiKey = header(req, 'apikey');
    const authToken = header(req, 'authtoken');
    if (!apiKey && !authToken)
      throw new DomainError('AUTH_ERR_EMPTY_APIKEY', 'Empty apiKey or authToken in the headers.');
    if (apiKey) {
      const principal = await this.cache.verify(appId, { apiKey });
      const onBehalfOf = header(req, 'onbehalfof');
      if (onBehalfOf && principal.kind === 'fullAccess') {
        const uid: string = parseOrThrow(OnBehalfOfSchema, { onBehalfOf }).onBehalfOf;
        return { ...principal, uid };
      }
      return principal;
    }
    return this.cache.verify(appId, { authToken: authToken as string });
  }
}
