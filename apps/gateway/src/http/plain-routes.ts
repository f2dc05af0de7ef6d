import { RequestMethod, Type } from '@nestjs/common';
import {
  HEADERS_METADATA,
  HTTP_CODE_METADATA,
  METHOD_METADATA,
  PATH_METADATA,
} from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';
import type { Principal } from '@parley/contracts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { accessRuleOf, CredentialGuard } from '../auth/credential.guard';
import type { AuthedRequest } from '../auth/principal.decorator';
import { RateLimitService } from '../rate-limit/rate-limit.service';

/**
 * A controller route served by a plain Fastify handler: `serve` does what the controller method
 * does with what its parameter decorators would give it. The route itself (method, paths, access
 * rule, status, headers, OpenAPI entry) stays the controller method's, read from its decorators.
 */
export interface PlainRoute {
  controller: Type<unknown>;
  method: string;
  serve: (principal: Principal, req: AuthedRequest) => Promise<unknown>;
}

/** `plainRoute(MessagesController, 'send', serve)`, with the method name checked. */
export function plainRoute<C>(
  controller: Type<C>,
  method: keyof C & string,
  serve: PlainRoute['serve'],
): PlainRoute {
  return { controller, method, serve };
}

interface HeaderSpec {
  name: string;
  value: string | (() => string);
}

/** `/v3.0/messages/` and `v3.0/messages` alike: the path as `/`-joined segments. */
function normalizedPath(...parts: string[]): string {
  return `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;
}

/**
 * Serves `routes` with plain handlers in place of Nest's: the same credential check
 * (CredentialGuard.admit) and rate limits (RateLimitService.admitRequest), in the same order, then
 * the route's status and headers and `serve`; errors go to the error handler Nest gave Fastify,
 * which answers them with the same ErrorEnvelopeFilter. What they skip is Nest's per-request
 * machinery (execution contexts, Reflector look-ups, rxjs, parameter decorators). Fastify's hooks
 * (correlation id, CORS, metrics, the unsafe-text check) run as for every route. Call before the
 * routes are registered (`app.init()`); the application fails to start if one is not found.
 */
export function servePlainRoutes(
  fastify: FastifyInstance,
  deps: { reflector: Reflector; guard: CredentialGuard; rateLimits: RateLimitService },
  routes: readonly PlainRoute[],
): void {
  const plain = new Map<string, (req: AuthedRequest, reply: FastifyReply) => Promise<unknown>>();
  for (const route of routes) {
    const handler = (route.controller.prototype as Record<string, unknown>)[route.method];
    if (typeof handler !== 'function') throw new Error(`no route method ${route.method}`);
    const rule = accessRuleOf(deps.reflector, [handler, route.controller]);
    if (rule.kind !== 'app')
      throw new Error(`${route.method}: plain routes need an app credential`);
    const verb = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as number];
    const status =
      (Reflect.getMetadata(HTTP_CODE_METADATA, handler) as number | undefined) ??
      (verb === 'POST' ? 201 : 200);
    const headers = (Reflect.getMetadata(HEADERS_METADATA, handler) ?? []) as HeaderSpec[];
    const serve = async (req: AuthedRequest, reply: FastifyReply): Promise<unknown> => {
      await deps.guard.admit(rule, req, reply);
      void reply.code(status);
      for (const h of headers)
        void reply.header(h.name, typeof h.value === 'function' ? h.value() : h.value);
      await deps.rateLimits.admitRequest(req, reply);
      return route.serve(req.principal as Principal, req);
    };
    const bases = ([] as string[]).concat(
      Reflect.getMetadata(PATH_METADATA, route.controller) ?? '',
    );
    const sub = (Reflect.getMetadata(PATH_METADATA, handler) as string | undefined) ?? '';
    for (const base of bases) plain.set(`${verb} ${normalizedPath(base, sub)}`, serve);
  }

  const replaced = new Set<string>();
  fastify.addHook('onRoute', (opts) => {
    const key = `${String(opts.method)} ${normalizedPath(opts.url)}`;
    const serve = plain.get(key);
    if (!serve) return;
    const nest = opts.handler;
    const hasParams = opts.url.includes(':');
    // A request with an empty parameter (`/users//messages`) goes to Nest's handler, which sends
    // it to the not-found handler.
    opts.handler = function plainHandler(this: FastifyInstance, req, reply) {
      if (hasParams) {
        const params = req.params as Record<string, string>;
        for (const name in params) if (params[name] === '') return nest.call(this, req, reply);
      }
      return serve(req, reply);
    };
    replaced.add(key);
  });
  fastify.addHook('onReady', (done) => {
    const missing = [...plain.keys()].filter((k) => !replaced.has(k));
    done(
      missing.length ? new Error(`plain routes not registered: ${missing.join(', ')}`) : undefined,
    );
  });
}
