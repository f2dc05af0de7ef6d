import { AppClient, AppKeys, createApp, ErrorReply, eventually } from './support/parley';

interface Message {
  id: string;
  sender: string;
  receiver: string;
  seq: number;
  sentAt: number;
  data: Record<string, unknown>;
}
interface Conversation {
  conversationId: string;
  conversationType: 'user' | 'group';
  conversationWith: Record<string, unknown>;
  lastMessage?: Message;
  unreadMessageCount: number;
  tags: string[];
  lastSeq: number;
  readSeq: number;
  deliveredSeq: number;
  latestMessageId?: string;
  lastReadMessageId?: string;
  updatedAt: number;
}
type List = {
  data: Conversation[];
  meta: { pagination: { total: number; count: number; per_page: number; current_page: number } };
};
type One = { data: Conversation };
type Counts = { data: Array<{ entityId: string; entityType: string; count: number }> };

// Group checks wait for membership events to reach messaging's read model.
jest.setTimeout(60_000);
const EVENTS_ARRIVE_MS = 30_000;

const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;
const text = (receiver: string, t: string, receiverType = 'user') => ({
  receiver,
  receiverType,
  category: 'message',
  type: 'text',
  data: { text: t },
});
const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

/** An app with users alice, bob, carol and dan; `team` is alice's group with bob and carol. */
async function world() {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of ['alice', 'bob', 'carol', 'dan']) {
    const res = await rest.post('/users', { uid, name: `Name ${uid}`, tags: [`tag-${uid}`] });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  const group = await as(app, 'alice').post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    tags: ['work'],
    members: { participants: ['bob', 'carol'] },
  });
  if (group.status !== 200) throw new Error(`create team: ${JSON.stringify(group.body)}`);
  const [alice, bob, carol, dan] = ['alice', 'bob', 'carol', 'dan'].map((u) => as(app, u));
  const send = async (from: AppClient, to: string, t: string, type = 'user') => {
    const res = await from.post<{ data: Message }>('/messages', text(to, t, type));
    if (res.status !== 200) throw new Error(`send: ${JSON.stringify(res.body)}`);
    return res.body.data;
  };
  return { app, rest, alice, bob, carol, dan, send };
}

const unreadWith = async (client: AppClient, path: string) =>
  (await client.get<One>(`${path}/conversation`)).body.data?.unreadMessageCount;

