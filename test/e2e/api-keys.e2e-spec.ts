import { AppClient, createApp, ErrorReply, http } from './support/parley';

interface Key {
  apiKey: string;
  name: string;
  scope: string;
  createdAt: number;
}
type Many = { data: Key[]; meta: { pagination: { total: number } } };

describe('/v3/apikeys', () => {
  it('creates, gets, renames, filters and deletes keys; a new key works at once', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const made = await rest.post<{ data: Key }>('/apikeys', {
      name: 'Backend',
      scope: 'fullAccess',
    });
    expect(made.status).toBe(200);
    expect(made.body.data).toMatchObject({ name: 'Backend', scope: 'fullAccess' });
    const key = made.body.data.apiKey;
    expect(key).toMatch(/^[0-9a-f]{40}$/);

    const withNew = await http<Many>('GET', `${rest.gateway}/v3/apikeys`, {
      headers: { appid: app.appId, apikey: key },
    });
    expect(withNew.status).toBe(200);
    expect(withNew.body.meta.pagination.total).toBe(3);

    const defaulted = await rest.post<{ data: Key }>('/apikeys', { name: 'Widget' });
    expect(defaulted.body.data.scope).toBe('authOnly');

    expect((await rest.get<{ data: Key }>(`/apikeys/${key}`)).body.data).toMatchObject({
      apiKey: key,
      name: 'Backend',
    });
    expect(
      (await rest.put<{ data: Key }>(`/apikeys/${key}`, { name: 'Renamed' })).body.data.name,
    ).toBe('Renamed');

    const onlyAuth = await rest.get<Many>('/apikeys?scope=authOnly');
    expect(onlyAuth.body.data.map((k) => k.name).sort()).toEqual(['Auth Key', 'Widget']);
    const search = await rest.get<Many>('/apikeys?searchKey=renam');
    expect(search.body.data.map((k) => k.name)).toEqual(['Renamed']);

    expect((await rest.delete(`/apikeys/${key}`)).status).toBe(200);
    const gone = await rest.get<ErrorReply>(`/apikeys/${key}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ERR_APIKEY_NOT_FOUND');
  });

  it('refuses a key acting on itself with ERR_APIKEY_NO_SELF_ACTION', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PUT', { name: 'me' }],
    ] as const) {
      const res = await rest.request<ErrorReply>(method, `/apikeys/${app.restKey}`, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('ERR_APIKEY_NO_SELF_ACTION');
    }
    expect((await rest.get('/apikeys')).status).toBe(200);
  });

  it('allows at most 25 keys per app', async () => {
    const rest = AppClient.rest(await createApp());
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        rest.post<{ data: Key } & ErrorReply>('/apikeys', { name: `k${i}` }),
      ),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(23); // 2 came with the app
    expect(results.filter((r) => r.status === 403).map((r) => r.body.error.code)).toEqual([
      'ERR_PLAN_QUOTA_RESTRICTION',
      'ERR_PLAN_QUOTA_RESTRICTION',
    ]);
    expect((await rest.get<Many>('/apikeys')).body.meta.pagination.total).toBe(25);
  });

  it('validates bodies and queries', async () => {
    const rest = AppClient.rest(await createApp());
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/apikeys', { scope: 'fullAccess' }, 'name'],
      ['POST', '/apikeys', { name: 'x', scope: 'root' }, 'scope'],
      ['POST', '/apikeys', { name: 'x'.repeat(101) }, 'name'],
      ['GET', '/apikeys?scope=everything', undefined, 'scope'],
      ['GET', '/apikeys?page=-1', undefined, 'page'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await rest.request<ErrorReply>(method, path, body);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toHaveProperty(field);
    }
    expect((await rest.get<Many>('/apikeys')).body.meta.pagination.total).toBe(2);
  });
});
