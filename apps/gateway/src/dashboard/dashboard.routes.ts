import { DomainError, httpStatusFor } from '@parley/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { DashboardAsset } from './dashboard-assets';

/**
 * Headers of every dashboard file. The names carry no content hash, so browsers keep a copy but
 * revalidate it each time (`no-cache` with the ETag). The pages load only their own scripts and
 * styles and talk only to this gateway (`'self'` covers its ws: and wss: too).
 */
const FILE_HEADERS = {
  'cache-control': 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'content-security-policy':
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
};

/**
 * The web dashboard's static files: `/dashboard/` (index.html) and `/dashboard/<file>`, with
 * `/dashboard` redirected into the folder so the pages' relative URLs resolve inside it. Fastify
 * routes rather than a controller, because Nest folds `/dashboard/` into `/dashboard`. They need no
 * credential: the pages hold none, and every API call they make carries the operator's or the
 * app's keys.
 */
export function registerDashboardRoutes(
  fastify: FastifyInstance,
  assets: Map<string, DashboardAsset>,
): void {
  fastify.get('/dashboard', (_req, reply) =>
    reply.status(308).header('location', 'dashboard/').send(),
  );
  fastify.get('/dashboard/', (req, reply) => serve(assets.get('index.html'), req, reply));
  fastify.get<{ Params: { file: string } }>('/dashboard/:file', (req, reply) =>
    serve(assets.get(req.params.file), req, reply),
  );
}

function serve(asset: DashboardAsset | undefined, req: FastifyRequest, reply: FastifyReply) {
  if (!asset) {
    const error = new DomainError('ERR_API_NOT_FOUND', 'No such dashboard page.');
    return reply
      .status(httpStatusFor(error.code))
      .send({ error: { ...error.toBody(), source: 'parley' } });
  }
  void reply.headers({ ...FILE_HEADERS, etag: asset.etag });
  const known = req.headers['if-none-match']?.split(/\s*,\s*/) ?? [];
  if (known.includes(asset.etag)) return reply.status(304).send();
  return reply.type(asset.contentType).send(asset.body);
}
