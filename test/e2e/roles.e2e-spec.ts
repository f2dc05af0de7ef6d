import { AppClient, createApp, ErrorReply, gateways } from './support/parley';

interface Role {
  role: string;
  name: string;
  description?: string;
  metadata?: Record<string, unknown>;
  settings: { listUsers: string; sendMessagesTo: string };
  createdAt: number;
  updatedAt: number;
}
type One = { data: Role };
type Many = {
  data: Role[];
  meta: {
    pagination: {
      total: number;
      count: number;
      per_page: number;
      current_page: number;
      total_pages: number;
    };
  };
};
type UserReply = { data: { uid: string; role: string } };

const ALL = { listUsers: 'all', sendMessagesTo: 'all' };

describe('/v3/roles', () => {
  it('creates, gets, lists, updates and deletes a role in CometChat shape', async () => {
    const rest = AppClient.rest(await createApp());
    const before = Math.floor(Date.now() / 1000);
    const made = await rest.post<One>('/roles', {
      role: 'Moderator',
      name: 'Moderator',
      description: 'Keeps the peace',
      metadata: { level: 2 },
      settings: { listUsers: 'friendsOnly' },
    });
    expect(made.status).toBe(200);
    expect(made.body.data).toEqual({
      role: 'moderator',
      name: 'Moderator',
      description: 'Keeps the peace',
      metadata: { level: 2 },
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(made.body.data.createdAt).toBeGreaterThanOrEqual(before);

    const got = await rest.get<One>('/roles/MODERATOR');
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(made.body.data);

    const list = await rest.get<Many>('/roles');
    expect(list.status).toBe(200);
    expect(list.body.data.map((r) => r.role)).toEqual(['default', 'moderator']);
    expect(list.body.meta.pagination).toEqual({
      total: 2,
      count: 2,
      per_page: 100,
      current_page: 1,
      total_pages: 1,
    });

    const updated = await rest.put<One>('/roles/moderator', {
      name: 'Mods',
      settings: { sendMessagesTo: 'friendsOnly' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      role: 'moderator',
      name: 'Mods',
      description: 'Keeps the peace',
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'friendsOnly' },
      createdAt: made.body.data.createdAt,
    });
    expect((await rest.get<One>('/roles/moderator')).body.data).toEqual(updated.body.data);

    const deleted = await rest.delete<{ data: { success: boolean; message: string } }>(
      '/roles/moderator',
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toEqual({ success: true, message: expect.any(String) });
    const gone = await rest.get<ErrorReply>('/roles/moderator');
    expect(gone.status).toBe(404);
    expect(gone.body.error.code).toBe('ERR_ROLE_NOT_FOUND');
    expect((await rest.get<Many>('/roles')).body.data.map((r) => r.role)).toEqual(['default']);
  });

  it('serves the roles under /v3.0 too, and through either gateway', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/roles', { role: 'guide', name: 'Guide' });
    const other = rest.on(gateways()[gateways().length - 1]);
    expect((await other.get<One>('/roles/guide')).body.data.name).toBe('Guide');
    const res = await fetch(`${rest.gateway}/v3.0/roles/guide`, { headers: rest.headers() });
    expect(res.status).toBe(200);
  });

  it('has a default role in every app, listed, gettable, updatable and undeletable', async () => {
    const rest = AppClient.rest(await createApp());
    const list = await rest.get<Many>('/roles');
    expect(list.body.data).toEqual([expect.objectContaining({ role: 'default', settings: ALL })]);
    expect(list.body.meta.pagination.total).toBe(1);

    const got = await rest.get<One>('/roles/default');
    expect(got.status).toBe(200);
    expect(got.body.data).toMatchObject({
      role: 'default',
      name: expect.any(String),
      settings: ALL,
    });

    const updated = await rest.put<One>('/roles/default', {
      name: 'Everyone',
      settings: { listUsers: 'friendsOnly' },
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({
      role: 'default',
      name: 'Everyone',
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
    });

    const refused = await rest.delete<ErrorReply>('/roles/default');
    expect(refused.status).toBe(403);
    expect(refused.body.error.code).toBe('ERR_ROLE_DELETE_DENIED');
    expect((await rest.get<One>('/roles/default')).body.data.name).toBe('Everyone');

    const again = await rest.post<ErrorReply>('/roles', { role: 'default', name: 'Default' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_ROLE_ALREADY_EXISTS');
  });

  it('answers ERR_ROLE_NOT_FOUND (404) for an unknown role on get, update and delete', async () => {
    const rest = AppClient.rest(await createApp());
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await rest.request<ErrorReply>(method, '/roles/ghost', body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_ROLE_NOT_FOUND');
    }
  });

  it('refuses a duplicate role id with 409 ERR_ROLE_ALREADY_EXISTS, whatever its case', async () => {
    const rest = AppClient.rest(await createApp());
    expect((await rest.post('/roles', { role: 'vip', name: 'One' })).status).toBe(200);
    const again = await rest.post<ErrorReply>('/roles', { role: 'VIP', name: 'Two' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_ROLE_ALREADY_EXISTS');
    expect((await rest.get<One>('/roles/vip')).body.data.name).toBe('One');
  });

  it('allows at most 25 roles per app, default included, even when created together', async () => {
    const rest = AppClient.rest(await createApp());
    const results = await Promise.all(
      Array.from({ length: 26 }, (_, i) =>
        rest.post<One & ErrorReply>('/roles', { role: `r${i}`, name: `Role ${i}` }),
      ),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(24);
    expect(results.filter((r) => r.status === 403).map((r) => r.body.error.code)).toEqual([
      'ERR_PLAN_QUOTA_RESTRICTION',
      'ERR_PLAN_QUOTA_RESTRICTION',
    ]);
    expect((await rest.get<Many>('/roles')).body.meta.pagination.total).toBe(25);

    // A deleted role frees its place.
    const kept = results.find((r) => r.status === 200)!.body.data.role;
    expect((await rest.delete(`/roles/${kept}`)).status).toBe(200);
    expect((await rest.post('/roles', { role: 'late', name: 'Late' })).status).toBe(200);
  });

  it('pages the list with no duplicates or gaps', async () => {
    const rest = AppClient.rest(await createApp());
    for (const id of ['a', 'b', 'c', 'd']) await rest.post('/roles', { role: id, name: id });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page += 1) {
      const res = await rest.get<Many>(`/roles?perPage=2&page=${page}`);
      expect(res.body.meta.pagination).toMatchObject({
        total: 5,
        per_page: 2,
        current_page: page,
        total_pages: 3,
        count: page < 3 ? 2 : 1,
      });
      seen.push(...res.body.data.map((r) => r.role));
    }
    expect(seen).toEqual(['a', 'b', 'c', 'd', 'default']);
  });

  it('clears description, metadata and settings named in unset', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/roles', {
      role: 'mod',
      name: 'Mod',
      description: 'd',
      metadata: { a: 1 },
      settings: { listUsers: 'friendsOnly', sendMessagesTo: 'friendsOnly' },
    });
    const res = await rest.put<One>('/roles/mod', {
      unset: ['description', 'metadata', 'settings'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).not.toHaveProperty('description');
    expect(res.body.data).not.toHaveProperty('metadata');
    expect(res.body.data.settings).toEqual(ALL);
    expect(res.body.data.name).toBe('Mod');

    const both = await rest.put<ErrorReply>('/roles/mod', {
      description: 'x',
      unset: ['description'],
    });
    expect(both.status).toBe(400);
    expect(both.body.error.details).toHaveProperty('unset');
  });

  it('validates bodies, path ids and queries with ERR_BAD_REQUEST and details, changing nothing', async () => {
    const rest = AppClient.rest(await createApp());
    const cases: Array<[string, string, unknown, string]> = [
      ['POST', '/roles', { role: 'has space', name: 'x' }, 'role'],
      ['POST', '/roles', { role: 'x'.repeat(101), name: 'x' }, 'role'],
      ['POST', '/roles', { role: '', name: 'x' }, 'role'],
      ['POST', '/roles', { name: 'x' }, 'role'],
      ['POST', '/roles', { role: 'x' }, 'name'],
      ['POST', '/roles', { role: 'x', name: 'x'.repeat(101) }, 'name'],
      [
        'POST',
        '/roles',
        { role: 'x', name: 'x', settings: { listUsers: 'none' } },
        'settings.listUsers',
      ],
      ['POST', '/roles', { role: 'x', name: 'x', settings: { other: 'all' } }, 'settings.other'],
      ['POST', '/roles', { role: 'x', name: 'x', metadata: 'text' }, 'metadata'],
      ['POST', '/roles', { role: 'x', name: 'x', extra: 1 }, 'extra'],
      ['GET', '/roles/semi;colon', undefined, 'role'],
      ['PUT', '/roles/has%20space', { name: 'x' }, 'role'],
      ['DELETE', '/roles/has%20space', undefined, 'role'],
      ['PUT', '/roles/default', { unset: ['name'] }, 'unset.0'],
      [
        'PUT',
        '/roles/default',
        { settings: { sendMessagesTo: 'nobody' } },
        'settings.sendMessagesTo',
      ],
      ['GET', '/roles?perPage=0', undefined, 'perPage'],
      ['GET', '/roles?page=-1', undefined, 'page'],
    ];
    for (const [method, path, body, field] of cases) {
      const res = await rest.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status, code: res.body.error.code }).toEqual({
        method,
        path,
        status: 400,
        code: 'ERR_BAD_REQUEST',
      });
      expect(res.body.error.details).toHaveProperty([field]);
    }
    const list = await rest.get<Many>('/roles');
    expect(list.body.data).toEqual([expect.objectContaining({ role: 'default', settings: ALL })]);
  });

  it('refuses the auth-only key with AUTH_ERR_NO_ACCESS', async () => {
    const app = await createApp();
    const auth = AppClient.auth(app);
    for (const [method, path, body] of [
      ['POST', '/roles', { role: 'x', name: 'x' }],
      ['GET', '/roles', undefined],
      ['GET', '/roles/default', undefined],
      ['PUT', '/roles/default', { name: 'x' }],
      ['DELETE', '/roles/x', undefined],
    ] as const) {
      const res = await auth.request<ErrorReply>(method, path, body);
      expect(res.status).toBe(403);
      expect(res.body.error.code).toBe('AUTH_ERR_NO_ACCESS');
    }
    expect((await AppClient.rest(app).get<Many>('/roles')).body.meta.pagination.total).toBe(1);
  });

  it("keeps apps apart: another app cannot see, change or delete an app's role", async () => {
    const a = AppClient.rest(await createApp());
    const b = AppClient.rest(await createApp());
    await a.post('/roles', { role: 'secret', name: 'Secret' });
    await a.put('/roles/default', { settings: { listUsers: 'friendsOnly' } });

    expect((await b.get<Many>('/roles')).body.data.map((r) => r.role)).toEqual(['default']);
    expect((await b.get<One>('/roles/default')).body.data.settings).toEqual(ALL);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'Mine' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await b.request<ErrorReply>(method, '/roles/secret', body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_ROLE_NOT_FOUND');
    }
    const user = await b.post<ErrorReply>('/users', { uid: 'u1', name: 'U', role: 'secret' });
    expect(user.status).toBe(404);

    // B may have a role of the same id; each app sees its own.
    expect((await b.post('/roles', { role: 'secret', name: 'Other' })).status).toBe(200);
    expect((await a.get<One>('/roles/secret')).body.data.name).toBe('Secret');
  });
});

describe('roles held by users', () => {
  it('refuses a user with an unknown role (404 ERR_ROLE_NOT_FOUND) and accepts a created one', async () => {
    const rest = AppClient.rest(await createApp());
    const unknown = await rest.post<ErrorReply>('/users', {
      uid: 'ann',
      name: 'Ann',
      role: 'ghost',
    });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.code).toBe('ERR_ROLE_NOT_FOUND');
    expect((await rest.get<ErrorReply>('/users/ann')).body.error.code).toBe('ERR_UID_NOT_FOUND');

    await rest.post('/roles', { role: 'editor', name: 'Editor' });
    const made = await rest.post<UserReply>('/users', { uid: 'ann', name: 'Ann', role: 'Editor' });
    expect(made.status).toBe(200);
    expect(made.body.data.role).toBe('editor');

    const badUpdate = await rest.put<ErrorReply>('/users/ann', { role: 'ghost' });
    expect(badUpdate.status).toBe(404);
    expect(badUpdate.body.error.code).toBe('ERR_ROLE_NOT_FOUND');
    expect((await rest.get<UserReply>('/users/ann')).body.data.role).toBe('editor');

    await rest.post('/roles', { role: 'chief', name: 'Chief' });
    const moved = await rest.put<UserReply>('/users/ann', { role: 'chief' });
    expect(moved.status).toBe(200);
    expect(moved.body.data.role).toBe('chief');
    const back = await rest.put<UserReply>('/users/ann', { role: 'default' });
    expect(back.status).toBe(200);
    expect(back.body.data.role).toBe('default');
  });

  it('gives the users of a deleted role the default role', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/roles', { role: 'temp', name: 'Temp' });
    await rest.post('/roles', { role: 'stay', name: 'Stay' });
    for (const [uid, role] of [
      ['u1', 'temp'],
      ['u2', 'temp'],
      ['u3', 'stay'],
    ]) {
      expect((await rest.post('/users', { uid, name: uid, role })).status).toBe(200);
    }
    expect((await rest.delete('/roles/temp')).status).toBe(200);
    const roles: Record<string, string> = {};
    for (const uid of ['u1', 'u2', 'u3'])
      roles[uid] = (await rest.get<UserReply>(`/users/${uid}`)).body.data.role;
    expect(roles).toEqual({ u1: 'default', u2: 'default', u3: 'stay' });

    // The id is free again, and reusing it gives nobody back their old role.
    expect((await rest.post('/roles', { role: 'temp', name: 'Temp again' })).status).toBe(200);
    expect((await rest.get<UserReply>('/users/u1')).body.data.role).toBe('default');
  });
});
