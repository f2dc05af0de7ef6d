import { connectTestBus, recordSubject } from '@parley/common/testing';
import { eventually } from './support/parley';
import {
  as,
  code,
  EVENTS_ARRIVE_MS,
  Message,
  messagingWorld,
  One,
  Page,
  text,
  toGroup,
} from './support/messaging-fixtures';

jest.setTimeout(90_000);

type ItemResult =
  { success: true; data: Message } | { success: false; error: { code: string; message: string } };
type Many = { data: { uids: Record<string, ItemResult>; guids: Record<string, ItemResult> } };

describe('role sendMessagesTo: friendsOnly', () => {
  /** dave holds role `closed` (friendsOnly); alice, bob and carol hold `default`. */
  async function closedWorld() {
    const world = await messagingWorld(['alice', 'bob', 'carol']);
    const { rest } = world;
    const role = await rest.post('/roles', {
      role: 'closed',
      name: 'Closed',
      settings: { sendMessagesTo: 'friendsOnly' },
    });
    expect(role.status).toBe(200);
    expect((await rest.post('/users', { uid: 'dave', name: 'Dave', role: 'closed' })).status).toBe(
      200,
    );
    return { ...world, dave: as(world.app, 'dave') };
  }

  it('lets a friendsOnly user message friends only, at once when they befriend', async () => {
    const { app, rest, dave } = await closedWorld();
    const refused = await dave.post('/messages', text('bob', 'hi stranger'));
    expect({ status: refused.status, code: code(refused) }).toEqual({
      status: 404,
      code: 'ERR_NOT_A_FRIEND',
    });
    expect((await rest.post('/users/dave/friends', { accepted: ['bob'] })).status).toBe(200);
    // A refusal is confirmed with the users service first: a new friend is never refused.
    const allowed = await dave.post<One>('/messages', text('bob', 'hi friend'));
    expect(allowed.status).toBe(200);
    // Others may message dave (their role is open), and dave may message a group or himself.
    expect((await as(app, 'carol').post('/messages', text('dave', 'hello dave'))).status).toBe(200);
    expect((await dave.post('/messages', text('carol', 'hi carol'))).status).toBe(404);
    expect((await dave.post('/messages', text('dave', 'note to self'))).status).toBe(200);
    expect((await rest.post('/groups/team/members', { participants: ['dave'] })).status).toBe(200);
    expect((await dave.post('/messages', toGroup('team', 'hi team'))).status).toBe(200);
    // Nothing was stored for the refused sends.
    expect((await dave.get<Page>('/users/carol/messages')).body.data.map((m) => m.sender)).toEqual([
      'carol',
    ]);
  });

  it('follows friendships ending and the role changing, as their events arrive', async () => {
    const { rest, dave } = await closedWorld();
    await rest.post('/users/bob/friends', { accepted: ['dave'] });
    expect((await dave.post('/messages', text('bob', 'one'))).status).toBe(200);
    expect((await rest.delete('/users/bob/friends', { friends: ['dave'] })).status).toBe(200);
    await eventually(async () => {
      expect(code(await dave.post('/messages', text('bob', 'two')))).toBe('ERR_NOT_A_FRIEND');
    }, EVENTS_ARRIVE_MS);
    // The role opens to all: dave may message anyone.
    const opened = await rest.put('/roles/closed', { settings: { sendMessagesTo: 'all' } });
    expect(opened.status).toBe(200);
    expect((await dave.post('/messages', text('carol', 'now open'))).status).toBe(200);
    // Closed again, then dave moved to the default role.
    await rest.put('/roles/closed', { settings: { sendMessagesTo: 'friendsOnly' } });
    await eventually(async () => {
      expect(code(await dave.post('/messages', text('carol', 'closed')))).toBe('ERR_NOT_A_FRIEND');
    }, EVENTS_ARRIVE_MS);
    expect((await rest.put('/users/dave', { role: 'default' })).status).toBe(200);
    expect((await dave.post('/messages', text('carol', 'default now'))).status).toBe(200);
  });

  it("reads the default role's setting too, and a deleted role as default", async () => {
    const { rest, app } = await closedWorld();
    const alice = as(app, 'alice');
    expect(
      (await rest.put('/roles/default', { settings: { sendMessagesTo: 'friendsOnly' } })).status,
    ).toBe(200);
    await eventually(async () => {
      expect(code(await alice.post('/messages', text('carol', 'x')))).toBe('ERR_NOT_A_FRIEND');
    }, EVENTS_ARRIVE_MS);
    await rest.put('/roles/default', { settings: { sendMessagesTo: 'all' } });
    expect((await rest.delete('/roles/closed')).status).toBe(200);
    await eventually(async () => {
      expect((await as(app, 'dave').post('/messages', text('carol', 'freed'))).status).toBe(200);
    }, EVENTS_ARRIVE_MS);
  });
});

