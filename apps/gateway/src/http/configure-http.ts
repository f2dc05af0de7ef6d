import { randomUUID } from 'node:crypto';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { Reflector } from '@nestjs/core';
import {
  CORRELATION_HEADER,
  DomainError,
  MessageBus,
  Metrics,
  runWithCorrelation,
} from '@parley/common';
import { CredentialGuard } from '../auth/credential.guard';
import { plainMessageRoutes } from '../messages/messages.controller';
import { RateLimitService } from '../rate-limit/rate-limit.service';
import { ErrorEnvelopeFilter } from './error.filter';
import { servePlainRoutes } from './plain-routes';
import { hasUnsafeText } from './safe-text';

/** Headers browser clients (the CometChat SDK among them) send. */
export const CORS_ALLOWED_HEADERS = [
  'accept',
  'content-type',
  'appid',
  'apikey',
  'authtoken',
  'onbehalfof',
  'resource',
  'sdk',
  'chatapiversion',
  'x-requested-with',
  'x-correlation-id',
  'x-admin-key',
  'onbehalfofuser',
  'settingshash',
  'settingshashreceivedat',
  'authorization',
];

/**
 * The gateway's HTTP edge: correlation ids, lenient JSON, CORS, the error envelope, and the hottest
 * routes served by plain handlers (http/plain-routes.ts).
 */
export function configureHttp(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();

  fastify.addHook('onRequest', (req, reply, done) => {
    const given = req.headers[CORRELATION_HEADER];
    const id = typeof given === 'string' && /^[\w.-]{1,100}$/.test(given) ? given : randomUUID();
    void reply.header(CORRELATION_HEADER, id);
    runWithCorrelation(id, done);
  });

  const metrics = app.get(Metrics);
  fastify.addHook('onResponse', (req, reply, done) => {
    const route = req.routeOptions.url ?? 'unmatched';
    metrics.httpRequests.observe(
      { method: req.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
    done();
  });

  // An empty body is `{}` (DELETE with `Content-Type: application/json` and no body is common).
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (!text.trim()) return done(null, {});
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      const err = Object.assign(new Error('The request body is not valid JSON.'), {
        statusCode: 400,
        code: 'FST_ERR_CTP_INVALID_JSON',
      });
      return done(err, undefined);
    }
    done(null, parsed);
  });

  fastify.addHook('preHandler', (req, _reply, done) => {
    // CometChat's client SDK pages with `per_page`; the REST API (and Parley) say `perPage`.
    const query = req.query as Record<string, unknown> | undefined;
    if (query && query.per_page !== undefined) {
      query.perPage ??= query.per_page;
      delete query.per_page;
    }
    const part = hasUnsafeText(req.body)
      ? 'body'
      : hasUnsafeText(req.query)
        ? 'query'
        : hasUnsafeText(req.params)
          ? 'path'
          : undefined;
    if (part) {
      return done(
        new DomainError(
          'ERR_BAD_REQUEST',
          'The request contains text that is not valid Unicode, or a NUL character.',
          {
            [part]: ['contains a NUL character, a lone surrogate or nesting deeper than 64 levels'],
          },
        ),
      );
    }
    done();
  });

  app.enableCors({
    origin: true,
    methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
    allowedHeaders: CORS_ALLOWED_HEADERS,
    exposedHeaders: [
      'x-correlation-id',
      'x-rate-limit',
      'x-rate-limit-remaining',
      'retry-after',
      'x-rate-limit-reset',
    ],
    maxAge: 600,
  });
  app.useGlobalFilters(new ErrorEnvelopeFilter());

  servePlainRoutes(
    fastify as unknown as FastifyInstance, // typed by @nestjs/platform-fastify's own copy of fastify
    {
      reflector: app.get(Reflector),
      guard: app.get(CredentialGuard),
      rateLimits: app.get(RateLimitService),
    },
    plainMessageRoutes(app.get(MessageBus)),
  );
}
