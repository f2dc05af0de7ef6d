import { AppClient, AppKeys, createApp, ErrorReply, gateways, http } from './support/parley';

interface Group {
  guid: string;
  name: string;
  type: 'public' | 'password' | 'private';
  owner: string;
  membersCount: number;
  conversationId: string;
  icon?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  createdAt: number;
  updatedAt: number;
  updatedBy?: string;
  scope?: string;
  hasJoined?: boolean;
  joinedAt?: number;
}
type ItemResult =
  { success: true; data?: unknown } | { success: false; error: { code: string; message: string } };
type Created = Group & { members?: Record<string, Record<string, ItemResult>> };
interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}
type One<T = Group> = { data: T };
type Many = {
  data: Group[];
  meta: { pagination: Pagination; cursor?: { updatedAt: number; affix: string } };
};

const OK = { success: true };
/** An added member's item carries the `added` action message on them (reference §4.7, §6.4). */
const ADDED = (uid: string) => ({
  success: true,
  data: expect.objectContaining({
    category: 'action',
    type: 'groupMember',
    data: expect.objectContaining({
      action: 'added',
      entities: expect.objectContaining({
        on: { entity: expect.objectContaining({ uid }), entityType: 'user' },
      }),
    }),
  }),
});
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });
const guidsOf = (res: { body: Many }) => res.body.data.map((g) => g.guid);
const now = () => Math.floor(Date.now() / 1000);

/** Creates users (name `Name <uid>`), a few at a time. */
async function createUsers(rest: AppClient, uids: string[]) {
  const queue = [...uids];
  const worker = async () => {
    for (let uid = queue.shift(); uid; uid = queue.shift()) {
      const res = await rest.post('/users', { uid, name: `Name ${uid}` });
      if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
    }
  };
  await Promise.all(Array.from({ length: 6 }, worker));
}

async function appWithUsers(uids: string[]): Promise<{ app: AppKeys; rest: AppClient }> {
  const app = await createApp();
  const rest = AppClient.rest(app);
  await createUsers(rest, uids);
  return { app, rest };
}

const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

async function tokenOf(rest: AppClient, uid: string): Promise<string> {
  const res = await rest.post<One<{ authToken: string }>>(`/users/${uid}/auth_tokens`, {});
  return res.body.data.authToken;
}

/**
 * A group `team` owned by `own` with an admin, a moderator and a participant (and `out`, a user
 * who is not a member), created by the app.
 */
async function teamGroup(type: Group['type'] = 'public', extra: Record<string, unknown> = {}) {
  const { app, rest } = await appWithUsers(['own', 'adm', 'mod', 'par', 'out']);
  const res = await rest.post<One<Created>>('/groups', {
    guid: 'team',
    name: 'Team',
    type,
    owner: 'own',
    members: { admins: ['adm'], moderators: ['mod'], participants: ['par'] },
    ...extra,
  });
  if (res.status !== 200) throw new Error(`create team: ${res.status} ${JSON.stringify(res.body)}`);
  return { app, rest };
}