describe('multipleReceivers', () => {
  it('sends one message to each uid and guid, each in its own conversation, per-receiver results', async () => {
    const { app } = await messagingWorld(['alice', 'bob', 'carol']);
    const alice = as(app, 'alice');
    await alice.post('/messages', text('bob', 'earlier')); // bob's conversation is at seq 1
    const body = text('bob', 'to many', {
      muid: 'bulk-1',
      multipleReceivers: { uids: ['carol', 'ghost'], guids: ['team', 'nogroup'] },
    });
    const res = await alice.post<Many>('/messages', body);
    expect(res.status).toBe(200);
    const { uids, guids } = res.body.data;
    expect(Object.keys(uids).sort()).toEqual(['bob', 'carol', 'ghost']);
    expect(Object.keys(guids).sort()).toEqual(['nogroup', 'team']);
    expect(uids.bob).toMatchObject({
      success: true,
      data: { conversationId: 'alice_user_bob', seq: 2, muid: 'bulk-1:user:bob' },
    });
    expect(uids.carol).toMatchObject({
      success: true,
      data: { conversationId: 'alice_user_carol', seq: 1, data: { text: 'to many' } },
    });
    expect(guids.team).toMatchObject({
      success: true,
      // The group's seq 1 is the `added` action message of bob.
      data: { conversationId: 'group_team', receiverType: 'group', seq: 2 },
    });
    expect(uids.ghost).toMatchObject({ success: false, error: { code: 'ERR_UID_NOT_FOUND' } });
    expect(guids.nogroup).toMatchObject({ success: false, error: { code: 'ERR_GUID_NOT_FOUND' } });

    // A retry returns the same messages and stores nothing more.
    const again = await alice.post<Many>('/messages', body);
    const ids = (r: Many) =>
      [...Object.values(r.data.uids), ...Object.values(r.data.guids)].map((i) =>
        i.success ? i.data.id : i.error.code,
      );
    expect(ids(again.body)).toEqual(ids(res.body));
    expect((await alice.get<Page>('/users/carol/messages')).body.data).toHaveLength(1);
  });

  it('delivers each message in real time to its own receivers', async () => {
    const { app } = await messagingWorld(['alice', 'bob', 'carol']);
    const bus = await connectTestBus({ name: 'parley-e2e-multi' });
    try {
      const carol = await recordSubject(bus, `deliver.${app.appId}.u.carol`);
      const team = await recordSubject(bus, `deliver.${app.appId}.g.team`);
      const res = await as(app, 'alice').post<Many>(
        '/messages',
        text('carol', 'live', { multipleReceivers: { guids: ['team'] } }),
      );
      await eventually(async () => {
        expect(carol.messages).toHaveLength(1);
        expect(team.messages).toHaveLength(1);
      });
      const sent = res.body.data;
      expect((carol.messages[0].data as { body: Message }).body.id).toBe(
        (sent.uids.carol as { data: Message }).data.id,
      );
      expect((team.messages[0].data as { body: Message }).body.id).toBe(
        (sent.guids.team as { data: Message }).data.id,
      );
      carol.stop();
      team.stop();
    } finally {
      await bus.close();
    }
  });

  it('refuses bad content, a thread or quote with many receivers, and more than 25 receivers', async () => {
    const { app } = await messagingWorld(['alice', 'bob', 'carol']);
    const alice = as(app, 'alice');
    const many = { multipleReceivers: { uids: ['carol'] } };
    const parent = (await alice.post<One>('/messages', text('bob', 'p'))).body.data;
    for (const [body, expected] of [
      [text('bob', '', many), 'ERR_EMPTY_MESSAGE_TEXT'],
      [text('bob', 'x', { ...many, quotedMessageId: parent.id }), 'ERR_BAD_REQUEST'],
      [
        text('bob', 'x', {
          multipleReceivers: { uids: Array.from({ length: 26 }, (_, i) => `u${i}`) },
        }),
        'ERR_BAD_REQUEST',
      ],
      [text('bob', 'x', { multipleReceivers: {} }), 'ERR_BAD_REQUEST'],
    ] as const) {
      const res = await alice.post('/messages', body);
      expect({ status: res.status, code: code(res) }).toEqual({ status: 400, code: expected });
    }
    const inThread = await alice.post(`/messages/${parent.id}/thread`, text('bob', 'x', many));
    expect(code(inThread)).toBe('ERR_BAD_REQUEST');
    expect((await alice.get<Page>('/users/carol/messages')).body.data).toEqual([]);
  });
});

