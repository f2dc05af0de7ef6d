import { AppClient, createApp, ErrorReply } from './support/parley';

interface Token {
  uid: string;
  authToken: string;
  createdAt: number;
  platform?: string;
  userAgent?: string;
  appInfo?: Record<string, unknown>;
}

describe('auth tokens', () => {
  it('creates a new token per call, lists them masked, gets, updates, deletes and flushes', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    await rest.post('/users', { uid: 'max', name: 'Max' });
    const t1 = (await rest.post<{ data: Token }>('/users/max/auth_tokens', {})).body.data;
    const t2 = (await rest.post<{ data: Token }>('/users/max/auth_tokens', { force: true })).body
      .data;
    expect(t1.uid).toBe('max');
    expect(t1.authToken).not.toBe(t2.authToken);

    const list = await rest.get<{ data: Token[]; meta: { pagination: { total: number } } }>(
      '/users/max/auth_tokens',
    );
    expect(list.body.meta.pagination.total).toBe(2);
    for (const t of list.body.data) {
      expect(t.authToken).toMatch(/\*{4}/); // stored hashed: only a masked form can be listed
      expect([t1.authToken, t2.authToken]).not.toContain(t.authToken);
    }

    const updated = await rest.put<{ data: Token }>(`/users/max/auth_tokens/${t1.authToken}`, {
      platform: 'javascript',
      userAgent: 'jest',
      appInfo: { version: '1.2.3' },
    });
    expect(updated.body.data).toMatchObject({
      authToken: t1.authToken,
      platform: 'javascript',
      userAgent: 'jest',
      appInfo: { version: '1.2.3' },
    });
    expect(
      (await rest.get<{ data: Token }>(`/users/max/auth_tokens/${t1.authToken}`)).body.data
        .platform,
    ).toBe('javascript');

    expect((await rest.delete(`/users/max/auth_tokens/${t1.authToken}`)).status).toBe(200);
    const missing = await rest.get<ErrorReply>(`/users/max/auth_tokens/${t1.authToken}`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ERR_AUTH_TOKEN_NOT_FOUND');

    const asMax = new AppClient(app.appId, { authtoken: t2.authToken });
    expect((await asMax.get('/users/max')).status).toBe(200);
    expect((await rest.delete('/users/max/auth_tokens')).status).toBe(200);
    expect((await asMax.get('/users/max')).status).toBe(401);
    expect((await rest.get<{ data: Token[] }>('/users/max/auth_tokens')).body.data).toEqual([]);
  });

  it("refuses another user's token with ERR_AUTHTOKEN_NOT_ACCESSIBLE", async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/users', { uid: 'ann', name: 'Ann' });
    await rest.post('/users', { uid: 'ben', name: 'Ben' });
    const annToken = (await rest.post<{ data: Token }>('/users/ann/auth_tokens', {})).body.data
      .authToken;
    const res = await rest.get<ErrorReply>(`/users/ben/auth_tokens/${annToken}`);
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe('ERR_AUTHTOKEN_NOT_ACCESSIBLE');
    const del = await rest.delete<ErrorReply>(`/users/ben/auth_tokens/${annToken}`);
    expect(del.status).toBe(404);
    expect((await rest.get(`/users/ann/auth_tokens/${annToken}`)).status).toBe(200);
  });

  it('validates token updates', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/users', { uid: 'val', name: 'Val' });
    const t = (await rest.post<{ data: Token }>('/users/val/auth_tokens', {})).body.data.authToken;
    const res = await rest.put<ErrorReply>(`/users/val/auth_tokens/${t}`, {
      platform: 7,
      owner: 'x',
    });
    expect(res.status).toBe(400);
    expect(Object.keys(res.body.error.details ?? {}).sort()).toEqual(['owner', 'platform']);
  });
});
