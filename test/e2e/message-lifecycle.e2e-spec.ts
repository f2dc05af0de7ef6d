import { connectTestBus, recordSubject } from '@parley/common/testing';
import { AppClient, AppKeys, createApp, ErrorReply, eventually } from './support/parley';

interface Entity {
  entity: Record<string, unknown> & { uid?: string; guid?: string; id?: string };
  entityType: string;
}
interface Message {
  id: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: 'user' | 'group';
  category: string;
  type: string;
  data: Record<string, unknown> & {
    text?: string;
    action?: string;
    extras?: Record<string, unknown>;
    entities: Record<string, Entity>;
  };
  sentAt: number;
  updatedAt: number;
  seq: number;
  tags?: string[];
  editedAt?: number;
  editedBy?: string;
  deletedAt?: number;
  deletedBy?: string;
}
interface Revision {
  revision: number;
  data: Record<string, unknown>;
  tags: string[];
  editedAt: number;
  editedBy: string;
}
type One = { data: Message };
type Page = { data: Message[] };

// Membership action messages are made from the groups' events: some checks wait for them.
jest.setTimeout(60_000);
const EVENTS_ARRIVE_MS = 30_000;

const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;
const now = () => Math.floor(Date.now() / 1000);
const refusal = (res: { status: number; body: unknown }) => [res.status, code(res)];
const text = (receiver: string, t: string, extra: Record<string, unknown> = {}) => ({
  receiver,
  receiverType: 'user',
  category: 'message',
  type: 'text',
  data: { text: t },
  ...extra,
});
const toGroup = (guid: string, t: string) => text(guid, t, { receiverType: 'group' });
const entityOf = (m: Message, key: 'by' | 'on' | 'for') => m.data.entities[key];

/** A user acting through the REST key with onBehalfOf. */
const as = (app: AppKeys, uid: string) =>
  new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: uid });

/**
 * An app with users alice, bob, mo, carol, dan and a public group `team` that alice owns, with mo
 * as a moderator and bob as a participant (carol and dan are not members).
 */
async function world() {
  const app = await createApp();
  const rest = AppClient.rest(app);
  for (const uid of ['alice', 'bob', 'mo', 'carol', 'dan']) {
    const res = await rest.post('/users', { uid, name: `Name ${uid}` });
    if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
  }
  const group = await as(app, 'alice').post('/groups', {
    guid: 'team',
    name: 'Team',
    type: 'public',
    members: { moderators: ['mo'], participants: ['bob'] },
  });
  if (group.status !== 200) throw new Error(`create team: ${JSON.stringify(group.body)}`);
  return { app, rest, alice: as(app, 'alice'), bob: as(app, 'bob'), mo: as(app, 'mo') };
}

