import { AppClient, AppKeys, createApp, ErrorReply } from './support/parley';

interface Group {
  guid: string;
  name: string;
  type: 'public' | 'password' | 'private';
  owner: string;
  membersCount: number;
  conversationId: string;
  createdAt: number;
  updatedAt: number;
  updatedBy?: string;
  scope?: string;
  hasJoined?: boolean;
  joinedAt?: number;
}
interface Member {
  uid: string;
  name: string;
  role: string;
  status: string;
  createdAt: number;
  scope: string;
  joinedAt: number;
}
interface Banned {
  uid: string;
  name: string;
  isBanned: true;
  bannedAt: number;
}
interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}
type ItemResult =
  { success: true; data?: unknown } | { success: false; error: { code: string; message: string } };
type Results = { data: Record<string, Record<string, ItemResult>> };
type One<T = Group> = { data: T };
type Many<T = Member> = { data: T[]; meta: { pagination: Pagination } };
type Done = { data: { success: true; message: string } };
/** A join's reply: the `joined` action message, the group (as the member sees it) its `for`. */
type Joined = {
  data: {
    category: string;
    data: { action: string; entities: { for: { entity: Group; entityType: string } } };
  };
};

const OK = { success: true };
/** An added member's item carries the `added` action message on them (reference §4.7). */
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
const DONE = { success: true, message: expect.any(String) };
const failed = (code: string) => ({ success: false, error: { code, message: expect.any(String) } });
const now = () => Math.floor(Date.now() / 1000);
const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;

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

/** A user acting through the REST key with onBehalfOf. */
const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

/** A user acting with their own auth token, as the client SDK does. */
async function withToken(app: AppKeys, rest: AppClient, uid: string): Promise<AppClient> {
  const res = await rest.post<One<{ authToken: string }>>(`/users/${uid}/auth_tokens`, {});
  return new AppClient(app.appId, { authtoken: res.body.data.authToken });
}

/**
 * An app with users `own`, `adm`, `mod`, `par` and the non-members `out`, `amy`, `ben`, and a
 * group `team` (of `type`) owned by `own` with `adm` admin, `mod` moderator and `par` participant.
 */
async function team(type: Group['type'] = 'public', extra: Record<string, unknown> = {}) {
  const app = await createApp();
  const rest = AppClient.rest(app);
  await createUsers(rest, ['own', 'adm', 'mod', 'par', 'out', 'amy', 'ben']);
  const created = await rest.post('/groups', {
    guid: 'team',
    name: 'Team',
    type,
    owner: 'own',
    ...extra,
  });
  if (created.status !== 200) throw new Error(`create group: ${JSON.stringify(created.body)}`);
  const added = await rest.post<Results>('/groups/team/members', {
    admins: ['adm'],
    moderators: ['mod'],
    participants: ['par'],
  });
  if (added.status !== 200) throw new Error(`add members: ${JSON.stringify(added.body)}`);
  return { app, rest };
}

async function scopesOf(rest: AppClient, guid = 'team'): Promise<Record<string, string>> {
  const res = await rest.get<Many>(`/groups/${guid}/members?perPage=1000`);
  expect(res.status).toBe(200);
  return Object.fromEntries(res.body.data.map((m) => [m.uid, m.scope]));
}

async function membersCount(rest: AppClient, guid = 'team'): Promise<number> {
  return (await rest.get<One>(`/groups/${guid}`)).body.data.membersCount;
}