describe('groups: create and get', () => {
  it('creates a group as the app: app_system owns it, the guid is lower-cased, the reply is the group', async () => {
    const { rest } = await appWithUsers([]);
    const before = now();
    const res = await rest.post<One<Created>>('/groups', {
      guid: 'Lobby-1',
      name: ' Lobby ',
      type: 'public',
      icon: 'https://example.com/icon.png',
      description: 'The lobby',
      metadata: { floor: 1 },
      tags: ['main'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      guid: 'lobby-1',
      name: 'Lobby',
      type: 'public',
      owner: 'app_system',
      membersCount: 0,
      conversationId: 'group_lobby-1',
      icon: 'https://example.com/icon.png',
      description: 'The lobby',
      metadata: { floor: 1 },
      tags: ['main'],
      createdAt: expect.any(Number),
      updatedAt: expect.any(Number),
    });
    expect(res.body.data.createdAt).toBeGreaterThanOrEqual(before);
    expect(res.body.data.createdAt).toBeLessThan(1e10); // Unix seconds

    const got = await rest.get<One>('/groups/LOBBY-1');
    expect(got.status).toBe(200);
    expect(got.body.data).toEqual(res.body.data);
    // The same route under /v3.0, as the client SDK calls it.
    const v30 = await http<One>('GET', `${gateways()[0]}/v3.0/groups/lobby-1`, {
      headers: rest.headers(),
    });
    expect(v30.body.data.guid).toBe('lobby-1');
  });

  it('makes the user acting (onBehalfOf or an auth token) the owner and an admin member', async () => {
    const { app, rest } = await appWithUsers(['alice', 'bob']);
    const res = await as(app, 'alice').post<One<Created>>('/groups', {
      guid: 'g1',
      name: 'G1',
      type: 'private',
      owner: 'bob', // ignored: the user acting owns what they create
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      owner: 'alice',
      membersCount: 1,
      scope: 'admin',
      hasJoined: true,
      joinedAt: expect.any(Number),
    });
    expect(res.body.data).not.toHaveProperty('members');

    const asBob = new AppClient(app.appId, { authtoken: await tokenOf(rest, 'bob') });
    const byToken = await asBob.post<One<Created>>('/groups', {
      guid: 'g2',
      name: 'G2',
      type: 'public',
    });
    expect(byToken.status).toBe(200);
    expect(byToken.body.data).toMatchObject({ owner: 'bob', scope: 'admin', hasJoined: true });
    const seen = await asBob.get<One>('/groups/g2');
    expect(seen.body.data).toMatchObject({ scope: 'admin', hasJoined: true, membersCount: 1 });
    // Seen by another user: hasJoined false, no scope.
    const other = await as(app, 'alice').get<One>('/groups/g2');
    expect(other.body.data.hasJoined).toBe(false);
    expect(other.body.data).not.toHaveProperty('scope');
    expect(other.body.data).not.toHaveProperty('joinedAt');
    // The app itself sees no viewer fields.
    expect((await rest.get<One>('/groups/g2')).body.data).not.toHaveProperty('hasJoined');
  });

  it('lets the app name the owner, who becomes an admin member', async () => {
    const { app, rest } = await appWithUsers(['olga']);
    const res = await rest.post<One<Created>>('/groups', {
      guid: 'owned',
      name: 'Owned',
      type: 'public',
      owner: 'OLGA',
    });
    expect(res.body.data).toMatchObject({ owner: 'olga', membersCount: 1 });
    expect(res.body.data).not.toHaveProperty('hasJoined');
    const seen = await as(app, 'olga').get<One>('/groups/owned');
    expect(seen.body.data).toMatchObject({ scope: 'admin', hasJoined: true });
  });

  it('adds initial members by scope with a result per uid; membersCount is exact', async () => {
    const { app, rest } = await appWithUsers(['own', 'ann', 'bob', 'cat', 'eve']);
    const res = await as(app, 'own').post<One<Created>>('/groups', {
      guid: 'club',
      name: 'Club',
      type: 'public',
      members: {
        admins: ['ann'],
        moderators: ['bob', 'ann'],
        participants: ['cat', 'ghost', 'own', 'eve'],
        usersToBan: ['eve'],
      },
    });
    expect(res.status).toBe(200);
    expect(res.body.data.members).toEqual({
      admins: { ann: ADDED('ann') },
      moderators: { bob: ADDED('bob'), ann: ADDED('ann') },
      participants: {
        cat: ADDED('cat'),
        ghost: failed('ERR_UID_NOT_FOUND'),
        own: failed('ERR_ALREADY_JOINED'),
        eve: failed('ERR_BANNED_GROUPMEMBER'),
      },
      usersToBan: { eve: OK },
    });
    // own (owner), ann, bob, cat.
    expect(res.body.data.membersCount).toBe(4);
    expect((await rest.get<One>('/groups/club')).body.data.membersCount).toBe(4);
    const scopes = await Promise.all(
      ['ann', 'bob', 'cat', 'eve'].map(async (uid) => {
        const g = (await as(app, uid).get<One>('/groups/club')).body.data;
        return [uid, g.scope ?? null, g.hasJoined];
      }),
    );
    expect(scopes).toEqual([
      ['ann', 'admin', true],
      ['bob', 'moderator', true],
      ['cat', 'participant', true],
      ['eve', null, false],
    ]);
  });

  it('refuses a duplicate guid (any case) with ERR_GUID_ALREADY_EXISTS', async () => {
    const { rest } = await appWithUsers([]);
    expect((await rest.post('/groups', { guid: 'dup', name: 'A', type: 'public' })).status).toBe(
      200,
    );
    const again = await rest.post<ErrorReply>('/groups', {
      guid: 'DUP',
      name: 'B',
      type: 'private',
    });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('ERR_GUID_ALREADY_EXISTS');
    expect((await rest.get<One>('/groups/dup')).body.data.name).toBe('A');
  });

  it('needs a password for a password group (ERR_EMPTY_GROUP_PASS), and never returns it', async () => {
    const { app, rest } = await appWithUsers(['alice']);
    for (const body of [
      { guid: 'p1', name: 'P', type: 'password' },
      { guid: 'p1', name: 'P', type: 'password', password: '' },
      { guid: 'p1', name: 'P', type: 'protected' },
    ]) {
      const res = await rest.post<ErrorReply>('/groups', body);
      expect(res.status).toBe(400);
      expect(res.body.error.code).toBe('ERR_EMPTY_GROUP_PASS');
    }
    expect((await rest.get<ErrorReply>('/groups/p1')).status).toBe(404);

    const secret = 'Sup3r-secret-pass';
    const made = await as(app, 'alice').post<One>('/groups', {
      guid: 'p1',
      name: 'P',
      type: 'protected', // the SDK's name for a password group
      password: secret,
    });
    expect(made.status).toBe(200);
    expect(made.body.data.type).toBe('password');
    const replies = [
      made,
      await rest.get('/groups/p1'),
      await as(app, 'alice').get('/groups/p1'),
      await rest.get('/groups?withTags=true'),
      await rest.put('/groups/p1', { name: 'Renamed' }),
      await rest.put('/groups/p1', { password: 'another-secret' }),
    ];
    for (const reply of replies) {
      expect(reply.status).toBe(200);
      const text = JSON.stringify(reply.body);
      expect(text).not.toContain(secret);
      expect(text).not.toContain('another-secret');
      expect(text).not.toMatch(/"password(Hash)?":|argon/i);
    }
  });

  it('refuses an unknown owner, and an unknown onBehalfOf user, with ERR_UID_NOT_FOUND', async () => {
    const { app, rest } = await appWithUsers([]);
    const res = await rest.post<ErrorReply>('/groups', {
      guid: 'g',
      name: 'G',
      type: 'public',
      owner: 'ghost',
    });
    expect(res.status).toBe(404);
    expect(res.body.error.code).toBe('ERR_UID_NOT_FOUND');
    const ghost = as(app, 'ghost');
    expect(
      (await ghost.post<ErrorReply>('/groups', { guid: 'g', name: 'G', type: 'public' })).body.error
        .code,
    ).toBe('ERR_UID_NOT_FOUND');
    expect((await ghost.get<ErrorReply>('/groups')).body.error.code).toBe('ERR_UID_NOT_FOUND');
    await rest.post('/groups', { guid: 'real', name: 'Real', type: 'public' });
    for (const res of [
      await ghost.get<ErrorReply>('/groups/real'),
      await ghost.put<ErrorReply>('/groups/real', { name: 'x' }),
      await ghost.delete<ErrorReply>('/groups/real'),
    ]) {
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_UID_NOT_FOUND');
    }
    expect((await rest.get<ErrorReply>('/groups/g')).body.error.code).toBe('ERR_GUID_NOT_FOUND');
  });

  it('answers ERR_GUID_NOT_FOUND (404) for a missing group on get, update and delete', async () => {
    const { rest } = await appWithUsers([]);
    for (const [method, body] of [
      ['GET', undefined],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as const) {
      const res = await rest.request<ErrorReply>(method, '/groups/nope', body);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('ERR_GUID_NOT_FOUND');
    }
  });

  it('validates the body, naming each bad field', async () => {
    const { rest } = await appWithUsers([]);
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'G', type: 'public' }, 'guid'],
      [{ guid: 'has space', name: 'G', type: 'public' }, 'guid'],
      [{ guid: 'x'.repeat(101), name: 'G', type: 'public' }, 'guid'],
      [{ guid: 'g', type: 'public' }, 'name'],
      [{ guid: 'g', name: '   ', type: 'public' }, 'name'],
      [{ guid: 'g', name: 'G' }, 'type'],
      [{ guid: 'g', name: 'G', type: 'secret' }, 'type'],
      [{ guid: 'g', name: 'G', type: 'public', description: 'd'.repeat(256) }, 'description'],
      [{ guid: 'g', name: 'G', type: 'public', metadata: { big: 'x'.repeat(6000) } }, 'metadata'],
      [{ guid: 'g', name: 'G', type: 'public', password: 'p'.repeat(101) }, 'password'],
      [{ guid: 'g', name: 'G', type: 'public', tags: Array(26).fill('t') }, 'tags'],
      [{ guid: 'g', name: 'G', type: 'public', colour: 'red' }, 'colour'],
      [
        {
          guid: 'g',
          name: 'G',
          type: 'public',
          members: {
            participants: Array.from({ length: 20 }, (_, i) => `u${i}`),
            usersToBan: ['a', 'b', 'c', 'd', 'e', 'f'],
          },
        },
        'members',
      ],
      [{ guid: 'g', name: 'G', type: 'public', members: { owners: ['a'] } }, 'members.owners'],
    ];
    for (const [body, field] of cases) {
      const res = await rest.post<ErrorReply>('/groups', body);
      expect({ field, status: res.status, code: res.body.error?.code }).toEqual({
        field,
        status: 400,
        code: 'ERR_BAD_REQUEST',
      });
      expect(Object.keys(res.body.error.details ?? {}).some((k) => k.startsWith(field))).toBe(true);
    }
    expect((await rest.get<ErrorReply>('/groups/not%20valid')).status).toBe(400);
    expect((await rest.get<Many>('/groups')).body.data).toEqual([]);
  });

  it('accepts the fields the client SDK echoes from its Group object, and its per_page', async () => {
    const { app, rest } = await appWithUsers(['alice']);
    const asAlice = new AppClient(app.appId, { authtoken: await tokenOf(rest, 'alice') });
    const res = await asAlice.post<One>('/groups', {
      guid: 'sdk',
      name: 'SDK',
      type: 'public',
      password: '',
      hasJoined: false,
      membersCount: 0,
      isBanned: false,
      scope: 'participant',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ membersCount: 1, scope: 'admin' });
    const updated = await asAlice.put<One>('/groups/sdk', {
      guid: 'sdk',
      name: 'SDK 2',
      type: 'public',
      hasJoined: true,
      membersCount: 99,
    });
    expect(updated.status).toBe(200);
    expect(updated.body.data).toMatchObject({ name: 'SDK 2', membersCount: 1 });
    const page = await asAlice.get<Many>('/groups?per_page=1&page=1');
    expect(page.body.meta.pagination.per_page).toBe(1);
  });
});