describe('GET /v3/conversations', () => {
  it("lists a user's conversations newest first with exact unread counts and last messages", async () => {
    const { alice, bob, carol, send } = await world();
    for (const t of ['a1', 'a2', 'a3']) await send(alice, 'bob', t);
    const fromCarol = await send(carol, 'bob', 'c1');

    const res = await bob.get<List>('/conversations?conversationType=user');
    expect(res.status).toBe(200);
    expect(res.body.data.map((c) => c.conversationId)).toEqual([
      'bob_user_carol',
      'alice_user_bob',
    ]);
    const [withCarol, withAlice] = res.body.data;
    expect(withCarol).toMatchObject({
      conversationType: 'user',
      conversationWith: { uid: 'carol', name: 'Name carol' },
      unreadMessageCount: 1,
      lastSeq: 1,
      readSeq: 0,
      latestMessageId: fromCarol.id,
      lastMessage: { id: fromCarol.id, sender: 'carol', data: { text: 'c1' } },
    });
    expect(withAlice).toMatchObject({
      unreadMessageCount: 3,
      lastMessage: { data: { text: 'a3' } },
    });
    expect(res.body.meta.pagination).toMatchObject({ total: 2, count: 2, current_page: 1 });

    // The sender's own messages are never unread; a reply reads what came before it.
    expect(await unreadWith(alice, '/users/bob')).toBe(0);
    await send(bob, 'alice', 'b1');
    expect(await unreadWith(bob, '/users/alice')).toBe(0);
    expect(await unreadWith(alice, '/users/bob')).toBe(1);

    // The client SDK's getUnreadMessageCount: per conversation, only those with unread messages.
    const counts = await bob.get<Counts>('/messages?unread=1&count=1');
    expect(counts.body.data).toEqual([{ entityId: 'carol', entityType: 'user', count: 1 }]);
    const forUser = await alice.get<Counts>('/users/bob/messages?unread=1&count=1');
    expect(forUser.body.data).toEqual([{ entityId: 'bob', entityType: 'user', count: 1 }]);
  });

  it('pages, and filters by type, unread, tags, user tags and search key', async () => {
    const { alice, bob, carol, dan, send } = await world();
    await send(alice, 'dan', 'to dan');
    await send(carol, 'dan', 'to dan from carol');
    await send(bob, 'dan', 'to dan from bob');
    await send(dan, 'bob', 'dan replies to bob');

    const page1 = await dan.get<List>('/conversations?per_page=2&page=1');
    const page2 = await dan.get<List>('/conversations?perPage=2&page=2');
    expect(page1.body.data.map((c) => c.conversationWith.uid)).toEqual(['bob', 'carol']);
    expect(page2.body.data.map((c) => c.conversationWith.uid)).toEqual(['alice']);
    expect(page1.body.meta.pagination).toMatchObject({ total: 3, count: 2, per_page: 2 });

    const unread = await dan.get<List>('/conversations?unread=true');
    expect(unread.body.data.map((c) => c.conversationWith.uid)).toEqual(['carol', 'alice']);

    const tagged = await dan.put<One>('/users/carol/conversation', { tags: ['friends'] });
    expect(tagged.status).toBe(200);
    expect(tagged.body.data).toMatchObject({ conversationId: 'carol_user_dan', tags: ['friends'] });
    const byTag = await dan.get<List>('/conversations?tags=friends&withTags=true');
    expect(byTag.body.data.map((c) => c.conversationWith.uid)).toEqual(['carol']);
    // Tags are the user's own: carol's view of the conversation has none.
    expect((await carol.get<One>('/users/dan/conversation')).body.data.tags).toEqual([]);

    const byUserTag = await dan.get<List>('/conversations?userTags=tag-alice');
    expect(byUserTag.body.data.map((c) => c.conversationWith.uid)).toEqual(['alice']);
    const search = await dan.get<List>('/conversations?searchKey=Name%20bo');
    expect(search.body.data.map((c) => c.conversationWith.uid)).toEqual(['bob']);
    const groups = await dan.get<List>('/conversations?conversationType=group');
    expect(groups.body.data).toEqual([]);
  });

  it('needs a user, and refuses bad filters without a 500', async () => {
    const { rest, alice } = await world();
    expect(code(await rest.get('/conversations'))).toBe('ERR_BAD_REQUEST');
    expect(code(await alice.get('/conversations?conversationType=room'))).toBe('ERR_BAD_REQUEST');
    expect(code(await alice.get('/conversations?perPage=5000'))).toBe('ERR_BAD_REQUEST');
    expect(code(await alice.get('/users/dan/conversation'))).toBe(
      'ERR_CONVERSATION_NOT_ACCESSIBLE',
    );
    const tags = Array.from({ length: 26 }, (_, i) => `t${i}`);
    expect(code(await alice.put('/users/bob/conversation', { tags }))).toBe('ERR_BAD_REQUEST');
  });
});

