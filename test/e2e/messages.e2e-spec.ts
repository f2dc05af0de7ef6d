import { connectTestBus, recordSubject } from '@parley/common/testing';
import { MESSAGE_FILTERS_NOT_YET } from '@parley/contracts';
import { AppClient, AppKeys, createApp, ErrorReply, eventually, gateways } from './support/parley';

interface Message {
  id: string;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown> & {
    entities: {
      sender: { entity: { uid: string; name: string }; entityType: string };
      receiver: { entity: Record<string, unknown>; entityType: string };
    };
  };
  sentAt: number;
  updatedAt: number;
  seq: number;
  parentId?: string;
  replyCount?: number;
  tags?: string[];
}
interface Cursor {
  affix: 'append' | 'prepend';
  id?: string;
  sentAt?: number;
}
type One = { data: Message };
type Page = {
  data: Message[];
  meta: { current: { limit: number; count: number }; next?: Cursor; cursor?: Cursor };
};

// Some checks wait for users' and groups' events to reach messaging's read models.
jest.setTimeout(60_000);
const EVENTS_ARRIVE_MS = 30_000;

const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;
const now = () => Math.floor(Date.now() / 1000);
const text = (receiver: string, t: string, extra: Record<string, unknown> = {}) => ({
  receiver,
  receiverType: 'user',
  category: 'message',
  type: 'text',
  data: { text: t },
  ...extra,
});
const toGroup = (guid: string, t: string, extra: Record<string, unknown> = {}) =>
  text(guid, t, { receiverType: 'group', ...extra });

/** A user acting through the REST key with onBehalfOf. */
const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

async function withToken(rest: AppClient, app: AppKeys, uid: string): Promise<AppClient> {
  const res = await rest.post<{ data: { authToken: string } }>(`/users/${uid}/auth_tokens`, {});
  return new AppClient(app.appId, { authtoken: res.body.data.authToken });
}

/**
 * An app with users alice, bob, carol, dan, eve and a public group `team` owned by alice with bob
 * as a participant (carol, dan and eve are not members). Adding bob is the group conversation's
 * first message (seq 1), the `added` action message, awaited here so that tests start from it.
 */
async function world() {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of ['alice', 'bob', 'carol', 'dan', 'eve']) {
    const res = await rest.post('/users', {
      uid,
      name: `Name ${uid}`,
      metadata: { '@private': { email: `${uid}@x` }, team: 'a' },
    });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  const group = await as(app, 'alice').post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { participants: ['bob'] },
  });
  if (group.status !== 200) throw new Error(`create team: ${JSON.stringify(group.body)}`);
  let added: Message | undefined;
  await eventually(async () => {
    [added] = (await rest.get<Page>('/groups/team/messages')).body.data;
    expect(added).toMatchObject({ category: 'action', seq: 1 });
  }, EVENTS_ARRIVE_MS);
  return { app, rest, alice: as(app, 'alice'), bob: as(app, 'bob'), added: added as Message };
}

