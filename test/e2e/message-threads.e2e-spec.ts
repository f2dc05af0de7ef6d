import { AppClient } from './support/parley';
import {
  as,
  code,
  messagingWorld,
  One,
  Page,
  text,
  toGroup,
  withToken,
} from './support/messaging-fixtures';

jest.setTimeout(60_000);

/** The reply count a reader sees on the parent. */
async function replyCount(client: AppClient, id: string): Promise<number | undefined> {
  return (await client.get<One>(`/messages/${id}`)).body.data.replyCount;
}

describe('threads: POST and GET /v3/messages/{id}/thread', () => {
  it('replies in a 1:1 thread with a send body, counting replies on the parent', async () => {
    const { app } = await messagingWorld();
    const alice = as(app, 'alice');
    const bob = as(app, 'bob');
    const parent = (await alice.post<One>('/messages', text('bob', 'topic'))).body.data;
    const r1 = await bob.post<One>(`/messages/${parent.id}/thread`, text('alice', 'first reply'));
    expect(r1.status).toBe(200);
    expect(r1.body.data).toMatchObject({
      parentId: parent.id,
      conversationId: parent.conversationId,
      sender: 'bob',
      receiver: 'alice',
      seq: parent.seq + 1,
      data: { text: 'first reply' },
    });
    // The SDK's thread send carries the receiver too; leaving it out goes to the parent's place.
    const r2 = await alice.post<One>(`/messages/${parent.id}/thread`, {
      category: 'message',
      type: 'text',
      data: { text: 'second reply' },
    });
    expect(r2.body.data).toMatchObject({
      parentId: parent.id,
      receiver: 'bob',
      seq: parent.seq + 2,
    });
    expect(await replyCount(alice, parent.id)).toBe(2);
    expect(await replyCount(bob, parent.id)).toBe(2);
  });

  it('replies in a group thread, as a user with an auth token on /v3.0 too', async () => {
    const { app, rest } = await messagingWorld();
    const parent = (await as(app, 'alice').post<One>('/messages', toGroup('team', 'plan'))).body
      .data;
    const bob = await withToken(rest, app, 'bob');
    const res = await bob.request<One>('POST', `.0/messages/${parent.id}/thread`, {
      receiver: 'team',
      receiverType: 'group',
      category: 'message',
      type: 'text',
      text: 'agreed',
    });
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({ parentId: parent.id, receiver: 'team', sender: 'bob' });
    expect(await replyCount(rest, parent.id)).toBe(1);
  });

  it("lists the replies only, oldest first, paged with the lists' cursors and filters", async () => {
    const { app } = await messagingWorld();
    const alice = as(app, 'alice');
    const parent = (await alice.post<One>('/messages', toGroup('team', 'parent'))).body.data;
    const other = (await alice.post<One>('/messages', toGroup('team', 'other parent'))).body.data;
    const replies: string[] = [];
    for (let i = 1; i <= 5; i += 1) {
      const body = i === 3 ? toGroup('team', `r${i}`, { tags: ['odd'] }) : toGroup('team', `r${i}`);
      replies.push((await alice.post<One>(`/messages/${parent.id}/thread`, body)).body.data.id);
      // Messages outside the thread, in the same conversation and in another thread.
      await alice.post('/messages', toGroup('team', `noise ${i}`));
      await alice.post(`/messages/${other.id}/thread`, toGroup('team', `elsewhere ${i}`));
    }
    const all = await alice.get<Page>(`/messages/${parent.id}/thread`);
    expect(all.status).toBe(200);
    expect(all.body.data.map((m) => m.id)).toEqual(replies);
    expect(all.body.data.every((m) => m.parentId === parent.id)).toBe(true);

    // Newest two first (prepend), then the page before them by the cursor.
    const last = await alice.get<Page>(`/messages/${parent.id}/thread?limit=2`);
    expect(last.body.data.map((m) => m.id)).toEqual(replies.slice(3));
    const before = await alice.get<Page>(
      `/messages/${parent.id}/thread?limit=2&affix=prepend&id=${last.body.meta.next!.id}`,
    );
    expect(before.body.data.map((m) => m.id)).toEqual(replies.slice(1, 3));
    // The SDK's per_page, and the ordinary filters.
    const sdk = await alice.get<Page>(`/messages/${parent.id}/thread?per_page=1&affix=append`);
    expect(sdk.body.data.map((m) => m.id)).toEqual(replies.slice(0, 1));
    const tagged = await alice.get<Page>(`/messages/${parent.id}/thread?tags=odd`);
    expect(tagged.body.data.map((m) => m.id)).toEqual([replies[2]]);
  });

  it('refuses a reply to a reply (no nesting) and to an unknown message', async () => {
    const { app } = await messagingWorld();
    const alice = as(app, 'alice');
    const parent = (await alice.post<One>('/messages', text('bob', 'topic'))).body.data;
    const reply = (await alice.post<One>(`/messages/${parent.id}/thread`, text('bob', 'r'))).body
      .data;
    const nested = await alice.post(`/messages/${reply.id}/thread`, text('bob', 'deeper'));
    expect({ status: nested.status, code: code(nested) }).toEqual({
      status: 400,
      code: 'ERR_MESSAGE_THREAD_NESTING',
    });
    const unknown = await alice.post('/messages/999999999999/thread', text('bob', 'x'));
    expect(code(unknown)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    const bad = await alice.get('/messages/abc/thread');
    expect(code(bad)).toBe('ERR_BAD_REQUEST');
    expect(await replyCount(alice, parent.id)).toBe(1);
  });

  it('keeps a thread from those who may not see its parent', async () => {
    const { app, rest } = await messagingWorld();
    const alice = as(app, 'alice');
    const carol = as(app, 'carol');
    const direct = (await alice.post<One>('/messages', text('bob', 'private'))).body.data;
    const group = (await alice.post<One>('/messages', toGroup('team', 'members only'))).body.data;
    for (const id of [direct.id, group.id]) {
      const read = await carol.get(`/messages/${id}/thread`);
      expect({ status: read.status, code: code(read) }).toEqual({
        status: 404,
        code: 'ERR_MESSAGE_ID_NOT_FOUND',
      });
    }
    // Replying into a 1:1 thread one is not part of is refused, and counts nothing.
    const reply = await carol.post(`/messages/${direct.id}/thread`, {
      category: 'message',
      type: 'text',
      data: { text: 'me too' },
    });
    expect(code(reply)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    const toGroupThread = await carol.post(
      `/messages/${group.id}/thread`,
      toGroup('team', 'me too'),
    );
    expect(code(toGroupThread)).toBe('ERR_NOT_A_MEMBER');
    // The app reads every thread.
    expect((await rest.get<Page>(`/messages/${direct.id}/thread`)).body.data).toEqual([]);
  });
});

describe('quoted messages (quotedMessageId)', () => {
  it('embeds the quoted message in the reply and in reads', async () => {
    const { app } = await messagingWorld();
    const alice = as(app, 'alice');
    const bob = as(app, 'bob');
    const quoted = (await alice.post<One>('/messages', text('bob', 'quote me'))).body.data;
    const res = await bob.post<One>(
      '/messages',
      text('alice', 'quoting', { quotedMessageId: Number(quoted.id) }),
    );
    expect(res.status).toBe(200);
    expect(res.body.data).toMatchObject({
      quotedMessageId: quoted.id,
      quotedMessage: { id: quoted.id, sender: 'alice', data: { text: 'quote me' } },
    });
    const read = await alice.get<One>(`/messages/${res.body.data.id}`);
    expect(read.body.data.quotedMessage).toMatchObject({ id: quoted.id, seq: quoted.seq });
    const page = await alice.get<Page>('/users/bob/messages');
    expect(page.body.data.find((m) => m.id === res.body.data.id)?.quotedMessage?.id).toBe(
      quoted.id,
    );
    // A quote in a thread reply works the same.
    const inThread = await bob.post<One>(
      `/messages/${quoted.id}/thread`,
      text('alice', 'quoted in thread', { quotedMessageId: quoted.id }),
    );
    expect(inThread.body.data).toMatchObject({ parentId: quoted.id, quotedMessageId: quoted.id });
  });

  it('refuses a quote of another conversation or of no message', async () => {
    const { app } = await messagingWorld();
    const alice = as(app, 'alice');
    const elsewhere = (await alice.post<One>('/messages', toGroup('team', 'group talk'))).body.data;
    const cross = await alice.post(
      '/messages',
      text('bob', 'x', { quotedMessageId: elsewhere.id }),
    );
    expect({ status: cross.status, code: code(cross) }).toEqual({
      status: 400,
      code: 'ERR_BAD_REQUEST',
    });
    const missing = await alice.post(
      '/messages',
      text('bob', 'x', { quotedMessageId: '999999999999' }),
    );
    expect(code(missing)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    // Nothing was stored: the conversation has no message yet.
    expect((await alice.get<Page>('/users/bob/messages')).body.data).toEqual([]);
  });
});