describe('marking read, delivered and unread', () => {
  it('moves the read position up to a message, back before one, and keeps counts exact', async () => {
    const { alice, bob, send } = await world();
    const m = [];
    for (const t of ['one', 'two', 'three', 'four']) m.push(await send(alice, 'bob', t));

    const read = await bob.post('/users/alice/conversation/read', { messageId: Number(m[1].id) });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({ data: { success: true, message: expect.any(String) } });
    const conversation = (await bob.get<One>('/users/alice/conversation')).body.data;
    expect(conversation).toMatchObject({
      unreadMessageCount: 2,
      readSeq: 2,
      deliveredSeq: 2,
      lastReadMessageId: m[1].id,
    });
    const unread = await bob.get<{ data: Message[] }>('/users/alice/messages?unread=true');
    expect(unread.body.data.map((x) => x.id)).toEqual([m[2].id, m[3].id]);

    // An older boundary changes nothing: positions only move forward.
    await bob.post('/users/alice/conversation/read', { messageId: m[0].id });
    expect(await unreadWith(bob, '/users/alice')).toBe(2);

    // Mark unread from the second message on: the SDK gets the conversation back.
    const unmarked = await bob.delete<{ data: { success: boolean; conversation: Conversation } }>(
      '/users/alice/conversation/read',
      { messageId: m[1].id },
    );
    expect(unmarked.status).toBe(200);
    expect(unmarked.body.data.conversation).toMatchObject({ unreadMessageCount: 3, readSeq: 1 });
    expect(await unreadWith(bob, '/users/alice')).toBe(3);

    // Delivered moves only the delivered position; no messageId means all of them.
    await bob.post('/users/alice/conversation/delivered', {});
    const delivered = (await bob.get<One>('/users/alice/conversation')).body.data;
    expect(delivered).toMatchObject({ unreadMessageCount: 3, deliveredSeq: 4 });
    const undelivered = await bob.get<Counts>('/messages?undelivered=true&count=true');
    expect(undelivered.body.data).toEqual([]);

    await bob.post('/users/alice/conversation/read', {});
    expect(await unreadWith(bob, '/users/alice')).toBe(0);
  });

  it("never counts the user's own messages after marking unread", async () => {
    const { alice, bob, send } = await world();
    const a1 = await send(alice, 'bob', 'a1');
    await send(bob, 'alice', 'b1'); // bob's own, after a1
    await send(alice, 'bob', 'a2');
    await bob.delete('/users/alice/conversation/read', { messageId: a1.id });
    expect(await unreadWith(bob, '/users/alice')).toBe(2); // a1 and a2, not b1
    await bob.post('/users/alice/conversation/read', { messageId: a1.id });
    expect(await unreadWith(bob, '/users/alice')).toBe(1);
  });

  it('refuses a message of another conversation and an unknown one', async () => {
    const { alice, bob, carol, send } = await world();
    const other = await send(carol, 'alice', 'not bob');
    await send(alice, 'bob', 'hi');
    const res = await bob.post('/users/alice/conversation/read', { messageId: other.id });
    expect(code(res)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    expect(code(await bob.post('/users/alice/conversation/read', { messageId: 'x' }))).toBe(
      'ERR_BAD_REQUEST',
    );
    expect(code(await bob.delete('/users/alice/conversation/read', {}))).toBe('ERR_BAD_REQUEST');
    expect(code(await bob.post('/users/dan/conversation/read', {}))).toBe(
      'ERR_CONVERSATION_NOT_ACCESSIBLE',
    );
  });
});

describe('unread counts after edits and deletes', () => {
  it('stay exact: edited and deleted messages keep their place, action messages never count', async () => {
    const { alice, bob, send } = await world();
    const m1 = await send(alice, 'bob', 'first');
    const m2 = await send(alice, 'bob', 'second');
    expect(
      (await alice.put(`/messages/${m1.id}`, { data: { text: 'first, edited' } })).status,
    ).toBe(200);
    expect((await alice.delete(`/messages/${m2.id}`)).status).toBe(200);

    const conversation = (await bob.get<One>('/users/alice/conversation')).body.data;
    expect(conversation.unreadMessageCount).toBe(2);
    expect(conversation.lastSeq).toBe(4); // two messages, then the edited and deleted actions
    expect(await unreadWith(alice, '/users/bob')).toBe(0);
    const unread = await bob.get<{ data: Message[] }>('/users/alice/messages?unread=true');
    expect(unread.body.data.map((m) => m.id)).toEqual([m1.id, m2.id]);
    const counts = await bob.get<Counts>('/users/alice/messages?unread=1&count=1');
    expect(counts.body.data).toEqual([{ entityId: 'alice', entityType: 'user', count: 2 }]);

    // Reading up to the first message leaves the second; reading all (the last message is an
    // action message) leaves none.
    await bob.post('/users/alice/conversation/read', { messageId: m1.id });
    expect(await unreadWith(bob, '/users/alice')).toBe(1);
    await bob.post('/users/alice/conversation/read', {});
    expect(await unreadWith(bob, '/users/alice')).toBe(0);
    await bob.delete('/users/alice/conversation/read', { messageId: m1.id });
    expect(await unreadWith(bob, '/users/alice')).toBe(2);
  });
});

describe('DELETE /v3/users/{uid}/conversation', () => {
  it('hides the conversation and its messages for that user alone until a new message', async () => {
    const { alice, bob, send } = await world();
    await send(alice, 'bob', 'old one');
    await send(alice, 'bob', 'old two');
    const res = await bob.delete('/users/alice/conversation');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ data: { success: true, message: expect.any(String) } });

    expect(code(await bob.get('/users/alice/conversation'))).toBe(
      'ERR_CONVERSATION_NOT_ACCESSIBLE',
    );
    // (bob's group conversation, which membership action messages started, is another one.)
    expect((await bob.get<List>('/conversations?conversationType=user')).body.data).toEqual([]);
    expect((await bob.get<{ data: Message[] }>('/users/alice/messages')).body.data).toEqual([]);
    expect((await bob.get<{ data: Message[] }>('/messages?receiverType=user')).body.data).toEqual(
      [],
    );
    // alice still has it all.
    expect((await alice.get<{ data: Message[] }>('/users/bob/messages')).body.data).toHaveLength(2);

    const fresh = await send(alice, 'bob', 'new');
    const back = (await bob.get<One>('/users/alice/conversation')).body.data;
    expect(back).toMatchObject({ unreadMessageCount: 1, lastMessage: { id: fresh.id } });
    const visible = await bob.get<{ data: Message[] }>('/users/alice/messages');
    expect(visible.body.data.map((m) => m.id)).toEqual([fresh.id]);
    expect(
      code(await bob.delete('/users/alice/conversation', { deleteMessagesPermanently: true })),
    ).toBe('ERR_BAD_REQUEST');
  });
});