describe('POST /v3/messages', () => {
  it('stores a text message with a seq, entities and the CometChat shape', async () => {
    const { alice } = await world();
    const before = now();
    const res = await alice.post<One>(
      '/messages',
      text('bob', 'hello bob', { muid: 'm-1', tags: ['greeting'] }),
    );
    expect(res.status).toBe(200);
    const m = res.body.data;
    expect(m).toMatchObject({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      muid: 'm-1',
      conversationId: 'alice_user_bob',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      seq: 1,
      tags: ['greeting'],
      data: {
        text: 'hello bob',
        entities: {
          sender: { entityType: 'user', entity: { uid: 'alice', name: 'Name alice' } },
          receiver: { entityType: 'user', entity: { uid: 'bob', name: 'Name bob' } },
        },
      },
    });
    expect(m.sentAt).toBeGreaterThanOrEqual(before);
    expect(m.sentAt).toBeLessThanOrEqual(now());
    expect(m.updatedAt).toBe(m.sentAt);
    // Another user's private metadata never shows in an entity.
    expect(m.data.entities.sender.entity).toMatchObject({ metadata: { team: 'a' } });
    expect(JSON.stringify(m.data.entities)).not.toContain('@private');
  });

  it('numbers each conversation 1, 2, 3 ... whoever sends, with ids increasing', async () => {
    const { alice, bob } = await world();
    const a1 = (await alice.post<One>('/messages', text('bob', 'one'))).body.data;
    const b2 = (await bob.post<One>('/messages', text('alice', 'two'))).body.data;
    const a3 = (await alice.post<One>('/messages', text('bob', 'three'))).body.data;
    const g1 = (await alice.post<One>('/messages', toGroup('team', 'group one'))).body.data;
    expect([a1.seq, b2.seq, a3.seq]).toEqual([1, 2, 3]);
    expect(new Set([a1.conversationId, b2.conversationId, a3.conversationId])).toEqual(
      new Set(['alice_user_bob']),
    );
    // The group's seq 1 is the `added` action message of bob.
    expect(g1).toMatchObject({ seq: 2, conversationId: 'group_team', receiverType: 'group' });
    expect(g1.data.entities.receiver).toMatchObject({
      entityType: 'group',
      entity: { guid: 'team', name: 'Team' },
    });
    const ids = [a1, b2, a3, g1].map((m) => BigInt(m.id));
    expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);
  });

  it('returns the original for a retried muid: same id and seq, no seq used', async () => {
    const { alice } = await world();
    const first = await alice.post<One>('/messages', text('bob', 'once', { muid: 'retry-1' }));
    const again = await Promise.all(
      [1, 2, 3].map(() => alice.post<One>('/messages', text('bob', 'once', { muid: 'retry-1' }))),
    );
    for (const r of again) {
      expect(r.status).toBe(200);
      expect(r.body.data).toMatchObject({ id: first.body.data.id, seq: first.body.data.seq });
    }
    const next = await alice.post<One>('/messages', text('bob', 'next'));
    expect(next.body.data.seq).toBe(first.body.data.seq + 1);
  });

  it('sends as the auth token user, taking top-level text as the SDK sends it', async () => {
    const { app, rest } = await world();
    const bob = await withToken(rest, app, 'bob');
    const res = await bob.post<One>('/messages', {
      receiver: 'alice',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      text: 'from the sdk',
      data: {},
      metadata: { k: 'v' },
      // An SDK message object carries fields of its own; they are dropped.
      sentAt: 0,
      status: 'sent',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      sender: 'bob',
      data: { text: 'from the sdk', metadata: { k: 'v' } },
    });
  });

  it('sends as app_system with the REST key alone, to a user and to any group', async () => {
    const { rest } = await world();
    const toBob = await rest.post<One>('/messages', text('bob', 'notice'));
    expect(toBob.body.data).toMatchObject({
      sender: 'app_system',
      conversationId: 'app_system_user_bob',
      data: { entities: { sender: { entity: { uid: 'app_system', name: 'System' } } } },
    });
    const toTeam = await rest.post<One>('/messages', toGroup('team', 'announcement'));
    expect(toTeam.body.data).toMatchObject({ sender: 'app_system', receiver: 'team', seq: 2 });
  });

  it.each([
    [
      'an image',
      {
        type: 'image',
        data: {
          attachments: [
            {
              url: 'https://x/a.png',
              name: 'a.png',
              mimeType: 'image/png',
              extension: 'png',
              size: 10,
            },
          ],
        },
      },
    ],
    ['a video', { type: 'video', data: { attachments: [{ url: 'https://x/a.mp4' }] } }],
    [
      'an audio',
      { type: 'audio', data: { attachments: [{ url: 'https://x/a.mp3', size: '2048' }] } },
    ],
    [
      'a file with a caption',
      { type: 'file', data: { text: 'the plan', attachments: [{ url: 'https://x/a.pdf' }] } },
    ],
    [
      'a custom message',
      { category: 'custom', type: 'location', data: { customData: { lat: 1, lng: 2 } } },
    ],
    [
      'an interactive form',
      {
        category: 'interactive',
        type: 'form',
        data: {
          interactiveData: { title: 'T', formFields: [] },
          interactionGoal: { type: 'allOf', elementIds: ['f1'] },
        },
      },
    ],
    [
      'an interactive card',
      { category: 'interactive', type: 'card', data: { interactiveData: { text: 'hi' } } },
    ],
    [
      'an interactive scheduler',
      { category: 'interactive', type: 'scheduler', data: { interactiveData: { duration: 30 } } },
    ],
    [
      'a customInteractive',
      {
        category: 'interactive',
        type: 'customInteractive',
        data: { interactiveData: { x: 1 }, allowSenderInteraction: true },
      },
    ],
  ])('sends %s', async (_what, given) => {
    const { alice } = await world();
    const over = given as { category?: string; type: string; data: Record<string, unknown> };
    const res = await alice.post<One>('/messages', { ...text('bob', 'x'), ...over });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ category: over.category ?? 'message', type: over.type });
    expect(res.body.data.data).toMatchObject(over.data);
  });

  it.each([
    ['no receiver', { receiver: undefined }, 400, 'ERR_EMPTY_RECEIVER'],
    ['a bad receiverType', { receiverType: 'room' }, 400, 'ERR_INVALID_RECEIVER_TYPE'],
    ['no category', { category: undefined }, 400, 'ERR_EMPTY_MESSAGE_CATEGORY'],
    [
      'category action',
      { category: 'action', type: 'groupMember' },
      400,
      'ERR_INVALID_MESSAGE_CATEGORY',
    ],
    ['category call', { category: 'call', type: 'audio' }, 400, 'ERR_INVALID_MESSAGE_CATEGORY'],
    ['no type', { type: undefined }, 400, 'ERR_EMPTY_MESSAGE_TYPE'],
    ['a bad type', { type: 'gif' }, 400, 'ERR_INVALID_MESSAGE_TYPE'],
    ['empty text', { data: { text: '' } }, 400, 'ERR_EMPTY_MESSAGE_TEXT'],
    ['non-string text', { data: { text: ['x'] } }, 400, 'ERR_INVALID_MESSAGE_TEXT'],
    ['an image without attachments', { type: 'image', data: {} }, 400, 'ERR_EMPTY_MESSAGE_FILE'],
    [
      'a bad attachment',
      { type: 'image', data: { attachments: [{ name: 'x' }] } },
      400,
      'ERR_INVALID_MEDIA_MESSAGE',
    ],
    [
      'custom without customData',
      { category: 'custom', type: 'poll', data: {} },
      400,
      'ERR_EMPTY_CUSTOM_DATA',
    ],
    [
      'custom with bad customData',
      { category: 'custom', type: 'poll', data: { customData: 3 } },
      400,
      'ERR_INVALID_CUSTOM_DATA',
    ],
    ['bad metadata', { data: { text: 'x', metadata: 'm' } }, 400, 'ERR_INVALID_METADATA'],
    [
      'interactive without interactiveData',
      { category: 'interactive', type: 'form', data: {} },
      400,
      'ERR_INVALID_MESSAGE_DATA',
    ],
    ['data over 10 KB', { data: { text: 'x'.repeat(10_300) } }, 400, 'ERR_INVALID_MESSAGE_DATA'],
    ['26 tags', { tags: Array.from({ length: 26 }, (_, i) => `t${i}`) }, 400, 'ERR_BAD_REQUEST'],
    ['an unknown receiver', { receiver: 'ghost' }, 404, 'ERR_UID_NOT_FOUND'],
    ['an unknown group', { receiver: 'ghosts', receiverType: 'group' }, 404, 'ERR_GUID_NOT_FOUND'],
    [
      'a group the sender is not in',
      { receiver: 'team', receiverType: 'group', as: 'carol' },
      403,
      'ERR_NOT_A_MEMBER',
    ],
    ['an unknown parent', { parentId: '999999999999' }, 404, 'ERR_MESSAGE_ID_NOT_FOUND'],
  ])('refuses %s', async (_what, over, status, expected) => {
    const { app, alice } = await world();
    const { as: who, ...body } = over as Record<string, unknown> & { as?: string };
    const client = who ? as(app, who) : alice;
    const res = await client.post('/messages', { ...text('bob', 'x'), ...body });
    expect({ status: res.status, code: code(res) }).toEqual({ status, code: expected });
  });

  it('lets a user who has just joined send at once, and refuses a banned one', async () => {
    const { app, rest } = await world();
    const carol = as(app, 'carol');
    expect((await carol.post('/groups/team/members', {})).status).toBe(200);
    const sent = await carol.post<One>('/messages', toGroup('team', 'hi all'));
    expect(sent.status).toBe(200);
    expect(sent.body.data.sender).toBe('carol');

    expect((await rest.post('/groups/team/bannedusers/carol', {})).status).toBe(200);
    await eventually(async () => {
      const res = await carol.post('/messages', toGroup('team', 'still here?'));
      expect(code(res)).toBe('ERR_BANNED_GROUPMEMBER');
    }, EVENTS_ARRIVE_MS);
  });

  it('refuses blocked pairs both ways, once the block is known', async () => {
    const { app, rest, alice } = await world();
    expect((await rest.post('/users/alice/blockedusers', { blockedUids: ['dan'] })).status).toBe(
      200,
    );
    await eventually(async () => {
      expect(code(await alice.post('/messages', text('dan', 'x')))).toBe('ERR_BLOCKED_RECEIVER');
    }, EVENTS_ARRIVE_MS);
    const fromDan = await as(app, 'dan').post('/messages', text('alice', 'x'));
    expect({ status: fromDan.status, code: code(fromDan) }).toEqual({
      status: 403,
      code: 'ERR_BLOCKED_SENDER',
    });
    await rest.delete('/users/alice/blockedusers', { blockedUids: ['dan'] });
    await eventually(async () => {
      expect((await alice.post('/messages', text('dan', 'friends again'))).status).toBe(200);
    }, EVENTS_ARRIVE_MS);
  });

  it('refuses deactivated receivers and senders, once the deactivation is known', async () => {
    const { app, rest, alice } = await world();
    await rest.delete('/users', { uidsToDeactivate: ['eve'] });
    await eventually(async () => {
      const toEve = await alice.post('/messages', text('eve', 'x'));
      expect({ status: toEve.status, code: code(toEve) }).toEqual({
        status: 404,
        code: 'ERR_UID_NOT_FOUND',
      });
      const fromEve = await as(app, 'eve').post('/messages', text('alice', 'x'));
      expect(code(fromEve)).toBe('ERR_UID_NOT_FOUND');
    }, EVENTS_ARRIVE_MS);
    // A sender the users service has never heard of is refused at once.
    expect(code(await as(app, 'nobody').post('/messages', text('alice', 'x')))).toBe(
      'ERR_UID_NOT_FOUND',
    );
  });

  it('threads: a reply names its parent, counts on it, and cannot be replied to', async () => {
    const { alice, bob } = await world();
    const parent = (await alice.post<One>('/messages', text('bob', 'topic'))).body.data;
    const reply = await bob.post<One>(
      '/messages',
      text('alice', 'answer', { parentId: parent.id }),
    );
    expect(reply.body.data).toMatchObject({ parentId: parent.id, seq: 2 });
    expect((await alice.get<One>(`/messages/${parent.id}`)).body.data.replyCount).toBe(1);
    const nested = await alice.post(
      '/messages',
      text('bob', 'x', { parentId: reply.body.data.id }),
    );
    expect(code(nested)).toBe('ERR_MESSAGE_THREAD_NESTING');
    const elsewhere = await alice.post('/messages', toGroup('team', 'x', { parentId: parent.id }));
    expect(code(elsewhere)).toBe('ERR_WRONG_MESSAGE_THREAD');
  });

  it('publishes the message frame for real time: both users of a 1:1, once for a group', async () => {
    const { app, alice } = await world();
    const bus = await connectTestBus({ name: 'parley-e2e-delivery' });
    try {
      const bob = await recordSubject(bus, `deliver.${app.appId}.u.bob`);
      const aliceDevices = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      const team = await recordSubject(bus, `deliver.${app.appId}.g.team`);
      const res = await sendWithResource(alice, text('bob', 'live'), 'WEB-4_2_0-session-a');
      const group = await alice.post<One>('/messages', toGroup('team', 'live group'));
      await eventually(async () => {
        expect(bob.messages).toHaveLength(1);
        expect(aliceDevices.messages).toHaveLength(1);
        expect(team.messages).toHaveLength(1);
      });
      expect(bob.messages[0].data).toEqual({
        appId: app.appId,
        type: 'message',
        sender: 'alice',
        receiver: 'bob',
        receiverType: 'user',
        deviceId: 'WEB-4_2_0-session-a',
        body: res,
      });
      expect(team.messages[0].data).toMatchObject({ type: 'message', body: group.body.data });
      for (const r of [bob, aliceDevices, team]) r.stop();
    } finally {
      await bus.close();
    }
  });
});

