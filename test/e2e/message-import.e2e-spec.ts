import { connectTestBus, recordSubject } from '@parley/common/testing';
import { AppClient, eventually, gateways, http } from './support/parley';
import {
  as,
  code,
  Message,
  messagingWorld,
  One,
  Page,
  text,
  withToken,
} from './support/messaging-fixtures';

jest.setTimeout(60_000);

type ItemResult =
  { success: true; data: Message } | { success: false; error: { code: string; message: string } };
type Imported = { data: Record<string, ItemResult> };

const item = (muid: string, sentAt: number, over: Record<string, unknown> = {}) => ({
  muid,
  sender: 'alice',
  receiverType: 'user',
  receiver: 'bob',
  category: 'message',
  type: 'text',
  data: { text: `text ${muid}` },
  sentAt,
  ...over,
});

/** The reference's shape: `messages` keyed by muid. */
const byMuid = (items: Array<Record<string, unknown> & { muid: string }>) => ({
  messages: Object.fromEntries(items.map((i) => [i.muid, i])),
});

const stored = (r: ItemResult) => (r as { success: true; data: Message }).data;

describe('POST /v3/data_import/messages', () => {
  it('imports keyed by muid, keeping sentAt, seq following sentAt within the batch', async () => {
    const { app, rest } = await messagingWorld();
    // Given out of order; sentAt decides.
    const batch = [
      item('m-3', 1_600_000_300),
      item('m-1', 1_600_000_100, { sender: 'bob', receiver: 'alice' }),
      item('m-2', 1_600_000_200, { tags: ['old'], data: { text: 'two', metadata: { k: 1 } } }),
    ];
    const res = await rest.post<Imported>('/data_import/messages', byMuid(batch));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body.data).sort()).toEqual(['m-1', 'm-2', 'm-3']);
    const seqOf = (muid: string) => stored(res.body.data[muid]).seq;
    expect([seqOf('m-1'), seqOf('m-2'), seqOf('m-3')]).toEqual([1, 2, 3]);
    expect(res.body.data['m-2']).toMatchObject({
      success: true,
      data: {
        muid: 'm-2',
        sender: 'alice',
        conversationId: 'alice_user_bob',
        sentAt: 1_600_000_200,
        tags: ['old'],
        data: { text: 'two', metadata: { k: 1 } },
      },
    });
    const page = await as(app, 'bob').get<Page>('/users/alice/messages');
    expect(page.body.data.map((m) => [m.muid, m.seq, m.sentAt])).toEqual([
      ['m-1', 1, 1_600_000_100],
      ['m-2', 2, 1_600_000_200],
      ['m-3', 3, 1_600_000_300],
    ]);
    // A message sent afterwards follows the imported history.
    const next = await as(app, 'alice').post<One>('/messages', text('bob', 'today'));
    expect(next.body.data.seq).toBe(4);
  });

  it('changes nothing when the same batch is imported again', async () => {
    const { app, rest } = await messagingWorld();
    const batch = [
      item('a', 1_600_000_001),
      item('b', 1_600_000_002, { receiverType: 'group', receiver: 'team' }),
    ];
    const first = await rest.post<Imported>('/data_import/messages', byMuid(batch));
    const before = await as(app, 'alice').get<Page>('/messages');
    // Again, even with other content under the same muids: the stored messages stand.
    const changed = batch.map((i) => ({ ...i, data: { text: 'changed' }, sentAt: 1_700_000_000 }));
    const again = await rest.post<Imported>('/data_import/messages', byMuid(changed));
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(first.body.data);
    expect((await as(app, 'alice').get<Page>('/messages')).body).toEqual(before.body);
    // Beside the group's `added` action message.
    expect(before.body.data.filter((m) => m.category === 'message')).toHaveLength(2);
    // A live retry with an imported muid answers the imported message too.
    const retry = await as(app, 'alice').post<One>('/messages', text('bob', 'x', { muid: 'a' }));
    expect(retry.body.data.id).toBe(stored(first.body.data.a).id);
  });

  it('delivers nothing in real time: imported history is not news', async () => {
    const { app, rest } = await messagingWorld();
    const bus = await connectTestBus({ name: 'parley-e2e-import' });
    try {
      const bob = await recordSubject(bus, `deliver.${app.appId}.u.bob`);
      const team = await recordSubject(bus, `deliver.${app.appId}.g.team`);
      const res = await rest.post<Imported>(
        '/data_import/messages',
        byMuid([
          item('h1', 1_600_000_001),
          item('h2', 1_600_000_002, { receiverType: 'group', receiver: 'team' }),
        ]),
      );
      expect(res.status).toBe(200);
      // Frames of one publisher arrive in order: once the live message's frame is here, an
      // imported message's frame would have been too.
      const live = await as(app, 'alice').post<One>('/messages', text('bob', 'live'));
      await eventually(async () => expect(bob.messages).toHaveLength(1));
      expect((bob.messages[0].data as { body: Message }).body.id).toBe(live.body.data.id);
      expect(team.messages).toHaveLength(0);
      bob.stop();
      team.stop();
    } finally {
      await bus.close();
    }
  });

  it('reports each failing item alone and imports the rest; takes a list too', async () => {
    const { app, rest } = await messagingWorld();
    const res = await rest.post<Imported>('/data_import/messages', {
      messages: [
        item('ok', 1_600_000_001),
        item('ghost', 1_600_000_002, { sender: 'ghost' }),
        item('nogroup', 1_600_000_003, { receiverType: 'group', receiver: 'nogroup' }),
        item('empty', 1_600_000_004, { data: { text: '' } }),
        item('action', 1_600_000_005, { category: 'action', type: 'groupMember' }),
        // CometChat's examples send timestamps as strings.
        item('str', '1600000006' as unknown as number),
      ],
    });
    expect(res.status).toBe(200);
    const outcome = Object.fromEntries(
      Object.entries(res.body.data).map(([muid, r]) => [muid, r.success ? 'ok' : r.error.code]),
    );
    expect(outcome).toEqual({
      ok: 'ok',
      ghost: 'ERR_UID_NOT_FOUND',
      nogroup: 'ERR_GUID_NOT_FOUND',
      empty: 'ERR_EMPTY_MESSAGE_TEXT',
      action: 'ERR_INVALID_MESSAGE_CATEGORY',
      str: 'ok',
    });
    // Failed items used no seq.
    const page = await as(app, 'bob').get<Page>('/users/alice/messages');
    expect(page.body.data.map((m) => [m.muid, m.seq])).toEqual([
      ['ok', 1],
      ['str', 2],
    ]);
  });

  it("imports into a deactivated user's conversation and from a non-member into a group", async () => {
    const { app, rest } = await messagingWorld();
    expect((await rest.delete('/users', { uidsToDeactivate: ['bob'] })).status).toBe(200);
    const res = await rest.post<Imported>(
      '/data_import/messages',
      byMuid([
        item('to-bob', 1_600_000_001),
        item('carol-team', 1_600_000_002, {
          sender: 'carol',
          receiverType: 'group',
          receiver: 'team',
        }),
      ]),
    );
    expect(Object.values(res.body.data).map((r) => r.success)).toEqual([true, true]);
    // The group's seq 1 is the `added` action message of bob.
    expect(stored(res.body.data['carol-team'])).toMatchObject({ sender: 'carol', seq: 2 });
    const team = await as(app, 'alice').get<Page>('/groups/team/messages?categories=message');
    expect(team.body.data).toHaveLength(1);
  });

  it.each([
    ['no messages', {}],
    ['an empty batch', { messages: {} }],
    ['101 messages', { messages: Array.from({ length: 101 }, (_, i) => item(`m${i}`, 1)) }],
    ['no sentAt', { messages: [{ ...item('x', 1), sentAt: undefined }] }],
    ['a bad sender uid', { messages: [item('x', 1, { sender: 'not a uid' })] }],
    ['a muid twice', { messages: [item('x', 1), item('x', 2)] }],
  ])('refuses %s with ERR_BAD_REQUEST, importing nothing', async (_what, body) => {
    const { rest } = await messagingWorld();
    const res = await rest.post('/data_import/messages', body);
    expect({ status: res.status, code: code(res) }).toEqual({
      status: 400,
      code: 'ERR_BAD_REQUEST',
    });
    expect((await rest.get<Page>('/messages?categories=message')).body.data).toEqual([]);
  });

  it('is for the REST key: a user token or the auth key is refused', async () => {
    const { app, rest } = await messagingWorld();
    const user = await withToken(rest, app, 'alice');
    for (const client of [user, AppClient.auth(app)]) {
      const res = await client.post('/data_import/messages', byMuid([item('x', 1)]));
      expect({ status: res.status, code: code(res) }).toEqual({
        status: 403,
        code: 'AUTH_ERR_NO_ACCESS',
      });
    }
    expect((await rest.get<Page>('/messages?categories=message')).body.data).toEqual([]);
  });

  it('is described in the OpenAPI document with the thread routes', async () => {
    const docs = await http<{ paths: Record<string, Record<string, unknown>> }>(
      'GET',
      `${gateways()[0]}/docs`,
    );
    expect(docs.status).toBe(200);
    expect(docs.body.paths['/v3/data_import/messages']).toHaveProperty('post');
    expect(Object.keys(docs.body.paths['/v3/messages/{id}/thread'] ?? {}).sort()).toEqual([
      'get',
      'post',
    ]);
  });
});