describe('group conversations', () => {
  it('counts each member from their join and read position', async () => {
    const { alice, bob, carol, dan, send } = await world();
    const g1 = await send(alice, 'team', 'g1', 'group');
    const g2 = await send(alice, 'team', 'g2', 'group');
    await eventually(async () => {
      expect(await unreadWith(bob, '/groups/team')).toBe(2);
      expect(await unreadWith(carol, '/groups/team')).toBe(2);
    }, EVENTS_ARRIVE_MS);
    expect(await unreadWith(alice, '/groups/team')).toBe(0);

    const conversation = (await bob.get<One>('/groups/team/conversation')).body.data;
    expect(conversation).toMatchObject({
      conversationId: 'group_team',
      conversationType: 'group',
      conversationWith: { guid: 'team', name: 'Team', hasJoined: true, scope: 'participant' },
      lastMessage: { data: { text: 'g2' } },
    });
    await bob.post('/groups/team/conversation/read', { messageId: g1.id });
    expect(await unreadWith(bob, '/groups/team')).toBe(1);
    expect(await unreadWith(carol, '/groups/team')).toBe(2);

    expect(code(await dan.get('/groups/team/conversation'))).toBe('ERR_GROUP_NOT_JOINED');
    expect(code(await dan.post('/groups/team/conversation/read', {}))).toBe('ERR_GROUP_NOT_JOINED');
    expect(code(await dan.get('/groups/nope/conversation'))).toBe('ERR_GUID_NOT_FOUND');

    // dan joins: what came before is not unread for him; what comes after is. Joins are placed
    // by their time in whole seconds, so the join happens in a later second than g2.
    while (Math.floor(Date.now() / 1000) <= g2.sentAt) await new Promise((r) => setTimeout(r, 50));
    expect((await dan.post('/groups/team/members', {})).status).toBe(200);
    await eventually(async () => {
      expect(await unreadWith(dan, '/groups/team')).toBe(0);
    }, EVENTS_ARRIVE_MS);
    await send(carol, 'team', 'g3', 'group');
    expect(await unreadWith(dan, '/groups/team')).toBe(1);
    expect(await unreadWith(bob, '/groups/team')).toBe(2);

    const all = await bob.get<List>('/conversations?groupTags=work');
    expect(all.body.data.map((c) => c.conversationId)).toEqual(['group_team']);
    const counts = await bob.get<Counts>('/messages?unread=true&count=true&receiverType=group');
    expect(counts.body.data).toEqual([{ entityId: 'team', entityType: 'group', count: 2 }]);
  });
});