async function send(client: AppClient, body: unknown): Promise<Message> {
  const res = await client.post<One>('/messages', body);
  if (res.status !== 200) throw new Error(`send: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

/** A group's messages of category action, as the app reads them, oldest first. */
async function groupActions(rest: AppClient, guid: string): Promise<Message[]> {
  const res = await rest.get<Page>(`/groups/${guid}/messages?categories=action`);
  if (res.status !== 200) throw new Error(`list ${guid}: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

describe('PUT /v3/messages/{id} (edit)', () => {
  it('edits the text, metadata and tags, and answers the `edited` action message', async () => {
    const { alice, bob } = await world();
    const original = await send(alice, text('bob', 'hi', { tags: ['a'] }));
    const before = now();
    const res = await alice.put<One>(`/messages/${original.id}`, {
      data: { text: 'hi there', metadata: { lang: 'en' } },
      tags: ['b', 'c'],
    });
    expect(res.status).toBe(200);
    const action = res.body.data;
    expect(action).toMatchObject({
      category: 'action',
      type: 'message',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      conversationId: 'alice_user_bob',
      seq: 2, // the edit is a message of the conversation, after the edited one
      data: {
        action: 'edited',
        entities: {
          by: { entityType: 'user', entity: { uid: 'alice', name: 'Name alice' } },
          on: {
            entityType: 'message',
            entity: {
              id: original.id,
              seq: 1,
              editedBy: 'alice',
              tags: ['b', 'c'],
              data: { text: 'hi there', metadata: { lang: 'en' } },
            },
          },
          for: { entityType: 'user', entity: { uid: 'bob' } },
        },
      },
    });
    const edited = entityOf(action, 'on').entity as unknown as Message;
    expect(edited.editedAt).toBeGreaterThanOrEqual(before);
    expect(edited.updatedAt).toBe(edited.editedAt);
    expect(edited.sentAt).toBe(original.sentAt);

    // The message itself now reads as edited, for both users.
    const got = (await bob.get<One>(`/messages/${original.id}`)).body.data;
    expect(got).toEqual(edited);
    // Both see the action message in their conversation, after the message.
    const list = (await bob.get<Page>('/users/alice/messages')).body.data;
    expect(list.map((m) => [m.seq, m.category])).toEqual([
      [1, 'message'],
      [2, 'action'],
    ]);
    expect(list[1].id).toBe(action.id);
  });

  it('takes the client SDK message object (top-level text), and records the app as app_system', async () => {
    const { rest, alice } = await world();
    const original = await send(alice, text('bob', 'one'));
    // The SDK PUTs its whole message object.
    const sdk = await alice.put<One>(`/messages/${original.id}`, {
      id: original.id,
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      text: 'two',
      data: { entities: { sender: {} } },
    });
    expect(sdk.status).toBe(200);
    expect(entityOf(sdk.body.data, 'on').entity).toMatchObject({ data: { text: 'two' } });

    const byApp = await rest.put<One>(`/messages/${original.id}`, { data: { text: 'three' } });
    expect(byApp.status).toBe(200);
    expect(byApp.body.data).toMatchObject({
      sender: 'app_system',
      conversationId: 'alice_user_bob',
      data: { entities: { by: { entity: { uid: 'app_system', name: 'System' } } } },
    });
    expect(entityOf(byApp.body.data, 'on').entity).toMatchObject({
      editedBy: 'app_system',
      data: { text: 'three' },
    });
    // alice sees the app's edit in her conversation too.
    const mine = (await alice.get<One>(`/messages/${byApp.body.data.id}`)).body.data;
    expect(mine.id).toBe(byApp.body.data.id);
  });

  it('checks the new content as a new message, and refuses an empty edit, changing nothing', async () => {
    const { alice } = await world();
    const original = await send(alice, text('bob', 'keep'));
    const blank = await alice.put(`/messages/${original.id}`, { data: { text: '  ' } });
    expect(refusal(blank)).toEqual([400, 'ERR_EMPTY_MESSAGE_TEXT']);
    const meta = await alice.put(`/messages/${original.id}`, { data: { metadata: 'x' } });
    expect(refusal(meta)).toEqual([400, 'ERR_INVALID_METADATA']);
    const nothing = await alice.put(`/messages/${original.id}`, {});
    expect(refusal(nothing)).toEqual([400, 'ERR_BAD_REQUEST']);
    const bad = await alice.put('/messages/abc', { data: { text: 'x' } });
    expect(refusal(bad)).toEqual([400, 'ERR_BAD_REQUEST']);
    const missing = await alice.put('/messages/999999999999', { data: { text: 'x' } });
    expect(refusal(missing)).toEqual([404, 'ERR_MESSAGE_ID_NOT_FOUND']);
    const list = (await alice.get<Page>('/users/bob/messages')).body.data;
    expect(list).toEqual([original]);
  });

  it('delivers the action message in real time and publishes message.edited', async () => {
    const { app, alice } = await world();
    const original = await send(alice, text('bob', 'live'));
    const bus = await connectTestBus({ name: 'parley-e2e-lifecycle' });
    try {
      const bob = await recordSubject(bus, `deliver.${app.appId}.u.bob`);
      const events = await recordSubject(bus, `evt.messaging.${app.appId}.>`);
      const res = await alice.put<One>(`/messages/${original.id}`, { data: { text: 'live!' } });
      const of = (name: string) =>
        events.messages.filter((m) => m.subject === `evt.messaging.${app.appId}.${name}`);
      const about = (id: string) => (e: { data: unknown }) =>
        (e.data as { message: { id: string } }).message.id === id;
      await eventually(async () => {
        expect(bob.messages).toHaveLength(1);
        expect(of('message.edited')).toHaveLength(1);
        // The action message is a message of the conversation like any other.
        expect(of('message.created').filter(about(res.body.data.id))).toHaveLength(1);
      });
      expect(bob.messages[0].data).toMatchObject({ type: 'message', body: res.body.data });
      const [edited] = of('message.edited');
      expect(edited?.data).toMatchObject({
        appId: app.appId,
        by: 'alice',
        message: { id: original.id, data: { text: 'live!' }, editedBy: 'alice' },
        actionMessage: { id: res.body.data.id, data: { action: 'edited' } },
      });
      for (const r of [bob, events]) r.stop();
    } finally {
      await bus.close();
    }
  });
});

describe('GET /v3/messages/{id}/history', () => {
  it('keeps every revision with its editor and time, for those who can see the message', async () => {
    const { app, rest, alice, bob } = await world();
    const original = await send(alice, text('bob', 'v0', { tags: ['x'] }));
    const once = await send(alice, text('bob', 'never edited'));
    await alice.put(`/messages/${original.id}`, { data: { text: 'v1' } });
    await rest.put(`/messages/${original.id}`, { data: { text: 'v2' }, tags: ['y'] });

    const res = await bob.get<{ data: Revision[] }>(`/messages/${original.id}/history`);
    expect(res.status).toBe(200);
    expect(res.body.data.map((r) => [r.revision, r.data, r.tags, r.editedBy])).toEqual([
      [0, { text: 'v0' }, ['x'], 'alice'],
      [1, { text: 'v1' }, ['x'], 'alice'],
      [2, { text: 'v2' }, ['y'], 'app_system'],
    ]);
    expect(res.body.data[0].editedAt).toBe(original.sentAt);
    const times = res.body.data.map((r) => r.editedAt);
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const single = await alice.get<{ data: Revision[] }>(`/messages/${once.id}/history`);
    expect(single.body.data).toEqual([
      {
        revision: 0,
        data: { text: 'never edited' },
        tags: [],
        editedAt: once.sentAt,
        editedBy: 'alice',
      },
    ]);
    const stranger = await as(app, 'carol').get(`/messages/${original.id}/history`);
    expect(refusal(stranger)).toEqual([404, 'ERR_MESSAGE_ID_NOT_FOUND']);
  });
});

describe('DELETE /v3/messages/{id}', () => {
  it('soft-deletes: deletedAt/deletedBy, the `deleted` action message, content kept', async () => {
    const { bob, alice } = await world();
    const original = await send(bob, text('alice', 'oops'));
    const before = now();
    const res = await bob.delete<One>(`/messages/${original.id}`);
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      category: 'action',
      type: 'message',
      sender: 'bob',
      receiver: 'alice',
      seq: 2,
      data: {
        action: 'deleted',
        entities: {
          by: { entity: { uid: 'bob' } },
          on: { entityType: 'message', entity: { id: original.id, deletedBy: 'bob' } },
          for: { entityType: 'user', entity: { uid: 'alice' } },
        },
      },
    });
    const got = (await alice.get<One>(`/messages/${original.id}`)).body.data;
    expect(got.deletedAt).toBeGreaterThanOrEqual(before);
    expect(got).toMatchObject({ deletedBy: 'bob', data: { text: 'oops' } });

    // Gone is gone: no second delete, no edit.
    expect(refusal(await bob.delete(`/messages/${original.id}`))).toEqual([
      404,
      'ERR_MESSAGE_ID_NOT_FOUND',
    ]);
    expect(refusal(await bob.put(`/messages/${original.id}`, { data: { text: 'x' } }))).toEqual([
      404,
      'ERR_MESSAGE_ID_NOT_FOUND',
    ]);
  });

  it('deletes permanently: content, tags, history and the copies in action messages erased', async () => {
    const { alice, bob } = await world();
    const original = await send(alice, text('bob', 'secret', { tags: ['t'], metadata: { k: 1 } }));
    const edit = (await alice.put<One>(`/messages/${original.id}`, { data: { text: 'secret 2' } }))
      .body.data;
    const res = await alice.delete<One>(`/messages/${original.id}`, { permanent: true });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ data: { action: 'deleted' }, seq: 3 });
    const erased = (await bob.get<One>(`/messages/${original.id}`)).body.data;
    // The message keeps its place in the conversation (id, seq) and says who deleted it.
    expect(erased).toMatchObject({ id: original.id, seq: 1, deletedBy: 'alice' });
    expect(Object.keys(erased.data)).toEqual(['entities']);
    expect(erased).not.toHaveProperty('tags');
    expect(
      (await bob.get<{ data: Revision[] }>(`/messages/${original.id}/history`)).body.data,
    ).toEqual([]);
    // The `edited` action message no longer holds the old text.
    const editNow = (await bob.get<One>(`/messages/${edit.id}`)).body.data;
    expect(JSON.stringify(editNow)).not.toContain('secret');
    expect(JSON.stringify(res.body.data)).not.toContain('secret');
    expect(refusal(await alice.delete(`/messages/${original.id}`, { permanent: true }))).toEqual([
      404,
      'ERR_MESSAGE_ID_NOT_FOUND',
    ]);
  });

  it('erases a soft-deleted message on a permanent delete', async () => {
    const { alice } = await world();
    const original = await send(alice, text('bob', 'twice'));
    expect((await alice.delete(`/messages/${original.id}`)).status).toBe(200);
    expect((await alice.delete(`/messages/${original.id}?permanent=true`)).status).toBe(200);
    const erased = (await alice.get<One>(`/messages/${original.id}`)).body.data;
    expect(Object.keys(erased.data)).toEqual(['entities']);
  });
});

