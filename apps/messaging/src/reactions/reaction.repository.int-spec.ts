import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { InteractionRepository } from '../interactions/interaction.repository';
import { T0 } from '../testing/message.factory';
import { ReactionRepository } from './reaction.repository';

jest.setTimeout(60_000);

/** Reactions and interactions live and die with their message, and keep its reaction count. */
describe('ReactionRepository (PostgreSQL)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let reactions: ReactionRepository;
  let interactions: InteractionRepository;
  const appId = uniqueAppId('reactions');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    reactions = ctx.get(ReactionRepository);
    interactions = ctx.get(InteractionRepository);
  });

  afterAll(async () => {
    await ds?.query(`DELETE FROM "messaging"."messages" WHERE "app_id" = $1`, [appId]);
    await ctx?.close();
  });

  async function message(seq: number): Promise<string> {
    const [row] = (await ds.query(
      `INSERT INTO "messaging"."messages"
         ("app_id", "conversation_id", "seq", "sender", "receiver", "receiver_type", "category",
          "type", "data", "sent_at", "updated_at")
       VALUES ($1, 'a_user_b', $2, 'a', 'b', 'user', 'interactive', 'form', '{}', $3, $3)
       RETURNING "id"`,
      [appId, seq, T0],
    )) as Array<{ id: string }>;
    return row.id;
  }
  const countOf = async (id: string) =>
    (
      (await ds.query(
        `SELECT "reaction_count" FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2`,
        [appId, id],
      )) as Array<{ reaction_count: number }>
    )[0].reaction_count;

  it('counts reactions on the message, once per user and reaction', async () => {
    const id = await message(1);
    const later = new Date(T0.getTime() + 5000);
    await ds.transaction(async (tx) => {
      expect(await reactions.add(tx, appId, id, '👍', 'a', later)).not.toBeNull();
      expect(await reactions.add(tx, appId, id, '👍', 'a', later)).toBeNull();
      expect(await reactions.add(tx, appId, id, '👍', 'b', later)).not.toBeNull();
      expect(await reactions.remove(tx, appId, id, '🎉', 'a', later)).toBeNull();
    });
    expect(await countOf(id)).toBe(2);
    expect(await reactions.counts(appId, [id], 'b')).toEqual([
      { message_id: id, reaction: '👍', count: 2, reacted_by_viewer: true },
    ]);
    await ds.transaction((tx) => reactions.remove(tx, appId, id, '👍', 'a', later));
    expect(await countOf(id)).toBe(1);
  });

  it("erases a message's reactions and interactions with it", async () => {
    const id = await message(2);
    await ds.transaction(async (tx) => {
      await reactions.add(tx, appId, id, '👍', 'a', T0);
      await interactions.record(tx, appId, id, 'b', ['submit'], T0);
    });
    expect(await interactions.of(appId, [id], undefined)).toHaveLength(1);
    await ds.query(`DELETE FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2`, [
      appId,
      id,
    ]);
    expect(await reactions.counts(appId, [id], undefined)).toEqual([]);
    expect(await interactions.of(appId, [id], undefined)).toEqual([]);
  });
});
