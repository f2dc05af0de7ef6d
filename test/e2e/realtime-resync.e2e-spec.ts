import { AppClient, createApp, gateways } from './support/parley';
import { Frame, login, TestSocket } from './support/realtime-client';

/**
 * A client that was away syncs by `seq` (ARCHITECTURE.md §5) over the plain protocol: it knows
 * the last seq it saw per conversation, the conversation list says each one's `lastSeq`, and
 * `fromSeq`/`toSeq` returns exactly the messages it missed; a live frame whose seq skips names
 * the range to fetch.
 */

jest.setTimeout(30_000);

interface Message {
  id: string;
  seq: number;
  conversationId: string;
  data: { text?: string };
}
interface Conversation {
  conversationId: string;
  lastSeq: number;
}

const sockets: TestSocket[] = [];
afterEach(() => {
  for (const s of sockets.splice(0)) s.ws.terminate();
});

const messageTexted = (text: string) => (f: Frame) =>
  f.type === 'message' && (f.body as Message).data.text === text;

it('gives a reconnecting client exactly the messages it missed, by seq, per conversation', async () => {
  const app = await createApp();
  const [g1, g2] = gateways();
  const [alice, bob] = [await login(app, 'alice'), await login(app, 'bob')];
  const asAlice = new AppClient(app.appId, { authtoken: alice.authToken });
  const asBob = new AppClient(app.appId, { authtoken: bob.authToken }, g2);
  expect(
    (await asAlice.post('/groups', { guid: 'team', name: 'Team', type: 'public' })).status,
  ).toBe(200);
  expect((await asBob.post('/groups/team/members')).status).toBe(200);
  const send = async (receiver: string, receiverType: string, text: string) => {
    const res = await asAlice.post<{ data: Message }>('/messages', {
      receiver,
      receiverType,
      category: 'message',
      type: 'text',
      data: { text },
    });
    expect(res.status).toBe(200);
    return res.body.data;
  };

  // Online on one gateway: bob sees what alice sends and remembers each conversation's last seq.
  const first = await TestSocket.authenticated(g1, bob, app.appId, 'bob-tab');
  sockets.push(first);
  const seen = new Map<string, number>();
  for (const [receiver, type] of [
    ['bob', 'user'],
    ['team', 'group'],
  ]) {
    const m = await send(receiver, type, `before ${receiver}`);
    const frame = await first.next(messageTexted(`before ${receiver}`));
    expect((frame.body as Message).seq).toBe(m.seq);
    seen.set(m.conversationId, m.seq);
  }
  first.ws.terminate();
  await first.closed;

  // Away: alice writes to both conversations.
  const missed = new Map<string, Message[]>();
  for (let i = 1; i <= 3; i++) {
    for (const [receiver, type] of [
      ['bob', 'user'],
      ['team', 'group'],
    ]) {
      const m = await send(receiver, type, `away ${receiver} ${i}`);
      missed.set(m.conversationId, [...(missed.get(m.conversationId) ?? []), m]);
    }
  }

  // Back, on the other gateway: the conversation list says how far each conversation went, and
  // a seq range fetch returns exactly what bob did not see.
  const again = await TestSocket.authenticated(g2, bob, app.appId, 'bob-tab-2');
  sockets.push(again);
  const conversations = (await asBob.get<{ data: Conversation[] }>('/conversations')).body.data;
  for (const [conversationId, lastSeen] of seen) {
    const c = conversations.find((x) => x.conversationId === conversationId);
    const expected = missed.get(conversationId) ?? [];
    expect(c?.lastSeq).toBe(expected.at(-1)?.seq);
    const path = conversationId.includes('_user_')
      ? '/users/alice/messages'
      : '/groups/team/messages';
    const gap = await asBob.get<{ data: Message[] }>(
      `${path}?fromSeq=${lastSeen + 1}&toSeq=${c?.lastSeq}`,
    );
    expect(gap.body.data.map((m) => [m.id, m.seq])).toEqual(expected.map((m) => [m.id, m.seq]));
  }

  // Live again: the next message continues the sequence, so a client that did not fetch would
  // see the skip and know the range to fetch.
  const next = await send('bob', 'user', 'after');
  const live = await again.next(messageTexted('after'));
  const userConversation = next.conversationId;
  expect((live.body as Message).seq).toBe((missed.get(userConversation)?.at(-1)?.seq ?? 0) + 1);
  const skipped = await asBob.get<{ data: Message[] }>(
    `/users/alice/messages?fromSeq=${(seen.get(userConversation) ?? 0) + 1}&toSeq=${(live.body as Message).seq - 1}`,
  );
  expect(skipped.body.data.map((m) => m.id)).toEqual(
    missed.get(userConversation)?.map((m) => m.id),
  );
});
