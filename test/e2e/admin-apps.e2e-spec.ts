import {
  adminKey,
  AppClient,
  createApp,
  ErrorReply,
  gateways,
  http,
  onOneProcess,
  uniqueId,
} from './support/parley';

describe('operator API /admin/apps', () => {
  const gw = () => gateways()[0];
  const admin = () => ({ 'x-admin-key': adminKey() });

  it('creates an app with a REST (fullAccess) key and an Auth (authOnly) key', async () => {
    const appId = uniqueId('app');
    const res = await http<{
      data: {
        appId: string;
        name: string;
        apiKeys: Array<{ apiKey: string; name: string; scope: string }>;
      };
    }>('POST', `${gw()}/admin/apps`, {
      headers: admin(),
      body: { name: 'Acme', appId: appId.toUpperCase() },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.appId).toBe(appId); // lower-cased
    expect(res.body.data.name).toBe('Acme');
    expect(res.body.data.apiKeys.map((k) => [k.name, k.scope])).toEqual([
      ['Rest API Key', 'fullAccess'],
      ['Auth Key', 'authOnly'],
    ]);
    for (const k of res.body.data.apiKeys) expect(k.apiKey).toMatch(/^[0-9a-f]{40}$/);
  });

  it('refuses a duplicate appId with 409', async () => {
    const app = await createApp();
    const res = await http<ErrorReply>('POST', `${gw()}/admin/apps`, {
      headers: admin(),
      body: { name: 'x', appId: app.appId },
    });
    expect(res.status).toBe(409);
    expect(res.body.error.code).toBe('ERR_APP_ALREADY_EXISTS');
  });

  it('refuses requests without the right admin key', async () => {
    const attempts: Array<Record<string, string>> = [
      {},
      { 'x-admin-key': 'wrong' },
      { 'x-admin-key': `${adminKey()}x` },
    ];
    for (const headers of attempts) {
      const res = await http<ErrorReply>('POST', `${gw()}/admin/apps`, {
        headers,
        body: { name: 'x' },
      });
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('AUTH_ERR_NO_ACCESS');
    }
    const list = await http<ErrorReply>('GET', `${gw()}/admin/apps`, {
      headers: { 'x-admin-key': 'nope' },
    });
    expect(list.status).toBe(403);
  });

  it('gets, lists, renames, changes limits and deletes an app', async () => {
    const app = await createApp('Before');
    const got = await http<{ data: { name: string; limits: Record<string, number> } }>(
      'GET',
      `${gw()}/admin/apps/${app.appId}`,
      { headers: admin() },
    );
    expect(got.body.data).toMatchObject({
      name: 'Before',
      limits: { coreRequestsPerMinute: 10000, standardRequestsPerMinute: 20000 },
    });

    const patched = await http<{ data: { name: string; limits: Record<string, number> } }>(
      'PATCH',
      `${gw()}/admin/apps/${app.appId}`,
      {
        headers: admin(),
        body: { name: 'After', limits: { standardRequestsPerMinute: 500 } },
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.data).toMatchObject({
      name: 'After',
      limits: { coreRequestsPerMinute: 10000, standardRequestsPerMinute: 500 },
    });

    const list = await http<{ data: Array<{ appId: string }> }>('GET', `${gw()}/admin/apps`, {
      headers: admin(),
    });
    expect(list.body.data.map((a) => a.appId)).toContain(app.appId);

    const rest = AppClient.rest(app);
    expect((await rest.get('/apikeys')).status).toBe(200);
    const del = await http<{ data: { success: boolean } }>(
      'DELETE',
      `${gw()}/admin/apps/${app.appId}`,
      { headers: admin() },
    );
    expect(del.body.data.success).toBe(true);

    const after = await http<ErrorReply>('GET', `${gw()}/admin/apps/${app.appId}`, {
      headers: admin(),
    });
    expect(after.status).toBe(404);
    expect(after.body.error.code).toBe('ERR_APP_NOT_FOUND');
    // The app's keys died with it, on every gateway.
    for (const g of gateways()) {
      const res = await rest.on(g).get<ErrorReply>('/apikeys');
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('AUTH_ERR_INVALID_APPID');
    }
  });

  it('validates the body: bad appId, empty name, unknown fields, bad limits', async () => {
    const cases: Array<[unknown, string]> = [
      [{ name: 'x', appId: 'has space' }, 'appId'],
      [{ name: '' }, 'name'],
      [{ name: 'x', extra: true }, 'extra'],
      [{}, 'name'],
      [{ name: 42 }, 'name'],
    ];
    for (const [body, field] of cases) {
      const res = await http<ErrorReply>('POST', `${gw()}/admin/apps`, { headers: admin(), body });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(Object.keys(res.body.error.details ?? {})).toContain(field);
    }
    const app = await createApp();
    const bad = await http<ErrorReply>('PATCH', `${gw()}/admin/apps/${app.appId}`, {
      headers: admin(),
      body: { limits: { coreRequestsPerMinute: -1 } },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty(['limits.coreRequestsPerMinute']);
  });
});

describe('ops endpoints', () => {
  it('serves liveness, readiness, metrics and the OpenAPI document without credentials', async () => {
    const gw = gateways()[0];
    expect((await http('GET', `${gw}/health/live`)).status).toBe(200);
    const ready = await http<{ status: string; checks: Record<string, string> }>(
      'GET',
      `${gw}/health/ready`,
    );
    expect(ready.body).toEqual({
      status: 'ok',
      service: 'gateway',
      pid: expect.any(Number),
      // The one-process mode has neither NATS nor Redis to check.
      checks: onOneProcess() ? {} : { nats: 'ok', redis: 'ok' },
    });
    const metrics = await http<string>('GET', `${gw}/metrics`);
    expect(metrics.body).toContain('parley_http_request_duration_seconds');
    const docs = await http<{ openapi: string; paths: Record<string, Record<string, unknown>> }>(
      'GET',
      `${gw}/docs`,
    );
    expect(docs.body.openapi).toBe('3.1.0');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining([
        '/admin/apps',
        '/v3/users',
        '/v3/users/{uid}',
        '/v3/users/{uid}/auth_tokens',
        '/v3/apikeys/{apiKey}',
      ]),
    );
    expect(docs.body.paths['/v3/users'].post).toMatchObject({
      'x-parley-credential': ['fullAccess', 'authOnly'],
    });
  });

  it('answers unknown routes with ERR_API_NOT_FOUND', async () => {
    const app = await createApp();
    const res = await AppClient.rest(app).get<ErrorReply>('/no-such-thing');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ERR_API_NOT_FOUND');
  });
});
