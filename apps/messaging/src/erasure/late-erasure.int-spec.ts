import { INestApplicationContext } from '@nestjs/common';
import { Clock, Transactor, UserDataEraser } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { MessageService } from '../messages/message.service';
import { ReactionService } from '../reactions/reaction.service';
import { ReceiptService } from '../receipts/receipt.service';
import { profile, textTo } from '../testing/message.factory';

jest.setTimeout(120_000);

/**
 * A permanent delete frees the uid: an erasure applied late (or replayed) erases from messaging
 * only what the deleted user had before the delete, and leaves what a new user of the same uid
 * made since, on real PostgreSQL.
 */
describe('a late user erasure in messaging', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let now: Date;
  const appId = uniqueAppId('erase-late');
  const BEFORE_DELETE = new Date('2026-01-01T10:00:00Z');
  /** The end of the second of the delete, as the erasure gets it. */
  const DELETED = new Date('2026-01-01T11:00:01Z');
  /** The delete's sequence in EVT_USERS. */
  const POSITION = 10;
  const AFTER_DELETE = new Date('2026-01-01T12:00:00Z');

  const rows = <T>(sql: string): Promise<T[]> => ds.query(sql, [appId]) as Promise<T[]>;

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    const clock = ctx.get(Clock);
    jest.spyOn(clock, 'now').mockImplementation(() => now);
    jest.spyOn(clock, 'nowSeconds').mockImplementation(() => Math.floor(now.getTime() / 1000));
    const directory = ctx.get(DirectoryRepository);
    await directory.learnUsers(
      appId,
      ['ann', 'bob', 'carol', 'dan'].map((uid) => profile(uid)),
    );
    await directory.applyRole(appId, 'default', 'all', 1);
  });

  afterAll(async () => {
    for (const table of [
      'reactions',
      'receipt_marks',
      'messages',
      'conversations',
      'member_positions',
      'blocks',
      'users',
      'roles',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  it("erases the deleted user's messages, reactions, receipts and blocks, not the new user's", async () => {
    const messages = ctx.get(MessageService);
    const reactions = ctx.get(ReactionService);
    const receipts = ctx.get(ReceiptService);
    const directory = ctx.get(DirectoryRepository);
    const send = (sender: string, receiver: string, text: string) =>
      messages.send({ appId, sender, message: textTo(receiver, { text }) });
    const readAll = (viewer: string, uid: string) =>
      receipts.mark({ appId, viewer, with: { kind: 'user', uid }, kind: 'read' });

    // The user deleted later.
    now = BEFORE_DELETE;
    await send('ann', 'bob', 'old secret');
    await send('ann', 'carol', 'old note');
    const oldToAnn = await send('bob', 'ann', 'old hi <@uid:ann>');
    await reactions.add({ appId, uid: 'ann', messageId: oldToAnn.id, reaction: '👍' });
    await readAll('ann', 'bob');
    await directory.applyBlock(appId, 'ann', 'carol', true, POSITION - 5);

    // A new user of the same uid, after the delete.
    now = AFTER_DELETE;
    const newToAnn = await send('bob', 'ann', 'new hi <@uid:ann>');
    await send('ann', 'bob', 'new hello');
    await reactions.add({ appId, uid: 'ann', messageId: newToAnn.id, reaction: '👍' });
    await readAll('ann', 'bob');
    await directory.applyBlock(appId, 'ann', 'dan', true, POSITION + 5);

    // Then the erasure of the delete runs, late.
    const eraser = ctx.get(UserDataEraser);
    const erase = () =>
      ctx.get(Transactor).run((tx) => eraser.erase(tx, appId, 'ann', DELETED, POSITION));
    await expect(erase()).resolves.toMatchObject({ messages: 2, reactions: 1, blocks: 1 });
    await erase(); // applied again, it changes nothing more

    const sent = await rows<{ receiver: string; text: string | null; mentioned: string[] }>(
      `SELECT "receiver", "data"->>'text' AS "text", "mentioned_uids" AS "mentioned"
       FROM "messaging"."messages" WHERE "app_id" = $1 ORDER BY "id"`,
    );
    expect(sent).toEqual([
      { receiver: 'bob', text: null, mentioned: [] },
      { receiver: 'carol', text: null, mentioned: [] },
      { receiver: 'ann', text: 'old hi <@uid:ann>', mentioned: [] },
      { receiver: 'ann', text: 'new hi <@uid:ann>', mentioned: ['ann'] },
      { receiver: 'bob', text: 'new hello', mentioned: [] },
    ]);
    const reacted = await rows<{ id: string; count: number }>(
      `SELECT r."message_id" AS "id", m."reaction_count" AS "count" FROM "messaging"."reactions" r
       JOIN "messaging"."messages" m ON m."app_id" = r."app_id" AND m."id" = r."message_id"
       WHERE r."app_id" = $1 AND r."uid" = 'ann'`,
    );
    expect(reacted).toEqual([{ id: newToAnn.id, count: 1 }]);
    const [{ count: oldCount }] = await rows<{ count: number }>(
      `SELECT "reaction_count" AS "count" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "id" = ${Number(oldToAnn.id)}`,
    );
    expect(oldCount).toBe(0);
    // The new user's receipt and their position in the conversation they went on with stay; the
    // deleted user's in the one only they had (with carol) and their older receipt go.
    const marks = await rows<{ kind: string; at: Date }>(
      `SELECT "kind", "marked_at" AS "at" FROM "messaging"."receipt_marks"
       WHERE "app_id" = $1 AND "uid" = 'ann' ORDER BY "kind"`,
    );
    expect(marks).toEqual([
      { kind: 'delivered', at: AFTER_DELETE },
      { kind: 'read', at: AFTER_DELETE },
    ]);
    const positions = await rows<{ conversation: string }>(
      `SELECT "conversation_id" AS "conversation" FROM "messaging"."member_positions"
       WHERE "app_id" = $1 AND "uid" = 'ann'`,
    );
    expect(positions).toHaveLength(1);
    expect(positions[0].conversation).toContain('bob');
    const blocks = await rows<{ blocked: string }>(
      `SELECT "blocked" FROM "messaging"."blocks" WHERE "app_id" = $1 AND "blocker" = 'ann'`,
    );
    expect(blocks).toEqual([{ blocked: 'dan' }]);
  });
});
