import { Controller, Get, Header, HttpCode, Post } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { DomainError } from '@parley/common';
import Fastify, { FastifyInstance } from 'fastify';
import { Allow } from '../auth/access.decorator';
import type { CredentialGuard } from '../auth/credential.guard';
import type { AuthedRequest } from '../auth/principal.decorator';
import type { RateLimitService } from '../rate-limit/rate-limit.service';
import { plainRoute, servePlainRoutes } from './plain-routes';

@Controller(['v3/things', 'v3.0/things'])
@Allow('fullAccess', 'user')
class ThingsController {
  @Post()
  @HttpCode(200)
  create() {}

  @Get(':id')
  @Header('content-type', 'application/json; charset=utf-8')
  get() {}

  @Post(':id/other')
  other() {}
}

/** A Fastify instance serving `ThingsController`'s routes as Nest would register them. */
function setUp(opts: { refuse?: DomainError; omitRoute?: boolean } = {}) {
  const steps: string[] = [];
  const guard = {
    admit: async (rule: unknown, req: AuthedRequest) => {
      steps.push(`guard ${JSON.stringify(rule)}`);
      if (opts.refuse) throw opts.refuse;
      req.principal = { appId: 'acme', kind: 'user', uid: 'alice' };
    },
  } as unknown as CredentialGuard;
  const rateLimits = {
    admitRequest: async (req: AuthedRequest) => {
      steps.push(`limits ${req.routeOptions.url}`);
    },
  } as unknown as RateLimitService;
  const fastify: FastifyInstance = Fastify();
  fastify.setErrorHandler((err, _req, reply) => {
    void reply.status(403).send({ error: (err as DomainError).code });
  });
  servePlainRoutes(fastify, { reflector: new Reflector(), guard, rateLimits }, [
    plainRoute(ThingsController, 'create', async (p, req) => ({ by: p.uid, body: req.body })),
    plainRoute(ThingsController, 'get', async (p, req) =>
      JSON.stringify({ id: (req.params as { id: string }).id }),
    ),
  ]);
  const nest = async () => ({ servedBy: 'nest' });
  for (const base of ['/v3/things', '/v3.0/things']) {
    if (!opts.omitRoute) fastify.post(base, nest);
    fastify.get(`${base}/:id`, nest);
    fastify.post(`${base}/:id/other`, nest);
  }
  return { fastify, steps };
}

describe('servePlainRoutes', () => {
  it("serves a route with the guard, then the rate limits, then its function, with the route's status", async () => {
    const { fastify, steps } = setUp();
    const res = await fastify.inject({ method: 'POST', url: '/v3.0/things', payload: { a: 1 } });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ by: 'alice', body: { a: 1 } });
    expect(steps).toEqual([
      'guard {"kind":"app","allow":["fullAccess","user"]}',
      'limits /v3.0/things',
    ]);
  });

  it("sets the route's declared headers", async () => {
    const { fastify } = setUp();
    const res = await fastify.inject({ method: 'GET', url: '/v3/things/t1' });
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.json()).toEqual({ id: 't1' });
  });

  it('leaves the routes it does not name, and requests with an empty parameter, to Nest', async () => {
    const { fastify } = setUp();
    const other = await fastify.inject({ method: 'POST', url: '/v3/things/t1/other' });
    expect(other.json()).toEqual({ servedBy: 'nest' });
    const empty = await fastify.inject({ method: 'GET', url: '/v3/things/' });
    expect(empty.json()).toEqual({ servedBy: 'nest' });
  });

  it("passes the guard's refusal to the error handler, before the rate limits", async () => {
    const { fastify, steps } = setUp({ refuse: new DomainError('AUTH_ERR_NO_ACCESS') });
    const res = await fastify.inject({ method: 'POST', url: '/v3/things', payload: {} });
    expect(res.statusCode).toBe(403);
    expect(res.json()).toEqual({ error: 'AUTH_ERR_NO_ACCESS' });
    expect(steps).toHaveLength(1);
  });

  it('refuses to start when a named route was never registered', async () => {
    const { fastify } = setUp({ omitRoute: true });
    await expect(fastify.ready()).rejects.toThrow(
      'plain routes not registered: POST /v3/things, POST /v3.0/things',
    );
  });
});
