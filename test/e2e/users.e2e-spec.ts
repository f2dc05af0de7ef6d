import { AppClient, createApp, ErrorReply, eventually } from './support/parley';

interface User {
  uid: string;
  name: string;
  avatar?: string;
  link?: string;
  role: string;
  status: string;
  statusMessage?: string;
  metadata?: Record<string, unknown>;
  tags: string[];
  createdAt: number;
  updatedAt?: number;
  authToken?: string;
}
type One = { data: User };
type Many = {
  data: User[];
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

describe('users (core)', () => {
  it('creates a user in CometChat shape, lower-casing the uid, with an auth token on request', async () => {
    const rest = AppClient.rest(await createApp());
    const before = Math.floor(Date.now() / 1000);
    const res = await rest.post<One>('/users', {
      uid: 'SuperHero1',
      name: 'Iron Man',
      avatar: 'https://example.com/a.png',
      link: 'https://example.com/u/1',
      metadata: { '@private': { email: 'tony@example.com' }, team: 'avengers' },
      tags: ['vip'],
      withAuthToken: true,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      uid: 'superhero1',
      name: 'Iron Man',
      avatar: 'https://example.com/a.png',
      role: 'default',
      status: 'offline',
      tags: ['vip'],
      metadata: { team: 'avengers' },
    });
    expect(res.body.data.createdAt).toBeGreaterThanOrEqual(before);
    expect(res.body.data.authToken).toMatch(/^superhero1_\d{10}[0-9a-f]{40}$/);

    const got = await rest.get<One>('/users/SUPERHERO1');
    expect(got.body.data.uid).toBe('superhero1');
    expect(got.body.data).not.toHaveProperty('authToken');
  });

  it('refuses a duplicate uid with 409 ERR_UID_ALREADY_EXISTS, whatever its case', async () => {
    const rest = AppClient.rest(await createApp());
    expect((await rest.post('/users', { uid: 'dup', name: 'One' })).status).toBe(200);
    const again = await rest.post<ErrorReply>('/users', { uid: 'DUP', name: 'Two' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_UID_ALREADY_EXISTS');
    expect((await rest.get<One>('/users/dup')).body.data.name).toBe('One');
  });

  it('refuses bad uids with ERR_BAD_REQUEST and details, creating nothing', async () => {
    const rest = AppClient.rest(await createApp());
    for (const uid of ['', 'has space', 'semi;colon', 'x'.repeat(101), 'ünï']) {
      const res = await rest.post<ErrorReply>('/users', { uid, name: 'n' });
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(res.body.error.details).toHaveProperty('uid');
    }
    const bad = await rest.get<ErrorReply>('/users/has%20space');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('uid');
    expect((await rest.get<Many>('/users')).body.data).toEqual([]);
  });

  it('answers a missing user with 404 ERR_UID_NOT_FOUND on every route', async () => {
    const rest = AppClient.rest(await createApp());
    const calls: Array<[string, string, unknown?]> = [
      ['GET', '/users/ghost'],
      ['PUT', '/users/ghost', { name: 'x' }],
      ['DELETE', '/users/ghost', {}],
      ['POST', '/users/ghost/auth_tokens', {}],
      ['GET', '/users/ghost/auth_tokens'],
      ['DELETE', '/users/ghost/auth_tokens'],
    ];
    for (const [method, path, body] of calls) {
      const res = await rest.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
        method,
        path,
        status: 404,
        code: 'ERR_UID_NOT_FOUND',
      });
    }
  });

  it('updates fields, replaces tags and clears fields with unset', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/users', {
      uid: 'u1',
      name: 'Old',
      avatar: 'https://a/1.png',
      link: 'https://l',
      metadata: { a: 1 },
      tags: ['x', 'y'],
    });
    const res = await rest.put<One>('/users/u1', {
      name: 'New',
      tags: ['z'],
      unset: ['avatar', 'metadata'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ uid: 'u1', name: 'New', link: 'https://l', tags: ['z'] });
    expect(res.body.data).not.toHaveProperty('avatar');
    expect(res.body.data).not.toHaveProperty('metadata');
    expect((await rest.get<One>('/users/u1')).body.data).toEqual(res.body.data);
  });

  it('lists users page by page with CometChat pagination, no duplicates or gaps', async () => {
    const rest = AppClient.rest(await createApp());
    const uids = Array.from({ length: 7 }, (_, i) => `user${i}`);
    for (const uid of uids) await rest.post('/users', { uid, name: `Name ${uid}` });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await rest.get<Many>(`/users?perPage=3&page=${page}`);
      expect(res.body.meta.pagination).toEqual({
        total: 7,
        count: page < 3 ? 3 : 1,
        per_page: 3,
        current_page: page,
        total_pages: 3,
      });
      seen.push(...res.body.data.map((u) => u.uid));
    }
    expect(seen.sort()).toEqual(uids.sort());
    // The client SDK's spelling of perPage.
    const sdkPage = await rest.get<Many>('/users?per_page=2&page=2');
    expect(sdkPage.body.data.map((u) => u.uid)).toEqual(['user2', 'user3']);
    expect(sdkPage.body.meta.pagination.per_page).toBe(2);
    const search = await rest.get<Many>('/users?searchKey=user1');
    expect(search.body.data.map((u) => u.uid)).toEqual(['user1']);
    const bad = await rest.get<ErrorReply>('/users?perPage=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('perPage');
  });

  it("soft delete keeps the uid taken; permanent delete frees it; the user's tokens stop working", async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const made = await rest.post<One>('/users', { uid: 'gone', name: 'Gone', withAuthToken: true });
    const asGone = new AppClient(app.appId, { authtoken: made.body.data.authToken as string });
    expect((await asGone.get('/users/gone')).status).toBe(200);

    expect(
      (await rest.delete<{ data: { success: boolean } }>('/users/gone', {})).body.data.success,
    ).toBe(true);
    expect((await rest.get<ErrorReply>('/users/gone')).body.error.code).toBe('ERR_UID_NOT_FOUND');
    expect((await rest.post<ErrorReply>('/users', { uid: 'gone', name: 'Again' })).status).toBe(
      409,
    );
    await eventually(async () => {
      const res = await asGone.get<ErrorReply>('/users/gone');
      expect(res.status).toBe(401);
    });

    expect((await rest.post('/users', { uid: 'temp', name: 'Temp' })).status).toBe(200);
    expect((await rest.delete('/users/temp', { permanent: true })).status).toBe(200);
    expect((await rest.post<One>('/users', { uid: 'temp', name: 'Reborn' })).body.data.name).toBe(
      'Reborn',
    );
  });
});