describe('adding members', () => {
  it('adds by scope with a result per uid, and counts them', async () => {
    const { app, rest } = await team();
    const res = await rest.post<Results>('/groups/team/members', {
      admins: ['amy'],
      participants: ['BEN', 'ghost', 'par'],
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      admins: { amy: ADDED('amy') },
      participants: {
        ben: ADDED('ben'),
        ghost: failed('ERR_UID_NOT_FOUND'),
        par: failed('ERR_ALREADY_JOINED'),
      },
    });
    expect(await scopesOf(rest)).toEqual({
      own: 'admin',
      adm: 'admin',
      mod: 'moderator',
      par: 'participant',
      amy: 'admin',
      ben: 'participant',
    });
    expect(await membersCount(rest)).toBe(6);

    // The SDK's addMembersToGroup: PUT, same body; the highest scope wins, answered in each array.
    const put = await as(app, 'adm').put<Results>('/groups/team/members', {
      participants: ['out'],
      moderators: ['out'],
    });
    expect(put.status).toBe(200);
    // PUT is the SDK's addMembersToGroup, which reads all four arrays.
    expect(put.body.data).toEqual({
      admins: {},
      participants: { out: ADDED('out') },
      moderators: { out: ADDED('out') },
      usersToBan: {},
    });
    expect((await scopesOf(rest)).out).toBe('moderator');
    expect(await membersCount(rest)).toBe(7);
  });

  it('bans with usersToBan, and refuses adding a banned user per uid', async () => {
    const { rest } = await team();
    const res = await rest.post<Results>('/groups/team/members', {
      usersToBan: ['par', 'amy'],
      participants: ['amy', 'ben'],
    });
    expect(res.body.data).toEqual({
      usersToBan: { par: OK, amy: OK },
      participants: { amy: failed('ERR_BANNED_GROUPMEMBER'), ben: ADDED('ben') },
    });
    const again = await rest.post<Results>('/groups/team/members', {
      participants: ['par'],
      usersToBan: ['amy'],
    });
    expect(again.body.data).toEqual({
      participants: { par: failed('ERR_BANNED_GROUPMEMBER') },
      usersToBan: { amy: failed('ERR_ALREADY_BANNED') },
    });
    expect(Object.keys(await scopesOf(rest)).sort()).toEqual(['adm', 'ben', 'mod', 'own']);
    expect(await membersCount(rest)).toBe(4);
  });

  it('refuses a bad body, more than 25 uids, a missing group, and a user without the admin scope', async () => {
    const { app, rest } = await team();
    const empty = await rest.post('/groups/team/members', {});
    expect([empty.status, code(empty)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const many = await rest.post('/groups/team/members', {
      participants: Array.from({ length: 20 }, (_, i) => `u${i}`),
      moderators: Array.from({ length: 6 }, (_, i) => `m${i}`),
    });
    expect([many.status, code(many)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const missing = await rest.post('/groups/nope/members', { participants: ['amy'] });
    expect([missing.status, code(missing)]).toEqual([404, 'ERR_GUID_NOT_FOUND']);
    const byMod = await as(app, 'mod').post('/groups/team/members', { participants: ['amy'] });
    expect([byMod.status, code(byMod)]).toEqual([403, 'ERR_GROUP_NO_ADMIN_SCOPE']);
    const byOut = await as(app, 'out').post('/groups/team/members', { participants: ['amy'] });
    expect([byOut.status, code(byOut)]).toEqual([403, 'ERR_GROUP_NOT_JOINED']);
  });
});

describe('joining and leaving', () => {
  it('joins a public group with an auth token, as the SDK does, and answers the `joined` action message', async () => {
    const { app, rest } = await team();
    const amy = await withToken(app, rest, 'amy');
    const before = now();
    // The SDK posts the group it holds.
    const res = await amy.post<Joined>('/groups/team/members', {
      guid: 'team',
      name: 'Team',
      type: 'public',
      hasJoined: false,
      membersCount: 4,
      isBanned: false,
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      category: 'action',
      type: 'groupMember',
      sender: 'amy',
      receiver: 'team',
      receiverType: 'group',
      conversationId: 'group_team',
      data: {
        action: 'joined',
        entities: {
          by: { entityType: 'user', entity: { uid: 'amy' } },
          on: { entityType: 'user', entity: { uid: 'amy' } },
          for: { entityType: 'group' },
        },
      },
    });
    // The client SDK takes `data.entities.for.entity` as the joined group.
    const group = res.body.data.data.entities.for.entity;
    expect(group).toMatchObject({
      guid: 'team',
      owner: 'own',
      hasJoined: true,
      scope: 'participant',
      membersCount: 5,
      conversationId: 'group_team',
    });
    expect(group.joinedAt).toBeGreaterThanOrEqual(before);
    const again = await amy.post('/groups/team/members', {});
    expect([again.status, code(again)]).toEqual([409, 'ERR_ALREADY_JOINED']);
    expect((await scopesOf(rest)).amy).toBe('participant');
  });

  it('joins a password group only with its password', async () => {
    const { app, rest } = await team('password', { password: 's3cret' });
    const amy = as(app, 'amy');
    const none = await amy.post('/groups/team/members', {});
    expect([none.status, code(none)]).toEqual([400, 'ERR_EMPTY_GROUP_PASS']);
    const wrong = await amy.post('/groups/team/members', { password: 'guess' });
    expect([wrong.status, code(wrong)]).toEqual([403, 'ERR_WRONG_GROUP_PASS']);
    const right = await amy.post<Joined>('/groups/team/members', { password: 's3cret' });
    expect(right.status).toBe(200);
    const group = right.body.data.data.entities.for.entity;
    expect(group).toMatchObject({ type: 'password', hasJoined: true });
    expect(group).not.toHaveProperty('password');
    expect(await membersCount(rest)).toBe(5);
  });

  it('refuses joining a private group, and a join by the REST key alone', async () => {
    const { app, rest } = await team('private');
    const res = await as(app, 'amy').post('/groups/team/members', {});
    expect([res.status, code(res)]).toEqual([403, 'ERR_GROUP_JOIN_NOT_ALLOWED']);
    const missing = await as(app, 'amy').post('/groups/nope/members', {});
    expect([missing.status, code(missing)]).toEqual([404, 'ERR_GUID_NOT_FOUND']);
    const byApp = await rest.post('/groups/team/members', {});
    expect([byApp.status, code(byApp)]).toEqual([400, 'ERR_BAD_REQUEST']);
    // A private group's members may still add them.
    const added = await as(app, 'adm').post<Results>('/groups/team/members', {
      participants: ['amy'],
    });
    expect(added.body.data).toEqual({ participants: { amy: ADDED('amy') } });
  });

  it('leaves with a user credential; the owner only after handing the group on', async () => {
    const { app, rest } = await team();
    const par = await withToken(app, rest, 'par');
    const left = await par.delete<Done>('/groups/team/members');
    expect([left.status, left.body]).toEqual([200, { data: DONE }]);
    expect(await scopesOf(rest)).not.toHaveProperty('par');
    expect(await membersCount(rest)).toBe(3);
    const again = await par.delete('/groups/team/members');
    expect([again.status, code(again)]).toEqual([403, 'ERR_GROUP_NOT_JOINED']);

    const owner = as(app, 'own');
    const refused = await owner.delete('/groups/team/members');
    expect([refused.status, code(refused)]).toEqual([403, 'ERR_GROUP_NO_CLEARANCE']);
    const byApp = await rest.delete('/groups/team/members');
    expect([byApp.status, code(byApp)]).toEqual([400, 'ERR_BAD_REQUEST']);

    expect((await owner.request('PATCH', '/groups/team/owner', { uid: 'mod' })).status).toBe(200);
    expect((await owner.delete<Done>('/groups/team/members')).status).toBe(200);
    expect(await scopesOf(rest)).toEqual({ adm: 'admin', mod: 'admin' });
  });

  it('keeps membersCount exact under 20 concurrent joins and leaves', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const joiners = Array.from({ length: 20 }, (_, i) => `j${i}`);
    const leavers = Array.from({ length: 20 }, (_, i) => `l${i}`);
    await createUsers(rest, ['own', ...joiners, ...leavers]);
    await rest.post('/groups', { guid: 'busy', name: 'Busy', type: 'public', owner: 'own' });
    await rest.post('/groups/busy/members', { participants: leavers });
    expect(await membersCount(rest, 'busy')).toBe(21);

    const replies = await Promise.all([
      ...joiners.map((uid) => as(app, uid).post('/groups/busy/members', {})),
      ...leavers.map((uid) => as(app, uid).delete('/groups/busy/members')),
    ]);
    expect(replies.map((r) => r.status)).toEqual(replies.map(() => 200));

    const list = await rest.get<Many>('/groups/busy/members?perPage=100');
    expect(list.body.data.map((m) => m.uid).sort()).toEqual(['own', ...joiners].sort());
    expect(list.body.meta.pagination.total).toBe(21);
    expect(await membersCount(rest, 'busy')).toBe(21);
  });
});

describe('listing members', () => {
  it('lists user objects with scope and joinedAt, to members and the app only', async () => {
    const { app, rest } = await team();
    const res = await as(app, 'par').get<Many>('/groups/team/members');
    expect(res.status).toBe(200);
    expect(res.body.data.map((m) => m.uid)).toEqual(['adm', 'mod', 'own', 'par']);
    expect(res.body.data[1]).toEqual(
      expect.objectContaining({
        uid: 'mod',
        name: 'Name mod',
        role: 'default',
        status: 'offline',
        scope: 'moderator',
        joinedAt: expect.any(Number),
        createdAt: expect.any(Number),
      }),
    );
    expect(res.body.meta.pagination).toEqual({
      total: 4,
      count: 4,
      per_page: 100,
      current_page: 1,
      total_pages: 1,
    });
    const out = await as(app, 'out').get('/groups/team/members');
    expect([out.status, code(out)]).toEqual([403, 'ERR_GROUP_NOT_JOINED']);
    const missing = await rest.get('/groups/nope/members');
    expect([missing.status, code(missing)]).toEqual([404, 'ERR_GUID_NOT_FOUND']);
  });

  it('filters by scopes, uid prefix and status, and pages by page or after a uid', async () => {
    const { rest } = await team();
    const uidsOf = (r: { body: Many }) => r.body.data.map((m) => m.uid);
    expect(uidsOf(await rest.get<Many>('/groups/team/members?scopes=admin,moderator'))).toEqual([
      'adm',
      'mod',
      'own',
    ]);
    const admins = await rest.get<Many>('/groups/team/members?scopes=admin');
    expect(admins.body.meta.pagination.total).toBe(2);
    expect(uidsOf(await rest.get<Many>('/groups/team/members?searchKey=O'))).toEqual(['own']);
    expect(uidsOf(await rest.get<Many>('/groups/team/members?status=available'))).toEqual([]);
    expect(uidsOf(await rest.get<Many>('/groups/team/members?status=offline'))).toHaveLength(4);

    const p2 = await rest.get<Many>('/groups/team/members?perPage=3&page=2');
    expect(uidsOf(p2)).toEqual(['par']);
    expect(p2.body.meta.pagination).toMatchObject({
      total: 4,
      count: 1,
      current_page: 2,
      total_pages: 2,
    });
    expect(uidsOf(await rest.get<Many>('/groups/team/members?perPage=2&after=mod'))).toEqual([
      'own',
      'par',
    ]);
    const bad = await rest.get('/groups/team/members?scopes=owner');
    expect([bad.status, code(bad)]).toEqual([400, 'ERR_BAD_REQUEST']);
  });

  it('leaves deleted users out of the page', async () => {
    const { rest } = await team();
    expect((await rest.delete('/users/par', {})).status).toBe(200);
    const res = await rest.get<Many>('/groups/team/members');
    expect(res.body.data.map((m) => m.uid)).toEqual(['adm', 'mod', 'own']);
  });
});

describe('scopes, kicks and bans', () => {
  it('changes a scope and answers {guid, uid, scope, joinedAt}', async () => {
    const { app, rest } = await team();
    const res = await as(app, 'adm').put<One<Record<string, unknown>>>('/groups/team/members/par', {
      scope: 'moderator',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      guid: 'team',
      uid: 'par',
      scope: 'moderator',
      joinedAt: expect.any(Number),
    });
    const same = await rest.put('/groups/team/members/par', { scope: 'moderator' });
    expect([same.status, code(same)]).toEqual([409, 'ERR_SAME_SCOPE']);
    const notMember = await rest.put('/groups/team/members/amy', { scope: 'admin' });
    expect([notMember.status, code(notMember)]).toEqual([403, 'ERR_NOT_A_MEMBER']);
    const self = await as(app, 'adm').put('/groups/team/members/adm', { scope: 'participant' });
    expect([self.status, code(self)]).toEqual([403, 'ERR_GROUP_NO_SELF_ACTION']);
    const bad = await rest.put('/groups/team/members/par', { scope: 'owner' });
    expect([bad.status, code(bad)]).toEqual([400, 'ERR_BAD_REQUEST']);
    // No scope: participant (the reference's default).
    const demoted = await rest.put<One<{ scope: string }>>('/groups/team/members/par', {});
    expect(demoted.body.data.scope).toBe('participant');
  });

  it('kicks a member, who may join again', async () => {
    const { app, rest } = await team();
    const res = await as(app, 'mod').delete<Done>('/groups/team/members/par');
    expect([res.status, res.body]).toEqual([200, { data: DONE }]);
    expect(await membersCount(rest)).toBe(3);
    const again = await rest.delete('/groups/team/members/par');
    expect([again.status, code(again)]).toEqual([403, 'ERR_NOT_A_MEMBER']);
    const rejoined = await as(app, 'par').post<Joined>('/groups/team/members', {});
    expect(rejoined.body.data.data.entities.for.entity).toMatchObject({
      hasJoined: true,
      scope: 'participant',
    });
    const owner = await rest.delete('/groups/team/members/own');
    expect([owner.status, code(owner)]).toEqual([403, 'ERR_GROUP_NO_SCOPE_CLEARANCE']);
  });

  it('bans a member (removed, listed, cannot join), unbans, and lets them join again', async () => {
    const { app, rest } = await team();
    const before = now();
    const res = await as(app, 'mod').post<Done>('/groups/team/bannedusers/par');
    expect([res.status, res.body]).toEqual([200, { data: DONE }]);
    expect(await scopesOf(rest)).not.toHaveProperty('par');
    expect(await membersCount(rest)).toBe(3);

    const banned = await as(app, 'adm').get<Many<Banned>>('/groups/team/bannedusers');
    expect(banned.status).toBe(200);
    expect(banned.body.data).toEqual([
      expect.objectContaining({ uid: 'par', name: 'Name par', isBanned: true }),
    ]);
    expect(banned.body.data[0].bannedAt).toBeGreaterThanOrEqual(before);
    expect(banned.body.meta.pagination).toMatchObject({ total: 1, count: 1 });

    const join = await as(app, 'par').post('/groups/team/members', {});
    expect([join.status, code(join)]).toEqual([403, 'ERR_BANNED_GROUPMEMBER']);
    const twice = await rest.post('/groups/team/bannedusers/par');
    expect([twice.status, code(twice)]).toEqual([409, 'ERR_ALREADY_BANNED']);

    // A user who is not a member can be banned too; an unknown one cannot.
    expect((await rest.post('/groups/team/bannedusers/amy')).status).toBe(200);
    const ghost = await rest.post('/groups/team/bannedusers/ghost');
    expect([ghost.status, code(ghost)]).toEqual([404, 'ERR_UID_NOT_FOUND']);

    const unban = await as(app, 'mod').delete<Done>('/groups/team/bannedusers/par');
    expect([unban.status, unban.body]).toEqual([200, { data: DONE }]);
    const notBanned = await rest.delete('/groups/team/bannedusers/par');
    expect([notBanned.status, code(notBanned)]).toEqual([404, 'ERR_NOT_A_BANNED_USER']);
    expect((await as(app, 'par').post('/groups/team/members', {})).status).toBe(200);
    const stillBanned = await rest.get<Many<Banned>>('/groups/team/bannedusers');
    expect(stillBanned.body.data.map((b) => b.uid)).toEqual(['amy']);
    const out = await as(app, 'out').get('/groups/team/bannedusers');
    expect([out.status, code(out)]).toEqual([403, 'ERR_GROUP_NOT_JOINED']);
  });
});

describe('ownership', () => {
  it('transfers to a member, who becomes an admin owner; the old owner stays an admin', async () => {
    const { app, rest } = await team();
    const own = await withToken(app, rest, 'own');
    const res = await own.request<One>('PATCH', '/groups/team/owner', { uid: 'par' });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      guid: 'team',
      owner: 'par',
      scope: 'admin',
      hasJoined: true,
      updatedBy: 'own',
    });
    expect((await rest.get<One>('/groups/team')).body.data.owner).toBe('par');
    expect(await scopesOf(rest)).toMatchObject({ own: 'admin', par: 'admin' });

    // The old owner is now an admin like any other: no more transfers, no acting on admins.
    const again = await own.request('PATCH', '/groups/team/owner', { uid: 'mod' });
    expect([again.status, code(again)]).toEqual([403, 'ERR_GROUP_NO_CLEARANCE']);
    const kick = await own.delete('/groups/team/members/adm');
    expect([kick.status, code(kick)]).toEqual([403, 'ERR_GROUP_NO_SCOPE_CLEARANCE']);

    // PUT too, and the app may transfer; only to a member.
    const notMember = await as(app, 'par').put('/groups/team/owner', { uid: 'amy' });
    expect([notMember.status, code(notMember)]).toEqual([403, 'ERR_NOT_A_MEMBER']);
    const byApp = await rest.put<One>('/groups/team/owner', { owner: 'mod' });
    expect([byApp.status, byApp.body.data.owner]).toEqual([200, 'mod']);
    const empty = await rest.put('/groups/team/owner', {});
    expect([empty.status, code(empty)]).toEqual([400, 'ERR_BAD_REQUEST']);
  });
});

describe('data import of members', () => {
  it('imports memberships and bans keyed by <guid>_member_<uid>, idempotently', async () => {
    const { rest } = await team();
    const body = {
      members: [
        { guid: 'team', uid: 'amy', scope: 'moderator', joinedAt: 1_600_000_000 },
        { guid: 'team', uid: 'ben' },
        { guid: 'team', uid: 'out', isBanned: true },
        { guid: 'team', uid: 'ghost' },
        { guid: 'nope', uid: 'amy' },
      ],
    };
    const res = await rest.post<{ data: Record<string, unknown> }>('/data_import/members', body);
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({
      team_member_amy: {
        success: true,
        data: {
          guid: 'team',
          uid: 'amy',
          isBanned: false,
          scope: 'moderator',
          joinedAt: 1_600_000_000,
        },
      },
      team_member_ben: {
        success: true,
        data: expect.objectContaining({ uid: 'ben', scope: 'participant', isBanned: false }),
      },
      team_member_out: {
        success: true,
        data: expect.objectContaining({ uid: 'out', isBanned: true, bannedAt: expect.any(Number) }),
      },
      team_member_ghost: failed('ERR_UID_NOT_FOUND'),
      nope_member_amy: failed('ERR_GUID_NOT_FOUND'),
    });
    expect(await scopesOf(rest)).toMatchObject({ amy: 'moderator', ben: 'participant' });
    expect(await membersCount(rest)).toBe(6);

    const again = await rest.post<{ data: Record<string, unknown> }>('/data_import/members', body);
    expect(again.body.data).toEqual(res.body.data);
    expect(await membersCount(rest)).toBe(6);

    const dup = await rest.post('/data_import/members', {
      members: [
        { guid: 'team', uid: 'amy' },
        { guid: 'team', uid: 'AMY' },
      ],
    });
    expect([dup.status, code(dup)]).toEqual([400, 'ERR_BAD_REQUEST']);
  });
});