/** POST /messages with the SDK's `resource` header (its session id); returns the message. */
async function sendWithResource(
  client: AppClient,
  body: unknown,
  resource: string,
): Promise<Message> {
  const res = await fetch(`${client.gateway}/v3/messages`, {
    method: 'POST',
    headers: { ...client.headers(), 'content-type': 'application/json', resource },
    body: JSON.stringify(body),
  });
  return ((await res.json()) as One).data;
}

describe('reading messages', () => {
  /** alice and bob exchange 6 messages (tags, a custom one, a reply); team gets 3. */
  async function history() {
    const w = await world();
    const { alice, bob } = w;
    const sent: Message[] = [];
    const push = async (c: AppClient, body: unknown) => {
      const res = await c.post<One>('/messages', body);
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
      sent.push(res.body.data);
      return res.body.data;
    };
    await push(alice, text('bob', 'm1', { tags: ['red'] }));
    await push(bob, text('alice', 'm2'));
    await push(alice, {
      ...text('bob', ''),
      category: 'custom',
      type: 'poll',
      data: { customData: { q: 1 } },
    });
    await push(bob, text('alice', 'm4', { tags: ['red', 'blue'], parentId: sent[0].id }));
    await push(alice, text('bob', 'm5'));
    await push(bob, text('alice', 'm6'));
    const team: Message[] = [];
    for (const t of ['g1', 'g2', 'g3'])
      team.push((await alice.post<One>('/messages', toGroup('team', t))).body.data);
    return { ...w, sent, team };
  }
  const seqs = (p: Page) => p.data.map((m) => m.seq);
  /** A message without its receipts (replies mark what came before them read; receipts.e2e). */
  const sansReceipts = (m: Message) => {
    const { deliveredAt, readAt, deliveredToMeAt, readByMeAt, ...rest } = m as Message &
      Record<'deliveredAt' | 'readAt' | 'deliveredToMeAt' | 'readByMeAt', unknown>;
    void [deliveredAt, readAt, deliveredToMeAt, readByMeAt];
    return rest;
  };

  it('lists a 1:1 conversation oldest first, newest page by default, for either user', async () => {
    const { alice, bob, sent } = await history();
    const page = (await alice.get<Page>('/users/bob/messages')).body;
    expect(seqs(page)).toEqual([1, 2, 3, 4, 5, 6]);
    // The parent counts its reply, which came after it.
    expect(page.data.map(sansReceipts)).toEqual(
      sent.map((m, i) => (i === 0 ? { ...m, replyCount: 1 } : m)),
    );
    expect(page.meta.current).toEqual({ limit: 100, count: 6 });
    expect(page.meta.cursor).toEqual({ affix: 'prepend', id: sent[0].id, sentAt: sent[0].sentAt });
    expect(page.meta.next).toEqual(page.meta.cursor);
    // The same messages for bob (his own receipts, deliveredToMeAt/readByMeAt, differ).
    expect((await bob.get<Page>('/users/alice/messages')).body.data.map(sansReceipts)).toEqual(
      page.data.map(sansReceipts),
    );
  });

  it('pages back with limit (or per_page) and the id cursor, and forward with append', async () => {
    const { alice, sent } = await history();
    const last2 = (await alice.get<Page>('/users/bob/messages?limit=2')).body;
    expect(seqs(last2)).toEqual([5, 6]);
    const before = (
      await alice.get<Page>(
        `/users/bob/messages?per_page=2&affix=prepend&id=${last2.meta.cursor?.id}`,
      )
    ).body;
    expect(seqs(before)).toEqual([3, 4]);
    const fromStart = (await alice.get<Page>('/users/bob/messages?affix=append&limit=4')).body;
    expect(seqs(fromStart)).toEqual([1, 2, 3, 4]);
    expect(fromStart.meta.cursor).toMatchObject({ affix: 'append', id: sent[3].id });
    const rest = (await alice.get<Page>(`/users/bob/messages?affix=append&id=${sent[3].id}`)).body;
    expect(seqs(rest)).toEqual([5, 6]);
    const none = (await alice.get<Page>(`/users/bob/messages?affix=append&id=${sent[5].id}`)).body;
    expect(none.data).toEqual([]);
    // Nothing newer yet: the cursor stays where it was, to ask again later.
    expect(none.meta.cursor).toEqual({ affix: 'append', id: sent[5].id });
  });

  it('pages by sentAt, inclusive of that second', async () => {
    const { alice, sent } = await history();
    const upTo = (await alice.get<Page>(`/users/bob/messages?sentAt=${sent[5].sentAt}`)).body;
    expect(seqs(upTo)).toEqual([1, 2, 3, 4, 5, 6]);
    const after = (await alice.get<Page>(`/users/bob/messages?affix=append&sentAt=${now() + 5}`))
      .body;
    expect(after.data).toEqual([]);
  });

  it('fetches exactly a missing seq range (fromSeq/toSeq, inclusive)', async () => {
    const { alice } = await history();
    const gap = (await alice.get<Page>('/users/bob/messages?fromSeq=2&toSeq=4')).body;
    expect(seqs(gap)).toEqual([2, 3, 4]);
    const since = (await alice.get<Page>('/users/bob/messages?affix=append&fromSeq=5')).body;
    expect(seqs(since)).toEqual([5, 6]);
  });

  it('filters by categories, types, tags, parentId, hideReplies and time', async () => {
    const { alice, sent } = await history();
    const q = async (query: string) => (await alice.get<Page>(`/users/bob/messages?${query}`)).body;
    expect(seqs(await q('categories=custom'))).toEqual([3]);
    expect(seqs(await q('category=message&types=text'))).toEqual([1, 2, 4, 5, 6]);
    expect(seqs(await q('type=poll'))).toEqual([3]);
    expect(seqs(await q('tags=blue,green'))).toEqual([4]);
    expect(seqs(await q('tags=red'))).toEqual([1, 4]);
    expect(seqs(await q(`parentId=${sent[0].id}`))).toEqual([4]);
    expect(seqs(await q('hideReplies=true'))).toEqual([1, 2, 3, 5, 6]);
    expect(seqs(await q(`fromTimestamp=${sent[0].sentAt}&toTimestamp=${now() + 1}`))).toEqual([
      1, 2, 3, 4, 5, 6,
    ]);
    expect((await q(`fromTimestamp=${now() + 10}`)).data).toEqual([]);
    // toTimestamp counts only with fromTimestamp (reference §4.8).
    expect(seqs(await q('toTimestamp=1'))).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('refuses filters not built yet, and a 1:1 list with no user to read it as', async () => {
    const { rest, alice } = await history();
    for (const filter of MESSAGE_FILTERS_NOT_YET) {
      const refused = await alice.get(`/users/bob/messages?${filter}=1`);
      expect(code(refused)).toBe('ERR_BAD_REQUEST');
      expect((refused.body as ErrorReply).error.details).toHaveProperty(filter);
    }
    const noViewer = await rest.get('/users/bob/messages');
    expect(code(noViewer)).toBe('ERR_BAD_REQUEST');
    expect((noViewer.body as ErrorReply).error.details).toHaveProperty('onBehalfOf');
    expect(code(await alice.get('/users/bob/messages?limit=1001'))).toBe('ERR_BAD_REQUEST');
  });

  it("lists a group's messages for members and the app; others are refused", async () => {
    const { app, rest, bob, team, added } = await history();
    const ids = (p: Page) => p.data.map((m) => m.id);
    expect(ids((await bob.get<Page>('/groups/team/messages')).body)).toEqual(
      [added, ...team].map((m) => m.id),
    );
    expect((await bob.get<Page>('/groups/team/messages?categories=message')).body.data).toEqual(
      team,
    );
    expect(seqs((await rest.get<Page>('/groups/team/messages?limit=2')).body)).toEqual([3, 4]);
    const carol = await as(app, 'carol').get('/groups/team/messages');
    expect({ status: carol.status, code: code(carol) }).toEqual({
      status: 403,
      code: 'ERR_GROUP_NOT_JOINED',
    });
    expect(code(await rest.get('/groups/nope/messages'))).toBe('ERR_GUID_NOT_FOUND');
  });

  it('lists every message of the app for the app, and their own conversations for a user', async () => {
    const { app, rest, sent, team, added } = await history();
    const carolToDan = (await as(app, 'carol').post<One>('/messages', text('dan', 'private'))).body
      .data;
    const all = (await rest.get<Page>('/messages')).body.data.map((m) => m.id);
    expect(all).toEqual([added, ...sent, ...team, carolToDan].map((m) => m.id));
    // A user's groups come from the membership model (bob was added when the group was made).
    await eventually(async () => {
      const bobs = (await as(app, 'bob').get<Page>('/messages')).body.data.map((m) => m.id);
      expect(bobs).toEqual([added, ...sent, ...team].map((m) => m.id));
    }, EVENTS_ARRIVE_MS);
    const dans = (await as(app, 'dan').get<Page>('/messages')).body.data.map((m) => m.id);
    expect(dans).toEqual([carolToDan.id]);
    expect((await as(app, 'eve').get<Page>('/messages')).body.data).toEqual([]);
  });

  it('gets one message for its participants and the app, and hides it from others', async () => {
    const { app, rest, alice, sent, team } = await history();
    expect(sansReceipts((await alice.get<One>(`/messages/${sent[1].id}`)).body.data)).toEqual(
      sent[1],
    );
    expect((await rest.get<One>(`/messages/${team[0].id}`)).body.data).toEqual(team[0]);
    for (const [who, id] of [
      ['carol', sent[1].id],
      ['carol', team[0].id],
    ]) {
      const res = await as(app, who).get(`/messages/${id}`);
      expect({ status: res.status, code: code(res) }).toEqual({
        status: 404,
        code: 'ERR_MESSAGE_ID_NOT_FOUND',
      });
    }
    expect(code(await alice.get('/messages/999999999999'))).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    expect(code(await alice.get('/messages/abc'))).toBe('ERR_BAD_REQUEST');
  });

  it('keeps apps apart: another app sees none of these messages', async () => {
    const { sent } = await history();
    const other = await createApp();
    const otherRest = AppClient.rest(other, gateways()[1]);
    const res = await otherRest.get(`/messages/${sent[0].id}`);
    expect({ status: res.status, code: code(res) }).toEqual({
      status: 404,
      code: 'ERR_MESSAGE_ID_NOT_FOUND',
    });
    expect((await otherRest.get<Page>('/messages')).body.data).toEqual([]);
    expect(code(await otherRest.get('/groups/team/messages'))).toBe('ERR_GUID_NOT_FOUND');
  });
});
