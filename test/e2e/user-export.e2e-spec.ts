import { AppClient, createApp, ErrorReply, eventually, gateways } from './support/parley';
import { text, toGroup } from './support/messaging-world';
import { login, TestSocket } from './support/realtime-client';

/**
 * A user's data export (GET /v3/users/{uid}/export, REST API key): everything Parley holds about
 * them, gathered from every service, without secrets and without other users' content.
 */
jest.setTimeout(60_000);

type Rows = Array<Record<string, unknown>>;
interface Export {
  uid: string;
  exportedAt: number;
  presence: { uid: string; online: boolean; lastActiveAt?: number };
  services: Record<string, { tables: Record<string, Rows> }>;
}
interface ExportPage {
  data: Export;
  meta: { current: { perPage: number; count: number }; next?: { cursor: string } };
}

const sockets: TestSocket[] = [];
afterAll(() => sockets.forEach((s) => s.close()));

describe('user export', () => {
  it("holds the user's profile, relationships, tokens, memberships, messages, reactions, receipts, conversations, calls and presence", async () => {
    const app = await createApp('Export');
    const rest = AppClient.rest(app);
    const ok = async (pending: Promise<{ status: number; body: unknown }>) => {
      const res = await pending;
      if (res.status !== 200) throw new Error(`${res.status} ${JSON.stringify(res.body)}`);
      return res.body as { data: Record<string, unknown> };
    };
    await ok(rest.post('/roles', { role: 'mod', name: 'Moderator' }));
    const alice = await login(app, 'alice');
    await ok(rest.put('/users/alice', { role: 'mod', tags: ['vip'], metadata: { city: 'Oslo' } }));
    sockets.push(await TestSocket.authenticated(gateways()[1], alice, app.appId, 'alice-1'));
    for (const uid of ['bob', 'carol']) await ok(rest.post('/users', { uid, name: uid }));
    await ok(rest.post('/users/alice/friends', { accepted: ['bob'] }));
    await ok(rest.post('/users/alice/blockedusers', { blockedUids: ['carol'] }));
    await ok(
      rest.post('/groups', {
        guid: 'team',
        name: 'Team',
        type: 'public',
        owner: 'bob',
        members: { participants: ['alice'] },
      }),
    );
    const me = new AppClient(app.appId, { authtoken: alice.authToken });
    const bob = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'bob' });
    const mine = await ok(me.post('/messages', text('bob', 'alice writes to bob')));
    await ok(me.post('/messages', toGroup('team', 'alice writes to the team')));
    const theirs = await ok(bob.post('/messages', text('alice', 'a secret of bob')));
    await ok(me.post(`/messages/${String(theirs.data.id)}/reactions/${encodeURIComponent('👍')}`));
    await ok(me.post('/users/bob/conversation/read', { messageId: theirs.data.id }));
    await ok(
      bob.post('/calls', {
        receiver: 'alice',
        receiverType: 'user',
        type: 'audio',
        category: 'call',
      }),
    );

    // Relationships and memberships reach messaging's read models through events.
    let exported: Export | undefined;
    await eventually(async () => {
      const res = await rest.get<ExportPage>('/users/alice/export');
      expect(res.status).toBe(200);
      exported = res.body.data;
      expect(Object.keys(exported.services.messaging.tables).sort()).toEqual(
        expect.arrayContaining(['blocks', 'friendships', 'group_members', 'users']),
      );
    }, 30_000);
    const data = exported as Export;
    // A few rows: one page, nothing after it.
    const whole = await rest.get<ExportPage>('/users/alice/export');
    expect(whole.body.meta.next).toBeUndefined();
    const { identity, users, groups, messaging } = data.services;
    expect(data.uid).toBe('alice');
    expect(data.presence).toMatchObject({ uid: 'alice', online: true });
    expect(users.tables.users).toEqual([
      expect.objectContaining({
        uid: 'alice',
        role: 'mod',
        tags: ['vip'],
        metadata: { city: 'Oslo' },
      }),
    ]);
    expect(users.tables.friendships).toEqual(
      expect.arrayContaining([expect.objectContaining({ uid: 'alice', friend_uid: 'bob' })]),
    );
    expect(users.tables.blocks).toEqual([
      expect.objectContaining({ blocker: 'alice', blocked: 'carol' }),
    ]);
    expect(identity.tables.auth_tokens).toEqual([
      expect.objectContaining({ uid: 'alice', platform: 'WEB' }),
    ]);
    expect(groups.tables.members).toEqual([
      expect.objectContaining({ guid: 'team', uid: 'alice', scope: 'participant' }),
    ]);
    const sent = messaging.tables.messages.map((m) => [m.sender, m.category, m.data]);
    expect(sent).toEqual(
      expect.arrayContaining([
        ['alice', 'message', expect.objectContaining({ text: 'alice writes to bob' })],
        ['alice', 'message', expect.objectContaining({ text: 'alice writes to the team' })],
        ['bob', 'call', expect.anything()], // a call to alice is in her call log
      ]),
    );
    expect(messaging.tables.messages.map((m) => String(m.id))).toContain(String(mine.data.id));
    expect(messaging.tables.reactions).toEqual([
      expect.objectContaining({ uid: 'alice', reaction: '👍', message_id: String(theirs.data.id) }),
    ]);
    expect(messaging.tables.member_positions?.length).toBeGreaterThan(0);
    expect(messaging.tables.conversations?.length).toBeGreaterThan(0);

    // No secret and nothing of another user's content.
    const json = JSON.stringify(data);
    expect(json).not.toContain(alice.authToken);
    expect(json).not.toMatch(/token_hash|key_hash|password/);
    expect(json).not.toContain('a secret of bob');
  });

  it('pages a user with many messages: every row once, no page over perPage, until no next cursor', async () => {
    const app = await createApp('Export pages');
    const rest = AppClient.rest(app);
    for (const uid of ['alice', 'bob'])
      expect((await rest.post('/users', { uid, name: uid })).status).toBe(200);
    expect((await rest.post('/users/alice/friends', { accepted: ['bob'] })).status).toBe(200);
    // 1,200 messages: past what one page may hold (1000 rows).
    const sent = 1200;
    for (let batch = 0; batch < sent / 100; batch++) {
      const messages = Array.from({ length: 100 }, (_, i) => {
        const n = batch * 100 + i;
        return {
          muid: `m${n}`,
          sender: 'alice',
          receiverType: 'user',
          receiver: 'bob',
          category: 'message',
          type: 'text',
          data: { text: `message ${n}` },
          sentAt: 1_700_000_000 + n,
        };
      });
      // An import is idempotent: a batch that timed out (503) on a loaded machine is sent again.
      let status = 0;
      for (let attempt = 0; attempt < 3 && status !== 200; attempt++)
        status = (await rest.post('/data_import/messages', { messages })).status;
      expect(status).toBe(200);
    }

    // Read it all, 250 rows a page.
    const rows = new Map<string, Rows>();
    const pages: ExportPage[] = [];
    let cursor: string | undefined;
    do {
      const query = `perPage=250${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
      const res = await rest.get<ExportPage>(`/users/alice/export?${query}`);
      expect(res.status).toBe(200);
      pages.push(res.body);
      let count = 0;
      for (const [service, section] of Object.entries(res.body.data.services))
        for (const [table, tableRows] of Object.entries(section.tables)) {
          rows.set(`${service}.${table}`, [
            ...(rows.get(`${service}.${table}`) ?? []),
            ...tableRows,
          ]);
          count += tableRows.length;
        }
      expect(count).toBeLessThanOrEqual(250);
      expect(res.body.meta.current).toEqual({ perPage: 250, count });
      cursor = res.body.meta.next?.cursor;
    } while (cursor && pages.length < 20);
    expect(cursor).toBeUndefined();
    expect(pages.length).toBeGreaterThanOrEqual(Math.ceil(sent / 250));

    // Every message once, and the other tables as a single page of 1000 has them.
    const texts = (rows.get('messaging.messages') ?? []).map(
      (m) => (m.data as { text?: string }).text,
    );
    expect(texts.length).toBe(sent);
    expect(new Set(texts).size).toBe(sent);
    expect(texts).toContain('message 0');
    expect(texts).toContain(`message ${sent - 1}`);
    const first = await rest.get<ExportPage>('/users/alice/export');
    expect(first.body.meta.current.count).toBe(1000);
    for (const [service, section] of Object.entries(first.body.data.services))
      for (const [table, tableRows] of Object.entries(section.tables))
        if (`${service}.${table}` !== 'messaging.messages')
          expect(rows.get(`${service}.${table}`)).toEqual(tableRows);
    expect(rows.get('users.users')).toEqual([expect.objectContaining({ uid: 'alice' })]);
    expect(rows.get('users.friendships')?.length).toBeGreaterThan(0);
  });

  it('refuses a cursor it did not give and a perPage out of range', async () => {
    const app = await createApp('Export cursor');
    const rest = AppClient.rest(app);
    expect((await rest.post('/users', { uid: 'alice', name: 'Alice' })).status).toBe(200);
    for (const query of ['cursor=bm90IGEgY3Vyc29y', 'perPage=0', 'perPage=1001']) {
      const res = await rest.get<ErrorReply>(`/users/alice/export?${query}`);
      expect([res.status, res.body.error.code]).toEqual([400, 'ERR_BAD_REQUEST']);
    }
  });

  it('is for the REST API key, and a user Parley does not hold is not found', async () => {
    const app = await createApp('Export refusals');
    const rest = AppClient.rest(app);
    const missing = await rest.get<ErrorReply>('/users/nobody/export');
    expect([missing.status, missing.body.error.code]).toEqual([404, 'ERR_UID_NOT_FOUND']);
    expect((await rest.post('/users', { uid: 'alice', name: 'Alice' })).status).toBe(200);
    const byAuthKey = await AppClient.auth(app).get<ErrorReply>('/users/alice/export');
    expect([byAuthKey.status, byAuthKey.body.error.code]).toEqual([403, 'AUTH_ERR_NO_ACCESS']);
    const bad = await rest.get<ErrorReply>('/users/not%20a%20uid/export');
    expect([bad.status, bad.body.error.code]).toEqual([400, 'ERR_BAD_REQUEST']);
  });
});