describe('erasing a permanently deleted user', () => {
  it("erases the user's messages everywhere and keeps everyone else's, seqs unbroken", async () => {
    const { app, rest } = await messagingWorld(['alice', 'bob', 'carol']);
    const alice = as(app, 'alice');
    const bob = as(app, 'bob');
    const a1 = (await alice.post<One>('/messages', text('bob', 'secret', { muid: 'a-1' }))).body
      .data;
    const b1 = (
      await bob.post<One>('/messages', text('alice', 'reply', { quotedMessageId: a1.id }))
    ).body.data;
    const g1 = (await alice.post<One>('/messages', toGroup('team', 'group secret'))).body.data;
    // The app edits it: the revisions and the `edited` action message (sent by app_system) hold
    // copies of alice's content, which go too.
    const edit = await rest.put(`/messages/${g1.id}`, { data: { text: 'group secret, edited' } });
    expect(edit.status).toBe(200);
    expect((await rest.delete('/users/alice', { permanent: true })).status).toBe(200);

    await eventually(async () => {
      const page = await bob.get<Page>('/users/alice/messages');
      const byId = new Map(page.body.data.map((m) => [m.id, m]));
      expect(byId.get(a1.id)?.data.text).toBeUndefined();
      expect(byId.get(a1.id)?.muid).toBeUndefined();
      // The quote now shows the erased message.
      expect(byId.get(b1.id)?.quotedMessage?.data.text).toBeUndefined();
    }, EVENTS_ARRIVE_MS);
    const conversation = (await bob.get<Page>('/users/alice/messages')).body.data;
    expect(conversation.map((m) => m.seq)).toEqual([1, 2]);
    expect(conversation.find((m) => m.id === b1.id)?.data.text).toBe('reply');
    const group = (await bob.get<Page>('/groups/team/messages')).body.data;
    expect(group.find((m) => m.id === g1.id)?.data.text).toBeUndefined();
    expect(JSON.stringify(group)).not.toContain('group secret');
    const history = await rest.get(`/messages/${g1.id}/history`);
    expect(history.status).toBe(200);
    expect(JSON.stringify(history.body)).not.toContain('group secret');

    // The uid is free again: a new alice starts afresh, her muids unrelated to the old ones.
    expect((await rest.post('/users', { uid: 'alice', name: 'New Alice' })).status).toBe(200);
    await eventually(async () => {
      const fresh = await alice.post<One>('/messages', text('bob', 'new me', { muid: 'a-1' }));
      expect(fresh.status).toBe(200);
      expect(fresh.body.data.id).not.toBe(a1.id);
      expect(fresh.body.data.seq).toBe(3);
    }, EVENTS_ARRIVE_MS);
  });
});