describe('groups: lists', () => {
  /** Six groups with distinct names, types and tags, created in guid order. */
  async function catalogue() {
    const { app, rest } = await appWithUsers(['viewer']);
    const groups: Array<[string, string, Group['type'], string[]]> = [
      ['alpha', 'Zulu chat', 'public', ['red']],
      ['alpine', 'Mountain', 'password', ['red', 'blue']],
      ['beta', 'Alpha team', 'private', ['blue']],
      ['delta', 'Bravo', 'public', []],
      ['echo', 'alps fans', 'public', ['red']],
      ['gamma', 'Charlie', 'private', []],
    ];
    for (const [guid, name, type, tags] of groups) {
      const res = await rest.post('/groups', {
        guid,
        name,
        type,
        tags,
        ...(type === 'password' ? { password: 'pw' } : {}),
        ...(guid === 'gamma' ? { members: { participants: ['viewer'] } } : {}),
      });
      if (res.status !== 200) throw new Error(`create ${guid}: ${res.status}`);
    }
    return { app, rest };
  }

  it('filters by searchKey in guid or name, searchIn, type(s) and tags, in combination', async () => {
    const { rest } = await catalogue();
    expect(guidsOf(await rest.get<Many>('/groups'))).toEqual([
      'alpha',
      'alpine',
      'beta',
      'delta',
      'echo',
      'gamma',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?searchKey=alp'))).toEqual([
      'alpha',
      'alpine',
      'beta',
      'echo',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?searchKey=ALP&searchIn=guid'))).toEqual([
      'alpha',
      'alpine',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?searchKey=alp&searchIn=name'))).toEqual([
      'beta',
      'echo',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?type=private'))).toEqual(['beta', 'gamma']);
    expect(guidsOf(await rest.get<Many>('/groups?types=password,private'))).toEqual([
      'alpine',
      'beta',
      'gamma',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?type=protected'))).toEqual(['alpine']);
    expect(guidsOf(await rest.get<Many>('/groups?tags=blue'))).toEqual(['alpine', 'beta']);
    expect(guidsOf(await rest.get<Many>('/groups?tags=red&types=public&searchKey=e'))).toEqual([
      'echo',
    ]);
    expect(
      guidsOf(await rest.get<Many>('/groups?tags=red,blue&searchKey=al&searchIn=guid')),
    ).toEqual(['alpha', 'alpine']);
    // Literal wildcards: % and _ match only themselves.
    expect(guidsOf(await rest.get<Many>('/groups?searchKey=%25'))).toEqual([]);
    expect(guidsOf(await rest.get<Many>('/groups?searchKey=_'))).toEqual([]);

    const plain = await rest.get<Many>('/groups?tags=red');
    expect(plain.body.data[0]).not.toHaveProperty('tags');
    const tagged = await rest.get<Many>('/groups?tags=red&withTags=true');
    expect(tagged.body.data.map((g) => g.tags)).toEqual([['red'], ['red', 'blue'], ['red']]);
    expect(plain.body.meta.pagination).toEqual({
      total: 3,
      count: 3,
      per_page: 100,
      current_page: 1,
      total_pages: 1,
    });
    for (const bad of [
      'searchIn=email',
      'type=secret',
      'sortBy=owner',
      'sortOrder=up',
      'perPage=0',
      'affix=middle',
    ]) {
      const res = await rest.get<ErrorReply>(`/groups?${bad}`);
      expect({ bad, status: res.status }).toEqual({ bad, status: 400 });
      expect(Object.keys(res.body.error.details ?? {})[0]).toMatch(bad.split('=')[0]);
    }
  });

  it('sorts by name, guid or createdAt, ascending or descending', async () => {
    const { rest } = await catalogue();
    expect(guidsOf(await rest.get<Many>('/groups?sortBy=name'))).toEqual([
      'beta', // Alpha team
      'echo', // alps fans
      'delta', // Bravo
      'gamma', // Charlie
      'alpine', // Mountain
      'alpha', // Zulu chat
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?sortBy=name&sortOrder=desc'))).toEqual([
      'alpha',
      'alpine',
      'gamma',
      'delta',
      'echo',
      'beta',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?sortBy=guid&sortOrder=desc'))).toEqual([
      'gamma',
      'echo',
      'delta',
      'beta',
      'alpine',
      'alpha',
    ]);
    // Created one after another: createdAt order is creation order (ties broken by guid).
    expect(guidsOf(await rest.get<Many>('/groups?sortBy=createdAt'))).toEqual([
      'alpha',
      'alpine',
      'beta',
      'delta',
      'echo',
      'gamma',
    ]);
    expect(guidsOf(await rest.get<Many>('/groups?sortBy=createdAt&sortOrder=desc'))).toEqual([
      'gamma',
      'echo',
      'delta',
      'beta',
      'alpine',
      'alpha',
    ]);
  });

  it('pages a filtered, sorted list across pages with no duplicates or gaps', async () => {
    const { rest } = await appWithUsers([]);
    const made: string[] = [];
    for (let i = 0; i < 23; i++) {
      const guid = `g${String(i).padStart(2, '0')}`;
      made.push(guid);
      const res = await rest.post('/groups', {
        guid,
        name: `Name ${String(22 - i).padStart(2, '0')}`,
        type: i % 3 ? 'public' : 'private',
        tags: i % 2 ? ['odd'] : [],
      });
      if (res.status !== 200) throw new Error(`create ${guid}`);
    }
    const odd = made.filter((_, i) => i % 2);
    for (const [query, expected] of [
      ['tags=odd', odd],
      ['tags=odd&sortBy=name', [...odd].reverse()],
      ['tags=odd&sortBy=guid&sortOrder=desc', [...odd].reverse()],
    ] as const) {
      const seen: string[] = [];
      for (let page = 1; page <= 3; page++) {
        const res = await rest.get<Many>(`/groups?perPage=5&page=${page}&${query}`);
        expect(res.body.meta.pagination).toMatchObject({
          total: 11,
          per_page: 5,
          current_page: page,
          total_pages: 3,
          count: page < 3 ? 5 : 1,
        });
        seen.push(...guidsOf(res));
      }
      expect(seen).toEqual(expected);
    }
    expect(guidsOf(await rest.get<Many>('/groups?perPage=5&page=9'))).toEqual([]);
  });

  it("lists the viewer's own groups with hasJoined=true, each with their scope and joinedAt", async () => {
    const { app, rest } = await appWithUsers(['vic', 'other']);
    await rest.post('/groups', { guid: 'a', name: 'A', type: 'public', owner: 'vic' });
    await rest.post('/groups', { guid: 'b', name: 'B', type: 'public' });
    await rest.post('/groups', {
      guid: 'c',
      name: 'C',
      type: 'private',
      members: { moderators: ['vic'] },
    });
    await rest.post('/groups', { guid: 'd', name: 'D', type: 'private', owner: 'other' });
    await rest.post('/groups', {
      guid: 'e',
      name: 'E',
      type: 'password',
      password: 'pw',
      members: { participants: ['vic'] },
    });

    const mine = await as(app, 'vic').get<Many>('/groups?hasJoined=true');
    expect(mine.status).toBe(200);
    expect(mine.body.data.map((g) => [g.guid, g.scope, g.hasJoined])).toEqual([
      ['a', 'admin', true],
      ['c', 'moderator', true],
      ['e', 'participant', true],
    ]);
    expect(mine.body.data.every((g) => typeof g.joinedAt === 'number')).toBe(true);
    expect(mine.body.meta.pagination.total).toBe(3);
    expect(guidsOf(await as(app, 'vic').get<Many>('/groups?hasJoined=true&types=private'))).toEqual(
      ['c'],
    );
    expect(
      guidsOf(await as(app, 'vic').get<Many>('/groups?hasJoined=true&perPage=2&page=2')),
    ).toEqual(['e']);
    // hasJoined=false is no filter.
    expect(guidsOf(await as(app, 'vic').get<Many>('/groups?hasJoined=false'))).toEqual([
      'a',
      'b',
      'c',
      'e',
    ]);

    const all = await as(app, 'vic').get<Many>('/groups');
    expect(all.body.data.map((g) => [g.guid, g.hasJoined, g.scope ?? null])).toEqual([
      ['a', true, 'admin'],
      ['b', false, null],
      ['c', true, 'moderator'],
      ['e', true, 'participant'],
    ]);
    const noViewer = await rest.get<ErrorReply>('/groups?hasJoined=true');
    expect(noViewer.status).toBe(400);
    expect(noViewer.body.error.details).toHaveProperty('hasJoined');
  });

  it('shows private groups only to their members; the app sees them all', async () => {
    const { app, rest } = await teamGroup('private');
    await rest.post('/groups', { guid: 'open', name: 'Open', type: 'public' });
    expect(guidsOf(await rest.get<Many>('/groups'))).toEqual(['open', 'team']);
    expect(guidsOf(await as(app, 'par').get<Many>('/groups'))).toEqual(['open', 'team']);
    const outsider = await as(app, 'out').get<Many>('/groups');
    expect(guidsOf(outsider)).toEqual(['open']);
    expect(outsider.body.meta.pagination.total).toBe(1);
    expect(guidsOf(await as(app, 'out').get<Many>('/groups?type=private'))).toEqual([]);

    const hidden = await as(app, 'out').get<ErrorReply>('/groups/team');
    expect(hidden.status).toBe(403);
    expect(hidden.body.error.code).toBe('ERR_GROUP_NOT_JOINED');
    expect((await as(app, 'par').get<One>('/groups/team')).body.data).toMatchObject({
      type: 'private',
      scope: 'participant',
      hasJoined: true,
      membersCount: 4,
    });
  });

  it('pages by updatedAt with affix and updatedAt, answering meta.cursor', async () => {
    const { rest } = await appWithUsers([]);
    for (const guid of ['a', 'b', 'c'])
      await rest.post('/groups', { guid, name: guid, type: 'public' });
    await new Promise((r) => setTimeout(r, 1100));
    const later = await rest.put<One>('/groups/a', { name: 'A again' });
    const newestFirst = await rest.get<Many>('/groups?affix=prepend');
    expect(guidsOf(newestFirst)[0]).toBe('a');
    expect(newestFirst.body.meta.cursor).toEqual({
      updatedAt: newestFirst.body.data[2].updatedAt,
      affix: 'prepend',
    });
    const since = await rest.get<Many>(
      `/groups?affix=append&updatedAt=${later.body.data.updatedAt}`,
    );
    expect(guidsOf(since)).toEqual(['a']);
    expect(since.body.meta.cursor).toEqual({
      updatedAt: later.body.data.updatedAt,
      affix: 'append',
    });
    const before = await rest.get<Many>(`/groups?updatedAt=${later.body.data.updatedAt - 1}`);
    expect(guidsOf(before).sort()).toEqual(['b', 'c']);
    expect(before.body.meta.cursor?.affix).toBe('prepend');
    // A page list carries no cursor.
    expect((await rest.get<Many>('/groups')).body.meta).not.toHaveProperty('cursor');
  });
});

describe('groups: update and delete', () => {
  it('updates fields, clears unset ones, sets updatedAt and updatedBy', async () => {
    const { app, rest } = await teamGroup('public', {
      icon: 'https://example.com/i.png',
      description: 'Desc',
      metadata: { a: 1 },
      tags: ['x'],
    });
    const res = await rest.put<One>('/groups/TEAM', {
      name: 'Team 2',
      tags: ['y', 'z'],
      unset: ['icon', 'description', 'metadata'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      guid: 'team',
      name: 'Team 2',
      tags: ['y', 'z'],
      updatedBy: 'app_system',
      owner: 'own',
      membersCount: 4,
    });
    for (const field of ['icon', 'description', 'metadata']) {
      expect(res.body.data).not.toHaveProperty(field);
    }
    const byMod = await as(app, 'mod').put<One>('/groups/team', { description: 'By mod' });
    expect(byMod.body.data).toMatchObject({
      description: 'By mod',
      updatedBy: 'mod',
      scope: 'moderator',
      hasJoined: true,
    });
    expect((await rest.get<One>('/groups/team')).body.data.description).toBe('By mod');

    const both = await rest.put<ErrorReply>('/groups/team', { icon: 'x', unset: ['icon'] });
    expect(both.status).toBe(400);
    expect(both.body.error.details).toHaveProperty('unset');
    const badUnset = await rest.put<ErrorReply>('/groups/team', { unset: ['name'] });
    expect(badUnset.status).toBe(400);
  });

  it('changes the type: to password only with a password, away from it dropping the password', async () => {
    const { rest } = await teamGroup();
    const noPass = await rest.put<ErrorReply>('/groups/team', { type: 'password' });
    expect(noPass.status).toBe(400);
    expect(noPass.body.error.code).toBe('ERR_EMPTY_GROUP_PASS');
    const toPass = await rest.put<One>('/groups/team', { type: 'password', password: 'pw-1' });
    expect(toPass.body.data.type).toBe('password');
    // Other changes keep the password; an empty one is refused.
    expect((await rest.put('/groups/team', { name: 'Still protected' })).status).toBe(200);
    expect((await rest.put<ErrorReply>('/groups/team', { password: '' })).body.error.code).toBe(
      'ERR_EMPTY_GROUP_PASS',
    );
    const toPrivate = await rest.put<One>('/groups/team', { type: 'private' });
    expect(toPrivate.body.data.type).toBe('private');
    expect(
      (await rest.put<ErrorReply>('/groups/team', { type: 'protected' })).body.error.code,
    ).toBe('ERR_EMPTY_GROUP_PASS');
  });

  it('transfers ownership when the app names a member owner; ignores owner for a user', async () => {
    const { app, rest } = await teamGroup();
    const notMember = await rest.put<ErrorReply>('/groups/team', { owner: 'out' });
    expect(notMember.status).toBe(403);
    expect(notMember.body.error.code).toBe('ERR_NOT_A_MEMBER');

    const moved = await rest.put<One>('/groups/team', { owner: 'par' });
    expect(moved.status).toBe(200);
    expect(moved.body.data.owner).toBe('par');
    expect((await as(app, 'par').get<One>('/groups/team')).body.data.scope).toBe('admin');
    // The old owner stays an admin member.
    expect((await as(app, 'own').get<One>('/groups/team')).body.data.scope).toBe('admin');
    expect(moved.body.data.membersCount).toBe(4);

    const ignored = await as(app, 'par').put<One>('/groups/team', { owner: 'adm', name: 'Mine' });
    expect(ignored.status).toBe(200);
    expect(ignored.body.data).toMatchObject({ owner: 'par', name: 'Mine' });
  });

  it('lets moderators and up update, admins and the owner delete (a few §6.3 cells)', async () => {
    const { app, rest } = await teamGroup();
    const cells: Array<[string, 'PUT' | 'DELETE', number, string | null]> = [
      ['out', 'PUT', 403, 'ERR_GROUP_NOT_JOINED'],
      ['par', 'PUT', 403, 'ERR_GROUP_NO_MODERATOR_SCOPE'],
      ['mod', 'PUT', 200, null],
      ['adm', 'PUT', 200, null],
      ['own', 'PUT', 200, null],
      ['out', 'DELETE', 403, 'ERR_GROUP_NOT_JOINED'],
      ['par', 'DELETE', 403, 'ERR_GROUP_NO_ADMIN_SCOPE'],
      ['mod', 'DELETE', 403, 'ERR_GROUP_NO_ADMIN_SCOPE'],
    ];
    for (const [uid, method, status, code] of cells) {
      const res = await as(app, uid).request<ErrorReply>(
        method,
        '/groups/team',
        method === 'PUT' ? { name: `By ${uid}` } : undefined,
      );
      expect({ uid, method, status: res.status, code: res.body.error?.code ?? null }).toEqual({
        uid,
        method,
        status,
        code,
      });
    }
    expect((await rest.get<One>('/groups/team')).body.data.name).toBe('By own');

    const byAdmin = await as(app, 'adm').delete<One<{ success: boolean; message: string }>>(
      '/groups/team',
    );
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body.data).toEqual({ success: true, message: expect.any(String) });
    expect((await rest.get<ErrorReply>('/groups/team')).body.error.code).toBe('ERR_GUID_NOT_FOUND');

    // The owner, by auth token.
    const again = await teamGroupIn(rest);
    const ownToken = new AppClient(app.appId, { authtoken: await tokenOf(rest, 'own') });
    expect((await ownToken.delete(`/groups/${again}`)).status).toBe(200);
  });

  it('deletes a group with its members and bans: the guid can be created afresh', async () => {
    const { app, rest } = await teamGroup('public', {
      members: { participants: ['par'], usersToBan: ['out'] },
    });
    expect((await rest.delete('/groups/team')).status).toBe(200);
    expect((await as(app, 'par').get<Many>('/groups?hasJoined=true')).body.data).toEqual([]);
    const fresh = await rest.post<One<Created>>('/groups', {
      guid: 'team',
      name: 'Team again',
      type: 'public',
      members: { participants: ['out'] },
    });
    expect(fresh.status).toBe(200);
    expect(fresh.body.data.membersCount).toBe(1);
    // The new group's `added` message, not the former group's (the conversation goes on).
    expect(fresh.body.data.members).toEqual({ participants: { out: ADDED('out') } });
    const freshAdded = fresh.body.data.members?.participants.out as { data: { seq: number } };
    expect(freshAdded.data.seq).toBeGreaterThan(2);
    expect((await as(app, 'par').get<One>('/groups/team')).body.data.hasJoined).toBe(false);
    expect((await rest.delete<ErrorReply>('/groups/team')).status).toBe(200);
    expect((await rest.delete<ErrorReply>('/groups/team')).body.error.code).toBe(
      'ERR_GUID_NOT_FOUND',
    );
  });
});

/** Another group owned by `own` in the same app (for a second delete). */
async function teamGroupIn(rest: AppClient): Promise<string> {
  const res = await rest.post<One>('/groups', {
    guid: 'team2',
    name: 'Team 2',
    type: 'public',
    owner: 'own',
  });
  if (res.status !== 200) throw new Error(`create team2: ${res.status}`);
  return res.body.data.guid;
}

describe('groups: access and isolation', () => {
  it('keeps apps apart: the same guid in two apps are two groups', async () => {
    const a = AppClient.rest(await createApp());
    const b = AppClient.rest(await createApp());
    await a.post('/groups', { guid: 'shared', name: 'In A', type: 'public' });
    expect((await b.get<ErrorReply>('/groups/shared')).body.error.code).toBe('ERR_GUID_NOT_FOUND');
    expect((await b.put<ErrorReply>('/groups/shared', { name: 'x' })).status).toBe(404);
    expect((await b.delete<ErrorReply>('/groups/shared')).status).toBe(404);
    expect((await b.get<Many>('/groups')).body.data).toEqual([]);
    expect(
      (await b.post('/groups', { guid: 'shared', name: 'In B', type: 'private' })).status,
    ).toBe(200);
    expect((await a.get<One>('/groups/shared')).body.data).toMatchObject({
      name: 'In A',
      type: 'public',
    });
    expect((await b.get<One>('/groups/shared')).body.data).toMatchObject({
      name: 'In B',
      type: 'private',
    });
    // Another app's credential does not open this app.
    const cross = await http<ErrorReply>('GET', `${a.gateway}/v3/groups`, {
      headers: { appid: a.appId, apikey: (b.headers() as { apikey: string }).apikey },
    });
    expect(cross.status).toBe(401);
  });

  it('serves every route to a user token, and holds on the other gateway', async () => {
    const { app, rest } = await appWithUsers(['tina']);
    const tina = new AppClient(app.appId, { authtoken: await tokenOf(rest, 'tina') });
    expect((await tina.post('/groups', { guid: 'tg', name: 'TG', type: 'public' })).status).toBe(
      200,
    );
    expect(guidsOf(await tina.get<Many>('/groups?hasJoined=true'))).toEqual(['tg']);
    const other = tina.on(gateways()[1] ?? gateways()[0]);
    expect((await other.get<One>('/groups/tg')).body.data).toMatchObject({ scope: 'admin' });
    expect((await other.put<One>('/groups/tg', { name: 'TG 2' })).body.data.name).toBe('TG 2');
    expect((await tina.delete('/groups/tg')).status).toBe(200);
  });

  it('refuses the auth-only key on every route with AUTH_ERR_NO_ACCESS', async () => {
    const app = await createApp();
    await AppClient.rest(app).post('/groups', { guid: 'g', name: 'G', type: 'public' });
    const auth = AppClient.auth(app);
    for (const [method, path, body] of [
      ['POST', '/groups', { guid: 'h', name: 'H', type: 'public' }],
      ['GET', '/groups', undefined],
      ['GET', '/groups/g', undefined],
      ['PUT', '/groups/g', { name: 'x' }],
      ['DELETE', '/groups/g', undefined],
      ['POST', '/data_import/groups', { groups: [{ guid: 'i', name: 'I', type: 'public' }] }],
    ] as const) {
      const res = await auth.request<ErrorReply>(method, path, body);
      expect({ method, path, status: res.status, code: res.body.error.code }).toEqual({
        method,
        path,
        status: 403,
        code: 'AUTH_ERR_NO_ACCESS',
      });
    }
    expect((await AppClient.rest(app).get<Many>('/groups')).body.data.map((g) => g.guid)).toEqual([
      'g',
    ]);
  });
});

describe('groups: data import', () => {
  it('imports groups keyed by guid with per-item results; importing again updates the same groups', async () => {
    const { app, rest } = await appWithUsers(['olga']);
    const body = {
      groups: [
        {
          guid: 'Imp-1',
          name: 'One',
          type: 'public',
          owner: 'olga',
          createdAt: 1_600_000_000,
          tags: ['t'],
        },
        { guid: 'imp-2', name: 'Two', type: 'password', password: 'import-secret' },
        { guid: 'imp-3', name: 'Three', type: 'password' },
        { guid: 'imp-4', name: 'Four', type: 'private', owner: 'ghost' },
      ],
    };
    const res = await rest.post<One<Record<string, ItemResult & { data?: Group }>>>(
      '/data_import/groups',
      body,
    );
    expect(res.status).toBe(200);
    expect(res.body.data['imp-1']).toEqual({
      success: true,
      data: expect.objectContaining({
        guid: 'imp-1',
        owner: 'olga',
        createdAt: 1_600_000_000,
        membersCount: 0,
        conversationId: 'group_imp-1',
      }),
    });
    expect(res.body.data['imp-2']).toMatchObject({ success: true, data: { type: 'password' } });
    expect(res.body.data['imp-3']).toEqual(failed('ERR_EMPTY_GROUP_PASS'));
    expect(res.body.data['imp-4']).toEqual(failed('ERR_UID_NOT_FOUND'));
    expect(JSON.stringify(res.body)).not.toContain('import-secret');
    expect(guidsOf(await rest.get<Many>('/groups'))).toEqual(['imp-1', 'imp-2']);

    // Members added since are kept; a re-import replaces the fields, createdAt stays when not given.
    await rest.post('/groups', { guid: 'side', name: 'Side', type: 'public', owner: 'olga' });
    const again = await rest.post<One<Record<string, ItemResult & { data?: Group }>>>(
      '/data_import/groups',
      {
        groups: [
          { guid: 'imp-1', name: 'One renamed', type: 'public', owner: 'olga' },
          { guid: 'imp-2', name: 'Two', type: 'password', password: 'import-secret' },
        ],
      },
    );
    expect(again.body.data['imp-1']).toMatchObject({
      success: true,
      data: { name: 'One renamed', createdAt: 1_600_000_000 },
    });
    expect(again.body.data['imp-1'].data).not.toHaveProperty('tags.0');
    expect(guidsOf(await rest.get<Many>('/groups'))).toEqual(['imp-1', 'imp-2', 'side']);
    const seen = await as(app, 'olga').get<One>('/groups/imp-1');
    expect(seen.body.data).toMatchObject({ owner: 'olga', hasJoined: false });
  });

  it('validates the import body', async () => {
    const { rest } = await appWithUsers([]);
    const tooMany = {
      groups: Array.from({ length: 101 }, (_, i) => ({ guid: `g${i}`, name: 'G', type: 'public' })),
    };
    for (const [body, field] of [
      [{ groups: [] }, 'groups'],
      [tooMany, 'groups'],
      [
        {
          groups: [
            { guid: 'a', name: 'A', type: 'public' },
            { guid: 'A', name: 'B', type: 'public' },
          ],
        },
        'groups',
      ],
      [{ groups: [{ guid: 'a', name: 'A', type: 'nope' }] }, 'groups.0.type'],
      [{ groups: [{ guid: 'a', name: 'A', type: 'public', members: [] }] }, 'groups.0.members'],
    ] as const) {
      const res = await rest.post<ErrorReply>('/data_import/groups', body);
      expect(res.status).toBe(400);
      expect(res.body.error.details).toHaveProperty([field]);
    }
  });
});