describe('who may edit and delete', () => {
  it("lets moderators and admins change others' group messages, and no participant", async () => {
    const { app, rest, alice, bob, mo } = await world();
    await eventually(async () => {
      // mo's and bob's memberships reach messaging's model.
      expect((await bob.get('/groups/team/messages')).status).toBe(200);
      expect((await mo.get('/groups/team/messages')).status).toBe(200);
    }, EVENTS_ARRIVE_MS);
    const bobs = await send(bob, toGroup('team', 'from bob'));
    const mos = await send(mo, toGroup('team', 'from mo'));
    const alices = await send(alice, toGroup('team', 'from alice'));

    const byMod = await mo.put<One>(`/messages/${bobs.id}`, { data: { text: 'moderated' } });
    expect(byMod.status).toBe(200);
    expect(byMod.body.data).toMatchObject({
      sender: 'mo',
      receiver: 'team',
      receiverType: 'group',
      conversationId: 'group_team',
      data: {
        action: 'edited',
        entities: {
          by: { entity: { uid: 'mo' } },
          on: { entity: { id: bobs.id, editedBy: 'mo', data: { text: 'moderated' } } },
          for: { entityType: 'group', entity: { guid: 'team' } },
        },
      },
    });
    expect((await mo.delete(`/messages/${alices.id}`)).status).toBe(200); // a moderator, the owner's
    expect((await alice.delete(`/messages/${mos.id}`)).status).toBe(200); // the owner (admin)

    const another = await send(alice, toGroup('team', 'mine'));
    const byParticipant = await bob.put(`/messages/${another.id}`, { data: { text: 'no' } });
    expect(refusal(byParticipant)).toEqual([403, 'ERR_MESSAGE_NOT_A_SENDER']);
    expect(refusal(await bob.delete(`/messages/${another.id}`))).toEqual([
      403,
      'ERR_MESSAGE_NOT_A_SENDER',
    ]);
    // Not a member: as if the message did not exist.
    expect(
      refusal(await as(app, 'carol').put(`/messages/${another.id}`, { data: { text: 'x' } })),
    ).toEqual([404, 'ERR_MESSAGE_ID_NOT_FOUND']);
    // The refusals changed nothing; the app may change any message.
    expect((await rest.get<One>(`/messages/${another.id}`)).body.data).toEqual(another);
    expect((await rest.delete(`/messages/${another.id}`)).status).toBe(200);
  });

  it('lets only the sender change a 1:1 message', async () => {
    const { app, alice, bob } = await world();
    const m = await send(alice, text('bob', 'mine'));
    expect(refusal(await bob.put(`/messages/${m.id}`, { data: { text: 'x' } }))).toEqual([
      403,
      'ERR_MESSAGE_NOT_A_SENDER',
    ]);
    expect(refusal(await bob.delete(`/messages/${m.id}`))).toEqual([
      403,
      'ERR_MESSAGE_NOT_A_SENDER',
    ]);
    expect(refusal(await as(app, 'carol').delete(`/messages/${m.id}`))).toEqual([
      404,
      'ERR_MESSAGE_ID_NOT_FOUND',
    ]);
    expect((await alice.get<One>(`/messages/${m.id}`)).body.data).toEqual(m);
  });

  it('never edits or deletes an action message, even for the app', async () => {
    const { rest, alice } = await world();
    const m = await send(alice, text('bob', 'x'));
    const action = (await alice.put<One>(`/messages/${m.id}`, { data: { text: 'y' } })).body.data;
    for (const client of [alice, rest]) {
      expect(refusal(await client.put(`/messages/${action.id}`, { data: { text: 'z' } }))).toEqual([
        403,
        'ERR_MESSAGE_ACTION_NOT_ALLOWED',
      ]);
      expect(refusal(await client.delete(`/messages/${action.id}`))).toEqual([
        403,
        'ERR_MESSAGE_ACTION_NOT_ALLOWED',
      ]);
    }
  });
});

