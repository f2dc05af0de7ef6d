import { INestApplicationContext } from '@nestjs/common';
import { Transactor } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { MessageRepository } from '../messages/message.repository';
import { MessageService } from '../messages/message.service';
import { ReceiptService } from '../receipts/receipt.service';
import { groupSnapshot, profile, textTo } from '../testing/message.factory';
import { ConversationService } from './conversation.service';

jest.setTimeout(120_000);

/**
 * Unread counts in a group of 10,000 members without a row per member: sends write one
 * message row and the sender's position only, yet every member's count is exact, from the
 * conversation's seq and the member's join; a member gets a position row only by acting.
 */
describe('group unread counts need no row per member', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  let conversations: ConversationService;
  let receipts: ReceiptService;
  const appId = uniqueAppId('grp-unread');
  const SIZE = 10_000;

  const rows = async (table: string) => {
    const [row] = (await ds.query(
      `SELECT count(*)::int AS n FROM "messaging"."${table}" WHERE "app_id" = $1`,
      [appId],
    )) as Array<{ n: number }>;
    return row.n;
  };
  const unreadOf = async (uid: string) => {
    const { items } = await conversations.unreadCounts({
      appId,
      viewer: uid,
      with: { kind: 'group', guid: 'big' },
      undelivered: false,
    });
    return items[0]?.count;
  };
  const send = (text: string) =>
    messages.send({
      appId,
      sender: 'm1',
      message: textTo('big', { receiverType: 'group', text }),
    });

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    conversations = ctx.get(ConversationService);
    receipts = ctx.get(ReceiptService);
    const directory = ctx.get(DirectoryRepository);
    await directory.learnUsers(appId, [profile('m1'), profile('m2'), profile('m9999')]);
    await directory.applyGroup(appId, groupSnapshot('big', { membersCount: SIZE }), 1, {
      created: true,
    });
    await ds.query(
      `INSERT INTO "messaging"."group_members" ("app_id", "guid", "uid", "state", "scope", "version")
       SELECT $1, 'big', 'm' || i, 'member', 'participant', 1 FROM generate_series(1, $2::int) i`,
      [appId, SIZE],
    );
  });

  afterAll(async () => {
    for (const table of [
      'messages',
      'conversations',
      'member_positions',
      'receipt_marks',
      'group_members',
      'users',
      'groups',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  it('counts every member exactly while storing one row per message', async () => {
    for (const text of ['one', 'two', 'three']) await send(text);
    expect(await rows('messages')).toBe(3);
    expect(await rows('member_positions')).toBe(1); // the sender's

    expect(await unreadOf('m1')).toBe(0); // own messages never count
    expect(await unreadOf('m2')).toBe(3);
    expect(await unreadOf('m9999')).toBe(3);

    // m2 reads up to the second message: one position row more, m2 alone changes.
    const [, second] = (
      await ds.query(`SELECT "id" FROM "messaging"."messages" WHERE "app_id" = $1 ORDER BY "seq"`, [
        appId,
      ])
    ).map((r: { id: string }) => r.id);
    await receipts.mark({
      appId,
      viewer: 'm2',
      with: { kind: 'group', guid: 'big' },
      kind: 'read',
      messageId: second,
    });
    expect(await rows('member_positions')).toBe(2);
    expect(await unreadOf('m2')).toBe(1);
    expect(await unreadOf('m9999')).toBe(3);

    // Action messages (a membership change, an edit, a delete) are never unread: stored like any
    // message (next seq, one insert), they leave every count as it is.
    await ctx.get(Transactor).run(async (tx) => {
      const repo = ctx.get(MessageRepository);
      const now = new Date();
      const { seq } = await repo.takeSeq(tx, appId, 'group_big', 'group', now);
      await repo.insert(tx, {
        appId,
        conversationId: 'group_big',
        seq,
        muid: null,
        sender: 'm1',
        receiver: 'big',
        receiverType: 'group',
        category: 'action',
        type: 'groupMember',
        data: { action: 'joined' },
        tags: [],
        parentId: null,
        quotedMessageId: null,
        sentAt: now,
      });
    });
    expect(await unreadOf('m2')).toBe(1);
    expect(await unreadOf('m9999')).toBe(3);

    // A member who joins now has read everything before their join.
    const later = Math.ceil(Date.now() / 1000) + 1;
    await ctx
      .get(DirectoryRepository)
      .applyMember(appId, 'big', 'late', 'member', 'participant', 2, later);
    expect(await unreadOf('late')).toBe(0);
    await send('four');
    expect(await unreadOf('late')).toBe(1);
    expect(await unreadOf('m9999')).toBe(4);
    expect(await rows('member_positions')).toBe(2);

    // A member the model learns of late (from the groups service, before its event) has read
    // only what was sent before they joined, not what was sent until the model heard of them.
    const directory = ctx.get(DirectoryRepository);
    await directory.learnMember(appId, 'big', 'early', 'member', 'participant', 1);
    expect(await unreadOf('early')).toBe(await unreadOf('m9999'));
    await directory.learnMember(appId, 'big', 'recent', 'member', 'participant', later);
    expect(await unreadOf('recent')).toBe(0);
  });
});
