import { INestApplicationContext } from '@nestjs/common';
import { NatsMessageBus } from '@parley/common';
import {
  connectTestBus,
  eventually,
  recordSubject,
  startServiceContext,
  SubjectRecorder,
  uniqueAppId,
} from '@parley/common/testing';
import { EVENTS, Message, userConversationId } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { profile, textTo } from '../testing/message.factory';
import { MessageRepository } from './message.repository';
import { MessageService } from './message.service';

jest.setTimeout(60_000);

/**
 * A send to a conversation that exists is one statement (MessageRepository.appendToConversation);
 * the first of a conversation is a transaction of several. On real PostgreSQL and NATS, both
 * leave the same: the event of each send is the message answered, the sender's read and delivered
 * positions are at their last message, with receipt marks for what they passed over.
 */
describe('a send to a conversation that exists, in one statement', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let bus: NatsMessageBus;
  let events: SubjectRecorder;
  let messages: MessageService;
  const appId = uniqueAppId('msg-one');
  const conversationId = userConversationId('alice', 'bob');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    await ctx.get(DirectoryRepository).learnUsers(
      appId,
      ['alice', 'bob', 'carol', 'dave', 'erin'].map((uid) => profile(uid)),
    );
    await ctx.get(DirectoryRepository).applyRole(appId, 'default', 'all', 1);
    bus = await connectTestBus();
    events = await recordSubject(bus, EVENTS.messaging.messageCreated.subject(appId));
  });

  afterAll(async () => {
    events?.stop();
    await bus?.close();
    for (const table of ['messages', 'conversations', 'member_positions', 'receipt_marks']) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  const send = (sender: string, receiver: string, text: string) =>
    messages.send({
      appId,
      sender,
      message: textTo(receiver, { text, muid: `${sender}-${text}` }),
    });

  it('stages the message answered as its event, and moves the sender with receipt marks', async () => {
    const sent: Message[] = [];
    sent.push(await send('alice', 'bob', 'one')); // the conversation starts: a transaction
    sent.push(await send('bob', 'alice', 'two')); // one statement from here on
    sent.push(await send('bob', 'alice', 'three'));
    sent.push(await send('alice', 'bob', 'four <@uid:bob>'));
    expect(sent.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
    expect(sent[3].mentionedUsers?.map((u) => u.uid)).toEqual(['bob']);

    // Each event carries the message as answered (the sender's own `mentionedMe` aside).
    await eventually(async () => expect(events.messages).toHaveLength(4));
    const published = events.messages.map((e) => (e.data as { message: Message }).message);
    expect(published.sort((a, b) => a.seq - b.seq)).toEqual(
      sent.map(({ mentionedMe: _mine, ...m }) => m),
    );

    // A retried muid is answered with the stored message and writes nothing.
    expect(await send('bob', 'alice', 'three')).toMatchObject({ id: sent[2].id, seq: 3 });

    const positions = (await ds.query(
      `SELECT "uid", "read_seq", "delivered_seq" FROM "messaging"."member_positions"
       WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "uid"`,
      [appId, conversationId],
    )) as Array<{ uid: string; read_seq: string; delivered_seq: string }>;
    expect(positions.map((p) => [p.uid, Number(p.read_seq), Number(p.delivered_seq)])).toEqual([
      ['alice', 4, 4],
      ['bob', 3, 3],
    ]);
    // alice read up to 1 when she sent 4: what she passed over (2-3) is marked read and delivered.
    const marks = (await ds.query(
      `SELECT "uid", "kind", "from_seq", "to_seq" FROM "messaging"."receipt_marks"
       WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "uid", "kind"`,
      [appId, conversationId],
    )) as Array<{ uid: string; kind: string; from_seq: string; to_seq: string }>;
    expect(marks.map((r) => [r.uid, r.kind, Number(r.from_seq), Number(r.to_seq)])).toEqual([
      ['alice', 'delivered', 1, 3],
      ['alice', 'read', 1, 3],
      ['bob', 'delivered', 0, 1],
      ['bob', 'read', 0, 1],
    ]);
    const [conversation] = (await ds.query(
      `SELECT "last_seq", "last_message_id" FROM "messaging"."conversations"
       WHERE "app_id" = $1 AND "conversation_id" = $2`,
      [appId, conversationId],
    )) as Array<{ last_seq: string; last_message_id: string }>;
    expect([Number(conversation.last_seq), conversation.last_message_id]).toEqual([4, sent[3].id]);
  });

  it('writes the sends of one turn to different conversations in one statement, each as alone', async () => {
    // The conversations start (transactions), and bob has read nothing of them.
    const others = ['carol', 'dave', 'erin'];
    for (const uid of others) await send(uid, 'bob', 'first');
    const together = jest.spyOn(ctx.get(MessageRepository), 'appendToConversations');
    await eventually(async () => expect(events.messages).toHaveLength(7));
    const before = events.messages.length;

    const sent = await Promise.all(others.map((uid) => send('bob', uid, `reply to ${uid}`)));
    // This context serves the test NATS server's messaging requests for other apps too.
    const ours = together.mock.calls.filter(([, sends]) => sends.some((x) => x.m.appId === appId));
    expect(ours).toHaveLength(1);
    expect(ours[0][1]).toHaveLength(3);
    expect(sent.map((m) => [m.sender, m.receiver, m.seq])).toEqual(
      others.map((uid) => ['bob', uid, 2]),
    );
    await eventually(async () => expect(events.messages).toHaveLength(before + 3));
    const published = events.messages
      .slice(before)
      .map((e) => (e.data as { message: Message }).message);
    expect(published.sort((a, b) => a.receiver.localeCompare(b.receiver))).toEqual(sent);

    // bob passed over each first message: marked read and delivered, and his position moved.
    const marks = (await ds.query(
      `SELECT "conversation_id", "kind", "from_seq", "to_seq" FROM "messaging"."receipt_marks"
       WHERE "app_id" = $1 AND "uid" = 'bob' AND "conversation_id" <> $2
       ORDER BY "conversation_id", "kind"`,
      [appId, conversationId],
    )) as Array<{ conversation_id: string; kind: string; from_seq: string; to_seq: string }>;
    expect(
      marks.map((r) => [r.conversation_id, r.kind, Number(r.from_seq), Number(r.to_seq)]),
    ).toEqual(
      others.flatMap((uid) => [
        [userConversationId('bob', uid), 'delivered', 0, 1],
        [userConversationId('bob', uid), 'read', 0, 1],
      ]),
    );
    const positions = (await ds.query(
      `SELECT "conversation_id", "read_seq", "delivered_seq" FROM "messaging"."member_positions"
       WHERE "app_id" = $1 AND "uid" = 'bob' AND "conversation_id" <> $2 ORDER BY "conversation_id"`,
      [appId, conversationId],
    )) as Array<{ conversation_id: string; read_seq: string; delivered_seq: string }>;
    expect(
      positions.map((p) => [p.conversation_id, Number(p.read_seq), Number(p.delivered_seq)]),
    ).toEqual(others.map((uid) => [userConversationId('bob', uid), 2, 2]));

    // A retried muid among them fails the shared statement: each send is then made alone, and
    // only the retry is answered with what is stored, using no seq.
    together.mockClear();
    const again = await Promise.all([
      send('bob', 'carol', 'again to carol'),
      send('bob', 'dave', 'reply to dave'),
      send('bob', 'erin', 'again to erin'),
    ]);
    expect(together.mock.calls.map(([, sends]) => sends.length)).toEqual([3, 1, 1, 1]);
    expect(again.map((m) => [m.receiver, m.seq])).toEqual([
      ['carol', 3],
      ['dave', 2],
      ['erin', 3],
    ]);
    expect(again[1].id).toBe(sent[1].id);
    together.mockRestore();
  });
});