describe('action messages for group membership events', () => {
  it('posts exactly one message per membership event, with by, on, for and extras.scope', async () => {
    const { app, rest, alice } = await world();
    const created = await alice.post('/groups', { guid: 'club', name: 'Club', type: 'public' });
    expect(created.status).toBe(200);

    // The app adds bob: the reply item carries the `added` message.
    const add = await rest.post<{ data: { participants: Record<string, { data?: Message }> } }>(
      '/groups/club/members',
      { participants: ['bob'] },
    );
    expect(add.body.data.participants.bob.data).toMatchObject({
      sender: 'app_system',
      data: { action: 'added', entities: { on: { entity: { uid: 'bob' } } } },
    });
    // carol joins: the reply is the `joined` message, its `for` the group as she sees it.
    const join = await as(app, 'carol').post<One>('/groups/club/members', {});
    expect(join.status).toBe(200);
    expect(join.body.data).toMatchObject({
      sender: 'carol',
      data: {
        action: 'joined',
        entities: {
          by: { entity: { uid: 'carol' } },
          on: { entity: { uid: 'carol' } },
          for: {
            entityType: 'group',
            entity: { guid: 'club', hasJoined: true, scope: 'participant' },
          },
        },
      },
    });
    expect((await alice.put('/groups/club/members/carol', { scope: 'moderator' })).status).toBe(
      200,
    );
    expect((await alice.delete('/groups/club/members/bob')).status).toBe(200);
    expect((await as(app, 'carol').delete('/groups/club/members')).status).toBe(200);
    expect((await alice.post('/groups/club/bannedusers/dan', {})).status).toBe(200);
    expect((await alice.delete('/groups/club/bannedusers/dan')).status).toBe(200);

    let actions: Message[] = [];
    await eventually(async () => {
      actions = await groupActions(rest, 'club');
      expect(actions.map((m) => m.data.action)).toContain('unbanned');
    }, EVENTS_ARRIVE_MS);
    // The events are consumed in order: once the last is there, every earlier one is too.
    const summary = actions.map((m) => [
      m.seq,
      m.data.action,
      m.sender,
      entityOf(m, 'by').entity.uid,
      entityOf(m, 'on').entity.uid,
      entityOf(m, 'for').entity.guid,
    ]);
    expect(summary).toEqual([
      // No message for alice, whose membership came with the group she created.
      [1, 'added', 'app_system', 'app_system', 'bob', 'club'],
      [2, 'joined', 'carol', 'carol', 'carol', 'club'],
      [3, 'scopeChanged', 'alice', 'alice', 'carol', 'club'],
      [4, 'kicked', 'alice', 'alice', 'bob', 'club'],
      [5, 'left', 'carol', 'carol', 'carol', 'club'],
      [6, 'banned', 'alice', 'alice', 'dan', 'club'],
      [7, 'unbanned', 'alice', 'alice', 'dan', 'club'],
    ]);
    expect(actions[1].id).toBe(join.body.data.id);
    expect(actions[2].data.extras).toEqual({ scope: { new: 'moderator', old: 'participant' } });
    for (const m of actions) {
      expect(m).toMatchObject({
        category: 'action',
        type: 'groupMember',
        receiver: 'club',
        receiverType: 'group',
        conversationId: 'group_club',
      });
      expect(entityOf(m, 'for').entityType).toBe('group');
    }
    // Action messages of membership cannot be changed either.
    expect(refusal(await rest.delete(`/messages/${actions[0].id}`))).toEqual([
      403,
      'ERR_MESSAGE_ACTION_NOT_ALLOWED',
    ]);
  });

  it("posts one `added` per initial member and none for the owner's own membership", async () => {
    const { rest } = await world();
    let actions: Message[] = [];
    await eventually(async () => {
      actions = await groupActions(rest, 'team');
      expect(actions).toHaveLength(2);
    }, EVENTS_ARRIVE_MS);
    // A later change is consumed after the creation's events, so nothing more is coming for them.
    expect((await rest.post('/groups/team/members', { participants: ['dan'] })).status).toBe(200);
    await eventually(async () => {
      actions = await groupActions(rest, 'team');
      expect(actions.map((m) => entityOf(m, 'on').entity.uid)).toContain('dan');
    }, EVENTS_ARRIVE_MS);
    expect(
      actions.map((m) => [m.data.action, m.sender, entityOf(m, 'on').entity.uid]).sort(),
    ).toEqual([
      ['added', 'alice', 'bob'],
      ['added', 'alice', 'mo'],
      ['added', 'app_system', 'dan'],
    ]);
  });

  it('posts nothing for imported memberships', async () => {
    const { rest } = await world();
    const imported = await rest.post<{ data: Record<string, { success: boolean }> }>(
      '/data_import/members',
      { members: [{ guid: 'team', uid: 'carol', scope: 'participant', joinedAt: 1_600_000_000 }] },
    );
    expect(imported.body.data.team_member_carol.success).toBe(true);
    expect((await rest.post('/groups/team/members', { participants: ['dan'] })).status).toBe(200);
    let actions: Message[] = [];
    await eventually(async () => {
      actions = await groupActions(rest, 'team');
      expect(actions.map((m) => entityOf(m, 'on').entity.uid)).toContain('dan');
    }, EVENTS_ARRIVE_MS);
    expect(actions.map((m) => entityOf(m, 'on').entity.uid)).not.toContain('carol');
  });

  it('tells a removed member on their own subject, besides the group', async () => {
    const { app, rest } = await world();
    await eventually(
      async () => expect(await groupActions(rest, 'team')).toHaveLength(2),
      EVENTS_ARRIVE_MS,
    );
    const bus = await connectTestBus({ name: 'parley-e2e-member-actions' });
    try {
      const bob = await recordSubject(bus, `deliver.${app.appId}.u.bob`);
      const team = await recordSubject(bus, `deliver.${app.appId}.g.team`);
      expect((await rest.delete('/groups/team/members/bob')).status).toBe(200);
      await eventually(async () => {
        expect(bob.messages).toHaveLength(1);
        expect(team.messages).toHaveLength(1);
      }, EVENTS_ARRIVE_MS);
      expect(bob.messages[0].data).toMatchObject({
        type: 'message',
        receiverType: 'group',
        body: { category: 'action', data: { action: 'kicked' } },
      });
      expect(team.messages[0].data).toEqual(bob.messages[0].data);
      for (const r of [bob, team]) r.stop();
    } finally {
      await bus.close();
    }
  });
});

