import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { AppClient, createApp, ErrorReply, eventually } from './support/parley';
import { text, toGroup } from './support/messaging-world';
import { login } from './support/realtime-client';
import { databaseUrl } from './support/stored-data';

/**
 * A permanent user delete (DELETE /v3/users/{uid} `{permanent: true}`) erases the user in every
 * service, and GET /v3/users/{uid}/erasures/{erasureId} reports it. The proof reads PostgreSQL
 * itself: every text, text[] and JSON column of every table of every Parley schema is searched
 * for the uid (the tables are read from information_schema, so a new table is searched without
 * being named here).
 */
jest.setTimeout(120_000);

type Report = {
  uid: string;
  erasureId: string;
  complete: boolean;
  services: Record<
    string,
    {
      status: string;
      erasedAt?: number;
      erased: Record<string, number>;
      remaining: Record<string, number>;
    }
  >;
};

let db: Client;
beforeAll(async () => {
  db = new Client({ connectionString: databaseUrl() });
  await db.connect();
});
afterAll(() => db.end());

/**
 * Rows of `appId`, in any Parley schema, with a column naming `uid` (a text column equal to it, an
 * array holding it, JSON containing it), or with `within`, a text column containing it, counted
 * per `schema.table.column`.
 */
async function rowsNaming(
  appId: string,
  uid: string,
  within = false,
): Promise<Record<string, number>> {
  const columns = await db.query<{ schema: string; table: string; column: string; type: string }>(
    `SELECT c.table_schema AS schema, c.table_name AS table, c.column_name AS column,
            c.data_type AS type
     FROM information_schema.columns c
     JOIN information_schema.tables t
       ON t.table_schema = c.table_schema AND t.table_name = c.table_name
     WHERE t.table_type = 'BASE TABLE'
       AND c.data_type IN ('text', 'character varying', 'ARRAY', 'jsonb', 'json')
       AND c.table_schema IN (SELECT table_schema FROM information_schema.tables
                              WHERE table_name = 'migrations' AND table_schema <> 'public')
       AND EXISTS (SELECT 1 FROM information_schema.columns a
                   WHERE a.table_schema = c.table_schema AND a.table_name = c.table_name
                     AND a.column_name = 'app_id')
     ORDER BY 1, 2, 3`,
  );
  const found: Record<string, number> = {};
  for (const c of columns.rows) {
    const col = `"${c.column}"`;
    const naming =
      c.type === 'ARRAY'
        ? `$2 = ANY(${col}::text[])`
        : c.type.startsWith('json') || within
          ? `${col}::text LIKE '%' || $2 || '%'`
          : `${col} = $2`;
    const { rows } = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM "${c.schema}"."${c.table}" WHERE "app_id" = $1 AND ${naming}`,
      [appId, uid],
    );
    if (rows[0].n > 0) found[`${c.schema}.${c.table}.${c.column}`] = rows[0].n;
  }
  return found;
}

/** The objects in `value` that are `uid`'s and hold more than the uid. */
function profilesOf(value: unknown, uid: string): unknown[] {
  if (Array.isArray(value)) return value.flatMap((v) => profilesOf(v, uid));
  if (value === null || typeof value !== 'object') return [];
  const object = value as Record<string, unknown>;
  if (object.uid === uid && Object.keys(object).length > 1) return [object];
  return Object.values(object).flatMap((v) => profilesOf(v, uid));
}

describe('permanent user erasure', () => {
  it('erases the user from every schema, keeps group counts and owners right, and reports it', async () => {
    const app = await createApp('User erasure');
    const rest = AppClient.rest(app);
    const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
      const res = await pending;
      if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { data: Record<string, unknown> };
    };
    // A uid found nowhere else, so that a search of every column proves what is left of it.
    const gone = `erased-${randomBytes(4).toString('hex')}`;
    const alice = await login(app, gone);
    await ok(rest.post('/roles', { role: 'mod', name: 'Moderator' }));
    await ok(
      rest.put(`/users/${gone}`, { role: 'mod', tags: ['vip'], metadata: { city: 'Oslo' } }),
    );
    for (const uid of ['bob', 'carol', 'dan'])
      await ok(rest.post('/users', { uid, name: `User ${uid}` }));
    await ok(rest.post(`/users/${gone}/friends`, { accepted: ['bob'] }));
    await ok(rest.post(`/users/${gone}/blockedusers`, { blockedUids: ['carol'] }));
    await ok(rest.post('/users/dan/blockedusers', { blockedUids: [gone] }));

    const me = new AppClient(app.appId, { authtoken: alice.authToken });
    const as = (uid: string) => new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });
    // A group the user owns, one they are a member of, one they are banned from, and a ban they
    // made.
    await ok(
      me.post('/groups', {
        guid: 'owned',
        name: 'Owned',
        type: 'public',
        members: { participants: ['bob', 'carol'] },
      }),
    );
    await ok(me.post('/groups/owned/bannedusers/dan'));
    await ok(
      rest.post('/groups', {
        guid: 'club',
        name: 'Club',
        type: 'public',
        owner: 'bob',
        members: { participants: [gone, 'carol'] },
      }),
    );
    await ok(
      rest.post('/groups', {
        guid: 'closed',
        name: 'Closed',
        type: 'public',
        owner: 'bob',
        members: { participants: ['carol'] },
      }),
    );
    await ok(rest.post(`/groups/closed/bannedusers/${gone}`));

    const mine = await ok(me.post('/messages', text('bob', 'a secret of the erased')));
    await ok(me.put(`/messages/${String(mine.data.id)}`, { data: { text: 'edited secret' } }));
    await ok(me.post('/messages', toGroup('club', 'the erased writes to the club')));
    const theirs = await ok(as('bob').post('/messages', text(gone, `hello <@uid:${gone}>`)));
    await ok(me.post(`/messages/${String(theirs.data.id)}/reactions/${encodeURIComponent('👍')}`));
    await ok(me.post('/users/bob/conversation/read', { messageId: theirs.data.id }));
    await ok(
      as('bob').post('/calls', {
        receiver: gone,
        receiverType: 'user',
        type: 'audio',
        category: 'call',
      }),
    );
    // The read models of messaging fill from events: wait until they hold the user.
    await eventually(async () => {
      const held = await rowsNaming(app.appId, gone);
      for (const table of ['messaging.blocks', 'messaging.friendships', 'messaging.group_members'])
        expect(Object.keys(held).some((c) => c.startsWith(`${table}.`))).toBe(true);
    }, 30_000);
    const before = await rowsNaming(app.appId, gone);
    for (const schema of ['identity', 'users', 'groups', 'messaging'])
      expect(Object.keys(before).some((c) => c.startsWith(`${schema}.`))).toBe(true);

    const deleted = await rest.delete<{ data: { success: boolean; erasureId: string } }>(
      `/users/${gone}`,
      { permanent: true },
    );
    expect(deleted.status).toBe(200);
    expect(deleted.body.data).toMatchObject({ success: true, erasureId: expect.any(String) });
    const { erasureId } = deleted.body.data;

    let report: Report | undefined;
    await eventually(async () => {
      const res = await rest.get<{ data: Report }>(`/users/${gone}/erasures/${erasureId}`);
      expect(res.status).toBe(200);
      report = res.body.data;
      expect(report.complete).toBe(true);
    }, 30_000);
    const { services } = report as Report;
    expect(Object.keys(services).sort()).toEqual(['groups', 'identity', 'messaging', 'users']);
    for (const s of Object.values(services)) {
      expect(s.status).toBe('erased');
      expect(s.erasedAt).toEqual(expect.any(Number));
    }
    // What each service erased, and that nothing names the user any more but what messaging
    // keeps on purpose.
    expect(services.identity.erased).toMatchObject({ auth_tokens: 1 });
    expect(services.users.erased).toMatchObject({ users: 1, friendships: 2, blocks: 2 });
    expect(services.groups.erased).toMatchObject({ members: 2, bans: 2, groups: 1 });
    expect(services.messaging.erased).toMatchObject({
      messages: expect.any(Number),
      reactions: 1,
      member_positions: expect.any(Number),
      group_members: expect.any(Number),
      blocks: 2,
      friendships: 1,
    });
    for (const s of ['identity', 'users', 'groups']) expect(services[s].remaining).toEqual({});
    expect(Object.keys(services.messaging.remaining).sort()).toEqual(['messages', 'users']);

    // PostgreSQL itself: the only rows left that name the user are the messages they sent,
    // without content (their seq keeps its place), others' messages (to them, mentioning them,
    // the actions and calls that name them, by uid alone), and messaging's tombstone of them
    // without a profile. Nothing of their profile is left anywhere.
    const left = await rowsNaming(app.appId, gone);
    expect(Object.keys(left).sort()).toEqual([
      'messaging.messages.data',
      'messaging.messages.receiver',
      'messaging.messages.sender',
      'messaging.users.uid',
    ]);
    const naming = await db.query<{ data: unknown }>(
      `SELECT "data" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "sender" <> $2 AND "data"::text LIKE '%' || $2 || '%'`,
      [app.appId, gone],
    );
    // They stay there by uid (receiver, conversation, mention, `{uid}`), never with a profile.
    expect(naming.rows.length).toBeGreaterThan(0);
    expect(naming.rows.flatMap(({ data }) => profilesOf(data, gone))).toEqual([]);
    for (const profile of [`User ${gone}`, 'Oslo', 'a secret of the erased', 'edited secret'])
      expect(await rowsNaming(app.appId, profile, true)).toEqual({});
    const sent = await db.query<{ data: unknown; tags: string[]; muid: string | null }>(
      `SELECT "data", "tags", "muid" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "sender" = $2`,
      [app.appId, gone],
    );
    expect(sent.rows.length).toBe(services.messaging.erased.messages);
    for (const row of sent.rows) expect(row).toEqual({ data: {}, tags: [], muid: null });
    const tombstone = await db.query(
      `SELECT "status", "profile" FROM "messaging"."users" WHERE "app_id" = $1 AND "uid" = $2`,
      [app.appId, gone],
    );
    expect(tombstone.rows).toEqual([{ status: 'deleted', profile: null }]);

    // The groups: counts right, the owned group now the app's, the others' members untouched.
    const group = async (guid: string) =>
      (await rest.get<{ data: { owner: string; membersCount: number } }>(`/groups/${guid}`)).body
        .data;
    expect(await group('owned')).toMatchObject({ owner: 'app_system', membersCount: 2 });
    expect(await group('club')).toMatchObject({ owner: 'bob', membersCount: 2 });
    const owned = await rest.get<{ data: Array<{ uid: string }> }>('/groups/owned/members');
    expect(owned.body.data.map((m) => m.uid).sort()).toEqual(['bob', 'carol']);
    const bans = await rest.get<{ data: Array<{ uid: string }> }>('/groups/owned/bannedusers');
    expect(bans.body.data.map((b) => b.uid)).toEqual(['dan']);
    // The app can hand the group it inherited to a member.
    await ok(rest.put('/groups/owned', { owner: 'bob' }));
    expect(await group('owned')).toMatchObject({ owner: 'bob' });
  });

  it('refuses a malformed erasure id and does not know an erasure of another id', async () => {
    const app = await createApp('User erasure refusals');
    const rest = AppClient.rest(app);
    const bad = await rest.get<ErrorReply>('/users/alice/erasures/not-an-id');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'ERR_BAD_REQUEST']);
    const unknown = await rest.get<ErrorReply>(
      '/users/alice/erasures/6f1c2c36-7c55-4b43-9a43-0c8b6c3b5d3e',
    );
    expect([unknown.status, unknown.body.error.code]).toEqual([404, 'ERR_ERASURE_NOT_FOUND']);
    const byAuthKey = await AppClient.auth(app).get<ErrorReply>(
      '/users/alice/erasures/6f1c2c36-7c55-4b43-9a43-0c8b6c3b5d3e',
    );
    expect([byAuthKey.status, byAuthKey.body.error.code]).toEqual([403, 'AUTH_ERR_NO_ACCESS']);
  });
});
