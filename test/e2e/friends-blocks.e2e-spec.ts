import { AppClient, AppKeys, createApp, ErrorReply, http } from './support/parley';

interface User {
  uid: string;
  name: string;
  role: string;
  status: string;
  createdAt: number;
  authToken?: string;
}
interface BlockedUser extends User {
  blockedByMe: boolean;
  blockedByMeAt?: number;
  hasBlockedMe: boolean;
  blockedAt?: number;
  conversationId: string;
}
interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}
type Many<T = User> = { data: T[]; meta: { pagination: Pagination } };
type ItemResult =
  { success: true; message: string } | { success: false; error: { code: string; message: string } };
type Added = { data: { accepted: Record<string, ItemResult> } };
type Results = { data: Record<string, ItemResult> };
type Done = { data: { success: boolean; message: string } };

const ACCEPTED = { success: true, message: 'Created relationship with status accepted.' };
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });

/** Creates users (name `Name <uid>` unless given), a few at a time. */
async function createUsers(rest: AppClient, users: Array<string | { uid: string; name: string }>) {
  const queue = users.map((u) => (typeof u === 'string' ? { uid: u, name: `Name ${u}` } : u));
  const worker = async () => {
    for (let u = queue.shift(); u; u = queue.shift()) {
      const res = await rest.post('/users', u);
      if (res.status !== 200) throw new Error(`create ${u.uid}: ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

const uidsOf = (res: { body: { data: User[] } }) => res.body.data.map((u) => u.uid);

async function appWithUsers(uids: string[]): Promise<{ app: AppKeys; rest: AppClient }> {
  const app = await createApp();
  const rest = AppClient.rest(app);
  await createUsers(rest, uids);
  return { app, rest };
}

describe('friends', () => {
  it('adds friends both ways with a result per uid', async () => {
    const { rest } = await appWithUsers(['alice', 'bob', 'carol', 'dave']);
    await rest.delete('/users/dave', {}); // soft-deleted: as good as missing

    const res = await rest.post<Added>('/users/alice/friends', {
      accepted: ['BOB', 'carol', 'alice', 'ghost', 'dave'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data.accepted).toEqual({
      bob: ACCEPTED,
      carol: ACCEPTED,
      alice: failed('ERR_CANNOT_FORM_SELF_RELATION'),
      ghost: failed('ERR_UID_NOT_FOUND'),
      dave: failed('ERR_UID_NOT_FOUND'),
    });

    // Symmetric: bob already counts alice as a friend.
    const again = await rest.post<Added>('/users/bob/friends', { accepted: ['alice', 'carol'] });
    expect(again.body.data.accepted).toEqual({
      alice: failed('ERR_ALREADY_FRIEND'),
      carol: ACCEPTED,
    });
    expect(uidsOf(await rest.get<Many>('/users/alice/friends'))).toEqual(['bob', 'carol']);
    expect(uidsOf(await rest.get<Many>('/users/bob/friends'))).toEqual(['alice', 'carol']);
    const carols = await rest.get<Many>('/users/carol/friends');
    expect(carols.body.data[0]).toMatchObject({
      uid: 'alice',
      name: 'Name alice',
      role: 'default',
      status: 'offline',
    });
    expect(uidsOf(carols)).toEqual(['alice', 'bob']);
    // Also under /v3.0.
    const v30 = await fetch(`${rest.gateway}/v3.0/users/carol/friends`, {
      headers: rest.headers(),
    });
    expect(((await v30.json()) as Many).data.map((u) => u.uid)).toEqual(['alice', 'bob']);
  });

  it('refuses a missing user with 404 and bad bodies with 400 and details', async () => {
    const { rest } = await appWithUsers(['alice', 'bob']);
    const missing = await rest.post<ErrorReply>('/users/ghost/friends', { accepted: ['alice'] });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ERR_UID_NOT_FOUND');
    expect((await rest.get<ErrorReply>('/users/ghost/friends')).body.error.code).toBe(
      'ERR_UID_NOT_FOUND',
    );
    expect(
      (await rest.delete<ErrorReply>('/users/ghost/friends', { friends: ['alice'] })).status,
    ).toBe(404);

    const tooMany = Array.from({ length: 26 }, (_, i) => `u${i}`);
    for (const body of [
      {},
      { accepted: [] },
      { accepted: 'bob' },
      { accepted: ['has space'] },
      { accepted: tooMany },
      { accepted: ['bob'], extra: 1 },
    ]) {
      const res = await rest.post<ErrorReply>('/users/alice/friends', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(Object.keys(res.body.error.details ?? {}).join()).toMatch(/accepted|extra/);
    }
    const badRemove = await rest.delete<ErrorReply>('/users/alice/friends', { friends: [] });
    expect(badRemove.status).toBe(400);
    expect(badRemove.body.error.details).toHaveProperty('friends');
    const badPage = await rest.get<ErrorReply>('/users/alice/friends?perPage=0');
    expect(badPage.status).toBe(400);
    expect(badPage.body.error.details).toHaveProperty('perPage');
    expect((await rest.get<Many>('/users/alice/friends')).body.data).toEqual([]);
  });

  it('lists friends page by page with no duplicates or gaps, searches uid and name, hides deleted', async () => {
    const friends = Array.from({ length: 12 }, (_, i) => `f${String(i).padStart(2, '0')}`);
    const { rest } = await appWithUsers(['alice', 'zed', ...friends]);
    await rest.put('/users/f11', { name: 'Zorro' });
    await rest.post('/users/alice/friends', { accepted: friends });
    await rest.post('/users/zed/friends', { accepted: ['f00'] }); // someone else's friendship

    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await rest.get<Many>(`/users/alice/friends?perPage=5&page=${page}`);
      expect(res.status).toBe(200);
      expect(res.body.meta.pagination).toEqual({
        total: 12,
        count: page < 3 ? 5 : 2,
        per_page: 5,
        current_page: page,
        total_pages: 3,
      });
      seen.push(...uidsOf(res));
    }
    expect(seen).toEqual(friends); // uid order, each once
    expect((await rest.get<Many>('/users/alice/friends?perPage=5&page=4')).body.data).toEqual([]);

    const byUid = await rest.get<Many>('/users/alice/friends?searchKey=F0');
    expect(uidsOf(byUid)).toEqual(friends.slice(0, 10));
    expect(byUid.body.meta.pagination.total).toBe(10);
    expect(uidsOf(await rest.get<Many>('/users/alice/friends?searchKey=zor'))).toEqual(['f11']);
    // A prefix, not a substring; and LIKE wildcards match only themselves.
    expect((await rest.get<Many>('/users/alice/friends?searchKey=00')).body.data).toEqual([]);
    expect((await rest.get<Many>('/users/alice/friends?searchKey=f_')).body.data).toEqual([]);
    expect(uidsOf(await rest.get<Many>('/users/f00/friends'))).toEqual(['alice', 'zed']);

    await rest.delete('/users/f05', {});
    const after = await rest.get<Many>('/users/alice/friends?perPage=100');
    expect(after.body.meta.pagination.total).toBe(11);
    expect(uidsOf(after)).not.toContain('f05');
  });

  it('removes friends all or nothing, from both sides', async () => {
    const { rest } = await appWithUsers(['alice', 'bob', 'carol', 'dave']);
    await rest.post('/users/alice/friends', { accepted: ['bob', 'carol'] });

    const refused = await rest.delete<ErrorReply>('/users/alice/friends', {
      friends: ['bob', 'dave', 'ghost'],
    });
    expect(refused.status).toBe(404);
    expect(refused.body.error.code).toBe('ERR_NOT_A_FRIEND');
    expect(refused.body.error.details?.friends).toEqual([
      'dave is not a friend of alice',
      'ghost is not a friend of alice',
    ]);
    expect(uidsOf(await rest.get<Many>('/users/alice/friends'))).toEqual(['bob', 'carol']);

    const done = await rest.delete<Done>('/users/alice/friends', { friends: ['bob', 'CAROL'] });
    expect(done.status).toBe(200);
    expect(done.body.data).toEqual({ success: true, message: expect.any(String) });
    expect((await rest.get<Many>('/users/alice/friends')).body.data).toEqual([]);
    expect((await rest.get<Many>('/users/bob/friends')).body.data).toEqual([]);
    expect(
      (await rest.delete<ErrorReply>('/users/bob/friends', { friends: ['alice'] })).body.error.code,
    ).toBe('ERR_NOT_A_FRIEND');
    // They may befriend again.
    expect(
      (await rest.post<Added>('/users/bob/friends', { accepted: ['alice'] })).body.data.accepted
        .alice,
    ).toEqual(ACCEPTED);
  });

  it('caps friends at 1000 per user on either side, also under concurrent adds', async () => {
    const friends = Array.from({ length: 999 }, (_, i) => `f${String(i).padStart(4, '0')}`);
    const late = ['late0', 'late1', 'late2', 'late3', 'late4', 'late5'];
    const { rest } = await appWithUsers(['hub', ...friends, ...late]);
    for (let i = 0; i < friends.length; i += 25) {
      const res = await rest.post<Added>('/users/hub/friends', {
        accepted: friends.slice(i, i + 25),
      });
      expect(Object.values(res.body.data.accepted).every((r) => r.success)).toBe(true);
    }
    // 999 friends: six adds race for the last place, from either side. Exactly one wins.
    const raced = await Promise.all(
      late.map((uid, i) =>
        i % 2
          ? rest
              .post<Added>(`/users/${uid}/friends`, { accepted: ['hub'] })
              .then((r) => r.body.data.accepted.hub)
          : rest
              .post<Added>('/users/hub/friends', { accepted: [uid] })
              .then((r) => r.body.data.accepted[uid]),
      ),
    );
    expect(raced.filter((r) => r.success)).toHaveLength(1);
    for (const r of raced.filter((x) => !x.success)) {
      expect(r).toEqual(failed('ERR_PLAN_QUOTA_RESTRICTION'));
    }
    const list = await rest.get<Many>('/users/hub/friends?perPage=1000&page=2');
    expect(list.body.meta.pagination.total).toBe(1000);

    // A full friend refuses too, whoever asks.
    const loser = late.find((_, i) => !raced[i].success) as string;
    const refused = await rest.post<Added>(`/users/${loser}/friends`, { accepted: ['hub'] });
    expect(refused.body.data.accepted.hub).toEqual(failed('ERR_PLAN_QUOTA_RESTRICTION'));
    // Removing one frees a place.
    await rest.delete('/users/hub/friends', { friends: ['f0000'] });
    expect(
      (await rest.post<Added>('/users/hub/friends', { accepted: [loser] })).body.data.accepted[
        loser
      ],
    ).toEqual(ACCEPTED);
  }, 120_000);
});

describe('blocked users', () => {
  it('blocks with a result per uid, idempotently, and lists each direction', async () => {
    const { rest } = await appWithUsers(['alice', 'bob', 'carol', 'dave', 'erin']);
    const before = Math.floor(Date.now() / 1000);

    const res = await rest.post<Results>('/users/alice/blockedusers', {
      blockedUids: ['bob', 'Carol', 'alice', 'ghost'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      bob: { success: true, message: expect.any(String) },
      carol: { success: true, message: expect.any(String) },
      alice: failed('ERR_CANNOT_BLOCK_SELF'),
      ghost: failed('ERR_UID_NOT_FOUND'),
    });
    const twice = await rest.post<Results>('/users/alice/blockedusers', { blockedUids: ['bob'] });
    expect(twice.body.data.bob).toMatchObject({ success: true });
    await rest.post('/users/bob/blockedusers', { blockedUids: ['alice'] });
    await rest.post('/users/dave/blockedusers', { blockedUids: ['alice'] });
    await rest.post('/users/erin/blockedusers', { blockedUids: ['bob'] }); // not about alice

    const mine = await rest.get<Many<BlockedUser>>('/users/alice/blockedusers');
    expect(uidsOf(mine)).toEqual(['bob', 'carol']);
    expect(mine.body.meta.pagination).toMatchObject({ total: 2, count: 2 });
    const [bob, carol] = mine.body.data;
    expect(bob).toMatchObject({
      uid: 'bob',
      name: 'Name bob',
      blockedByMe: true,
      hasBlockedMe: true,
      conversationId: 'alice_user_bob',
    });
    expect(bob.blockedByMeAt).toBeGreaterThanOrEqual(before);
    expect(bob.blockedAt).toBe(bob.blockedByMeAt);
    expect(carol).toMatchObject({ blockedByMe: true, hasBlockedMe: false });

    const theirs = await rest.get<Many<BlockedUser>>(
      '/users/alice/blockedusers?direction=hasBlockedMe',
    );
    expect(uidsOf(theirs)).toEqual(['bob', 'dave']);
    const dave = theirs.body.data[1];
    expect(dave).toMatchObject({ blockedByMe: false, hasBlockedMe: true });
    expect(dave).not.toHaveProperty('blockedByMeAt');
    expect(dave.blockedAt).toBeGreaterThanOrEqual(before);

    const both = await rest.get<Many<BlockedUser>>('/users/alice/blockedusers?direction=both');
    expect(uidsOf(both)).toEqual(['bob', 'carol', 'dave']);
    expect(both.body.meta.pagination.total).toBe(3);
    expect(
      uidsOf(await rest.get<Many>('/users/alice/blockedusers?direction=both&searchKey=da')),
    ).toEqual(['dave']);

    const bad = await rest.get<ErrorReply>('/users/alice/blockedusers?direction=sideways');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('direction');
  });

  it('unblocks with a result per uid; not blocked is a success, unknown is ERR_UID_NOT_FOUND', async () => {
    const { rest } = await appWithUsers(['alice', 'bob', 'carol', 'dave']);
    await rest.post('/users/alice/blockedusers', { blockedUids: ['bob', 'carol'] });
    const res = await rest.delete<Results>('/users/alice/blockedusers', {
      blockedUids: ['carol', 'dave', 'ghost', 'alice'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      carol: { success: true, message: expect.any(String) },
      dave: { success: true, message: expect.any(String) },
      ghost: failed('ERR_UID_NOT_FOUND'),
      alice: failed('ERR_CANNOT_BLOCK_SELF'),
    });
    expect(uidsOf(await rest.get<Many>('/users/alice/blockedusers'))).toEqual(['bob']);

    const missing = await rest.delete<ErrorReply>('/users/ghost/blockedusers', {
      blockedUids: ['bob'],
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ERR_UID_NOT_FOUND');
    const noBody = await rest.delete<ErrorReply>('/users/alice/blockedusers');
    expect(noBody.status).toBe(400);
    expect(noBody.body.error.details).toHaveProperty('blockedUids');
  });

  it('refuses a missing blocker with 404 and bad bodies with 400', async () => {
    const { rest } = await appWithUsers(['alice']);
    const missing = await rest.post<ErrorReply>('/users/ghost/blockedusers', {
      blockedUids: ['alice'],
    });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('ERR_UID_NOT_FOUND');
    expect((await rest.get<ErrorReply>('/users/ghost/blockedusers')).status).toBe(404);
    for (const body of [{}, { blockedUids: [] }, { blockedUids: ['a b'] }, { uids: ['x'] }]) {
      const res = await rest.post<ErrorReply>('/users/alice/blockedusers', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
    }
  });

  it('pages blocked users with no duplicates or gaps and hides deleted ones', async () => {
    const blocked = Array.from({ length: 7 }, (_, i) => `b${i}`);
    const { rest } = await appWithUsers(['alice', ...blocked]);
    await rest.post('/users/alice/blockedusers', { blockedUids: blocked });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await rest.get<Many<BlockedUser>>(
        `/users/alice/blockedusers?perPage=3&page=${page}`,
      );
      expect(res.body.meta.pagination).toEqual({
        total: 7,
        count: page < 3 ? 3 : 1,
        per_page: 3,
        current_page: page,
        total_pages: 3,
      });
      seen.push(...uidsOf(res));
    }
    expect(seen).toEqual(blocked);
    await rest.delete('/users/b3', {});
    expect(uidsOf(await rest.get<Many>('/users/alice/blockedusers'))).not.toContain('b3');
  });
});

describe('blocked users in user context (/v3/blockedusers)', () => {
  it("acts for the auth token's user, and for onBehalfOf with the REST API key", async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const made = await rest.post<{ data: User }>('/users', {
      uid: 'alice',
      name: 'Alice',
      withAuthToken: true,
    });
    await createUsers(rest, ['bob', 'carol']);
    const alice = new AppClient(app.appId, { authtoken: made.body.data.authToken as string });

    const blocked = await alice.post<Results>('/blockedusers', { blockedUids: ['bob', 'alice'] });
    expect(blocked.status).toBe(200);
    expect(blocked.body.data).toEqual({
      bob: { success: true, message: expect.any(String) },
      alice: failed('ERR_CANNOT_BLOCK_SELF'),
    });
    const listed = await alice.get<Many<BlockedUser>>('/blockedusers');
    expect(uidsOf(listed)).toEqual(['bob']);
    expect(listed.body.data[0]).toMatchObject({ blockedByMe: true, hasBlockedMe: false });
    // The same, seen through the REST API key.
    expect(uidsOf(await rest.get<Many>('/users/alice/blockedusers'))).toEqual(['bob']);

    const asCarol = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'carol' });
    expect((await asCarol.post<Results>('/blockedusers', { blockedUids: ['alice'] })).status).toBe(
      200,
    );
    expect(uidsOf(await alice.get<Many>('/blockedusers?direction=hasBlockedMe'))).toEqual([
      'carol',
    ]);
    expect(uidsOf(await asCarol.get<Many>('/blockedusers'))).toEqual(['alice']);

    const unblocked = await alice.delete<Results>('/blockedusers', { blockedUids: ['bob'] });
    expect(unblocked.body.data.bob).toMatchObject({ success: true });
    expect((await alice.get<Many>('/blockedusers')).body.data).toEqual([]);
  });

  it('refuses the REST API key without onBehalfOf, naming onBehalfOf', async () => {
    const { rest } = await appWithUsers(['alice', 'bob']);
    for (const [method, body] of [
      ['GET', undefined],
      ['POST', { blockedUids: ['bob'] }],
      ['DELETE', { blockedUids: ['bob'] }],
    ] as const) {
      const res = await rest.request<ErrorReply>(method, '/blockedusers', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_BAD_REQUEST');
      expect(res.body.error.details).toHaveProperty('onBehalfOf');
    }
  });

  it('answers 404 for an onBehalfOf user that does not exist', async () => {
    const app = await createApp();
    const ghost = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'ghost' });
    const res = await ghost.get<ErrorReply>('/blockedusers');
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ERR_UID_NOT_FOUND');
  });
});

describe('friends and blocks: access and isolation', () => {
  it('refuses an auth-only key on every route, and a user token on the REST-key routes', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const made = await rest.post<{ data: User }>('/users', {
      uid: 'alice',
      name: 'Alice',
      withAuthToken: true,
    });
    await createUsers(rest, ['bob']);
    const authOnly = AppClient.auth(app);
    const calls: Array<[string, string, unknown?]> = [
      ['POST', '/users/alice/friends', { accepted: ['bob'] }],
      ['GET', '/users/alice/friends'],
      ['DELETE', '/users/alice/friends', { friends: ['bob'] }],
      ['POST', '/users/alice/blockedusers', { blockedUids: ['bob'] }],
      ['GET', '/users/alice/blockedusers'],
      ['DELETE', '/users/alice/blockedusers', { blockedUids: ['bob'] }],
      ['POST', '/blockedusers', { blockedUids: ['bob'] }],
      ['GET', '/blockedusers'],
      ['DELETE', '/blockedusers', { blockedUids: ['bob'] }],
    ];
    for (const [method, path, body] of calls) {
      const res = await authOnly.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status, code: res.body.error?.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'AUTH_ERR_NO_ACCESS',
      });
    }
    const alice = new AppClient(app.appId, { authtoken: made.body.data.authToken as string });
    for (const [method, path, body] of calls.slice(0, 6)) {
      const res = await alice.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
    expect((await rest.get<Many>('/users/alice/friends')).body.data).toEqual([]);
    expect((await rest.get<Many>('/users/alice/blockedusers')).body.data).toEqual([]);

    // The OpenAPI document says which credential each route takes.
    const docs = await http<{ paths: Record<string, Record<string, Record<string, unknown>>> }>(
      'GET',
      `${rest.gateway}/docs`,
    );
    expect(docs.body.paths['/v3/users/{uid}/friends'].delete).toMatchObject({
      'x-parley-credential': ['fullAccess'],
    });
    expect(docs.body.paths['/v3/blockedusers'].get).toMatchObject({
      'x-parley-credential': ['fullAccess', 'user'],
    });
  });

  it("keeps each app's friends and blocks to itself", async () => {
    const a = await appWithUsers(['alice', 'bob', 'carol']);
    const b = await appWithUsers(['alice', 'bob']);
    await a.rest.post('/users/alice/friends', { accepted: ['bob'] });
    await a.rest.post('/users/alice/blockedusers', { blockedUids: ['bob'] });

    expect((await b.rest.get<Many>('/users/alice/friends')).body.data).toEqual([]);
    expect((await b.rest.get<Many>('/users/alice/blockedusers?direction=both')).body.data).toEqual(
      [],
    );
    const cross = await b.rest.post<Added>('/users/alice/friends', { accepted: ['carol', 'bob'] });
    expect(cross.body.data.accepted).toEqual({
      carol: failed('ERR_UID_NOT_FOUND'),
      bob: ACCEPTED,
    });
    const notThere = await b.rest.delete<ErrorReply>('/users/alice/friends', {
      friends: ['carol'],
    });
    expect(notThere.body.error.code).toBe('ERR_NOT_A_FRIEND');
    expect(
      (await b.rest.delete<Results>('/users/alice/blockedusers', { blockedUids: ['carol'] })).body
        .data.carol,
    ).toEqual(failed('ERR_UID_NOT_FOUND'));
    // App A is untouched by what B did.
    expect(uidsOf(await a.rest.get<Many>('/users/alice/friends'))).toEqual(['bob']);
    expect(uidsOf(await a.rest.get<Many>('/users/alice/blockedusers'))).toEqual(['bob']);
    // A key of one app cannot reach the other's users.
    const wrongKey = new AppClient(b.app.appId, { apikey: a.app.restKey });
    expect((await wrongKey.get('/users/alice/friends')).status).toBe(401);
  });

  it("erases a user's friendships and blocks with the user on permanent delete", async () => {
    const { rest } = await appWithUsers(['alice', 'bob', 'carol']);
    await rest.post('/users/alice/friends', { accepted: ['bob', 'carol'] });
    await rest.post('/users/bob/blockedusers', { blockedUids: ['alice'] });
    await rest.post('/users/alice/blockedusers', { blockedUids: ['bob'] });

    expect((await rest.delete('/users/bob', { permanent: true })).status).toBe(200);
    expect(uidsOf(await rest.get<Many>('/users/alice/friends'))).toEqual(['carol']);
    expect((await rest.get<Many>('/users/alice/blockedusers?direction=both')).body.data).toEqual(
      [],
    );

    // A new bob starts with no relationships.
    await createUsers(rest, ['bob']);
    expect((await rest.get<Many>('/users/bob/friends')).body.data).toEqual([]);
    expect((await rest.get<Many>('/users/bob/blockedusers?direction=both')).body.data).toEqual([]);
    expect(
      (await rest.post<Added>('/users/bob/friends', { accepted: ['alice'] })).body.data.accepted
        .alice,
    ).toEqual(ACCEPTED);
  });
});