describe('list filters for changes', () => {
  it('hides deleted messages, lists only them, or what changed since a time', async () => {
    const { alice, bob } = await world();
    const m1 = await send(alice, text('bob', 'm1'));
    const m2 = await send(bob, text('alice', 'm2'));
    const m3 = await send(alice, text('bob', 'm3'));
    const deleted = (await bob.delete<One>(`/messages/${m2.id}`)).body.data;
    const ids = async (query: string) =>
      (await alice.get<Page>(`/users/bob/messages?${query}`)).body.data.map((m) => m.id);

    expect(await ids('hideDeleted=true')).toEqual([m1.id, m3.id, deleted.id]);
    expect(await ids('onlyDeleted=true')).toEqual([m2.id]);
    expect(await ids('hideDeleted=false')).toEqual([m1.id, m2.id, m3.id, deleted.id]);

    // A second later, m1 is edited: only what changed since then comes back.
    const since = (await alice.get<One>(`/messages/${deleted.id}`)).body.data.sentAt + 1;
    while (now() < since) await new Promise((r) => setTimeout(r, 100));
    const edit = (await alice.put<One>(`/messages/${m1.id}`, { data: { text: 'm1!' } })).body.data;
    expect(await ids(`updatedSince=${since}`)).toEqual([m1.id, edit.id]);
    expect(await ids(`updatedSince=${since + 3600}`)).toEqual([]);
    expect(refusal(await alice.get('/users/bob/messages?updatedSince=soon'))).toEqual([
      400,
      'ERR_BAD_REQUEST',
    ]);
  });
});
