import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { Message, userConversationId } from '@parley/contracts';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { profile, textTo } from '../testing/message.factory';
import { ConversationService } from '../conversations/conversation.service';
import { MessageService } from './message.service';

jest.setTimeout(180_000);

/**
 * The ordering promises (ARCHITECTURE.md §5) under concurrency, on real PostgreSQL: any number of
 * sends into one conversation, all at once, each retried with its muid any number of times at the
 * same moment, leave seqs exactly 1..n, each muid stored once, every retry answered with the same
 * id and seq, ids in seq order, the sender's read position at n, and unread counts exact: n for
 * the receiver, none for the sender.
 */
describe('concurrent sends into one conversation (property)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  const appId = uniqueAppId('msg-order');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    await ctx.get(DirectoryRepository).learnUsers(appId, [profile('alice')]);
    // The users' role lets them message anyone (no friendship look-up).
    await ctx.get(DirectoryRepository).applyRole(appId, 'default', 'all', 1);
  });

  afterAll(async () => {
    for (const table of ['messages', 'conversations', 'member_positions', 'users', 'roles']) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  let run = 0;

  it('gives seqs 1..n with no gap or duplicate, and stores each muid once', async () => {
    const sends = fc.array(
      fc.record({
        // Some sends carry no muid: they are never deduplicated.
        muid: fc.option(fc.stringMatching(/^[a-z0-9-]{1,12}$/), { nil: undefined, freq: 5 }),
        tries: fc.integer({ min: 1, max: 4 }),
      }),
      { minLength: 1, maxLength: 25 },
    );
    await fc.assert(
      fc.asyncProperty(sends, async (planned) => {
        run += 1;
        const receiver = `bob${run}`;
        await ctx.get(DirectoryRepository).learnUsers(appId, [profile(receiver)]);
        // A muid planned twice is one message tried more often.
        const byMuid = new Map<string, number>();
        const plain: number[] = [];
        for (const { muid, tries } of planned) {
          if (muid === undefined) plain.push(tries);
          // muids are the sender's: each run uses its own.
          else byMuid.set(`${run}-${muid}`, (byMuid.get(`${run}-${muid}`) ?? 0) + tries);
        }
        const send = (muid?: string) =>
          messages.send({ appId, sender: 'alice', message: textTo(receiver, { muid }) });
        const retried = [...byMuid].map(([muid, tries]) =>
          Promise.all(Array.from({ length: tries }, () => send(muid))),
        );
        const single = plain.map(() => send());
        const [answers, singles] = await Promise.all([Promise.all(retried), Promise.all(single)]);

        // Every try of a muid got the one stored message.
        for (const tries of answers) {
          expect(new Set(tries.map((m: Message) => `${m.id}/${m.seq}`)).size).toBe(1);
        }
        const n = byMuid.size + singles.length;
        const stored = (await ds.query(
          `SELECT "id", "seq", "muid" FROM "messaging"."messages"
           WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "seq"`,
          [appId, userConversationId('alice', receiver)],
        )) as Array<{ id: string; seq: string; muid: string | null }>;
        expect(stored.map((r) => Number(r.seq))).toEqual(
          Array.from({ length: n }, (_, i) => i + 1),
        );
        const muids = stored.flatMap((r) => (r.muid === null ? [] : [r.muid]));
        expect(muids.sort()).toEqual([...byMuid.keys()].sort());
        // The answers are what is stored.
        const answered = [...answers.map((tries) => tries[0]), ...singles];
        expect(answered.map((m) => `${m.seq}:${m.id}`).sort()).toEqual(
          stored.map((r) => `${r.seq}:${r.id}`).sort(),
        );
        // Ids follow seqs within the conversation.
        const ids = stored.map((r) => BigInt(r.id));
        expect(ids.every((id, i) => i === 0 || id > ids[i - 1])).toBe(true);

        const [conversation] = (await ds.query(
          `SELECT "last_seq", "last_message_id" FROM "messaging"."conversations"
           WHERE "app_id" = $1 AND "conversation_id" = $2`,
          [appId, userConversationId('alice', receiver)],
        )) as Array<{ last_seq: string; last_message_id: string }>;
        expect(Number(conversation.last_seq)).toBe(n);
        expect(conversation.last_message_id).toBe(stored[n - 1].id);
        const positions = (await ds.query(
          `SELECT "uid", "read_seq" FROM "messaging"."member_positions"
           WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "uid"`,
          [appId, userConversationId('alice', receiver)],
        )) as Array<{ uid: string; read_seq: string }>;
        expect(positions.map((p) => [p.uid, Number(p.read_seq)])).toEqual([
          ['alice', n],
          [receiver, 0],
        ]);
        const unread = (viewer: string, uid: string) =>
          ctx
            .get(ConversationService)
            .unreadCounts({ appId, viewer, with: { kind: 'user', uid }, undelivered: false })
            .then((r) => r.items.reduce((sum, i) => sum + i.count, 0));
        expect(await unread(receiver, 'alice')).toBe(n);
        expect(await unread('alice', receiver)).toBe(0);
      }),
      { numRuns: 25 },
    );
  });
});
