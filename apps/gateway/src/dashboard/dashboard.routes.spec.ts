import Fastify, { FastifyInstance } from 'fastify';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadDashboardAssets } from './dashboard-assets';
import { registerDashboardRoutes } from './dashboard.routes';

describe('dashboard routes', () => {
  let app: FastifyInstance;

  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>Parley</title>');
    writeFileSync(path.join(dir, 'app.js'), 'export {};');
    writeFileSync(path.join(dir, 'style.css'), 'body{}');
    writeFileSync(path.join(dir, 'notes.txt'), 'not a page');
    mkdirSync(path.join(dir, 'sub'));
    writeFileSync(path.join(dir, 'sub', 'x.js'), 'export {};');
    app = Fastify();
    registerDashboardRoutes(app, loadDashboardAssets(dir));
    await app.ready();
  });
  afterAll(() => app.close());

  it('redirects /dashboard into the folder, whose index is the page', async () => {
    const bare = await app.inject('/dashboard');
    expect(bare.statusCode).toBe(308);
    expect(bare.headers.location).toBe('dashboard/');
    const index = await app.inject('/dashboard/');
    expect(index.statusCode).toBe(200);
    expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(index.body).toContain('<title>Parley</title>');
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8'],
    ['style.css', 'text/css; charset=utf-8'],
    ['index.html', 'text/html; charset=utf-8'],
  ])('serves %s as %s, revalidated by its ETag', async (file, type) => {
    const first = await app.inject(`/dashboard/${file}`);
    expect(first.statusCode).toBe(200);
    expect(first.headers['content-type']).toBe(type);
    expect(first.headers['cache-control']).toBe('no-cache');
    expect(first.headers['x-content-type-options']).toBe('nosniff');
    expect(first.headers['content-security-policy']).toContain("default-src 'self'");
    const again = await app.inject({
      url: `/dashboard/${file}`,
      headers: { 'if-none-match': String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    const changed = await app.inject({
      url: `/dashboard/${file}`,
      headers: { 'if-none-match': '"something-else"' },
    });
    expect(changed.statusCode).toBe(200);
  });

  it.each(['missing.js', 'notes.txt', 'sub', 'sub%2Fx.js', '..%2Fapp.js', '%2E%2E%2Fapp.js'])(
    'answers %s with a CometChat 404',
    async (file) => {
      const res = await app.inject(`/dashboard/${file}`);
      expect(res.statusCode).toBe(404);
      expect(res.json()).toEqual({
        error: expect.objectContaining({ code: 'ERR_API_NOT_FOUND' }),
      });
    },
  );

  it('serves nothing when the dashboard was not built', async () => {
    const empty = Fastify();
    registerDashboardRoutes(empty, loadDashboardAssets('/nonexistent/dashboard'));
    expect((await empty.inject('/dashboard/')).statusCode).toBe(404);
    await empty.close();
  });
});
