import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { groupConversationId, userConversationId } from '@parley/contracts';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { MessageImportService } from '../data-import/message-import.service';
import { DirectoryRepository } from '../directory/directory.repository';
import { groupSnapshot, profile, textTo } from '../testing/message.factory';
import { MessageService } from './message.service';

jest.setTimeout(240_000);

/**
 * The ordering promises (ARCHITECTURE.md §5) for the ways one request writes more than one
 * message or writes into a thread, on real PostgreSQL, under concurrency with retries: thread
 * replies, sends to many receivers, and imports of one batch running twice at once. Each leaves
 * every conversation's seqs exactly 1..n, each muid stored once, and the counts exact.
 */
describe('threads, many receivers and imports under concurrency (property)', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  let imports: MessageImportService;
  const appId = uniqueAppId('msg-fanout');
  const USERS = ['u1', 'u2', 'u3', 'u4'];
  const GROUPS = ['g1', 'g2'];

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    imports = ctx.get(MessageImportService);
    const directory = ctx.get(DirectoryRepository);
    await directory.learnUsers(
      appId,
      ['alice', ...USERS].map((uid) => profile(uid)),
    );
    await directory.applyRole(appId, 'default', 'all', 1);
    for (const guid of GROUPS) {
      await directory.applyGroup(appId, groupSnapshot(guid), 1, { created: true });
      await directory.applyMember(appId, guid, 'alice', 'member', 'participant', 2);
    }
  });

  afterAll(async () => {
    for (const table of [
      'messages',
      'conversations',
      'member_positions',
      'users',
      'roles',
      'groups',
      'group_members',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  /** A conversation's stored messages in seq order. */
  const conversation = async (conversationId: string) =>
    (await ds.query(
      `SELECT "id", "seq", "muid", "parent_id", "reply_count", "sent_at"
       FROM "messaging"."messages" WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "seq"`,
      [appId, conversationId],
    )) as Array<{
      id: string;
      seq: string;
      muid: string | null;
      parent_id: string | null;
      reply_count: number;
      sent_at: Date;
    }>;
  const seqs = (rows: Array<{ seq: string }>) => rows.map((r) => Number(r.seq));
  const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
  const tries = fc.integer({ min: 1, max: 3 });

  let run = 0;

  it('counts every distinct thread reply once, seqs gap-free, retries stored once', async () => {
    const plan = fc.array(fc.record({ reply: fc.boolean(), tries }), {
      minLength: 1,
      maxLength: 20,
    });
    await fc.assert(
      fc.asyncProperty(plan, async (planned) => {
        run += 1;
        const receiver = USERS[run % USERS.length];
        const conversationId = userConversationId('alice', receiver);
        const before = (await conversation(conversationId)).length;
        const parent = await messages.send({
          appId,
          sender: 'alice',
          message: textTo(receiver, { muid: `p-${run}` }),
        });
        const send = (i: number, reply: boolean) =>
          messages.send({
            appId,
            sender: 'alice',
            message: textTo(receiver, {
              muid: `t-${run}-${i}`,
              ...(reply ? { parentId: parent.id } : {}),
            }),
          });
        await Promise.all(
          planned.flatMap(({ reply, tries: n }, i) =>
            Array.from({ length: n }, () => send(i, reply)),
          ),
        );
        const rows = await conversation(conversationId);
        expect(seqs(rows)).toEqual(oneTo(before + 1 + planned.length));
        const mine = rows.filter((r) => r.muid?.startsWith(`t-${run}-`));
        expect(mine).toHaveLength(planned.length);
        const replies = planned.filter((p) => p.reply).length;
        expect(mine.filter((r) => r.parent_id === parent.id)).toHaveLength(replies);
        expect(rows.find((r) => r.id === parent.id)?.reply_count).toBe(replies);
      }),
      { numRuns: 15 },
    );
  });

  it('gives each receiver of a send to many its own message, once, in a gap-free conversation', async () => {
    const plan = fc.array(
      fc.record({
        uids: fc.subarray(USERS),
        guids: fc.subarray(GROUPS),
        tries,
      }),
      { minLength: 1, maxLength: 8 },
    );
    await fc.assert(
      fc.asyncProperty(plan, async (planned) => {
        run += 1;
        const conversations = [
          ...USERS.map((u) => userConversationId('alice', u)),
          ...GROUPS.map(groupConversationId),
        ];
        const counts = new Map<string, number>();
        for (const id of conversations) counts.set(id, (await conversation(id)).length);
        const sends = planned.flatMap(({ uids, guids, tries: n }, i) =>
          uids.length + guids.length === 0
            ? []
            : Array.from({ length: n }, () =>
                messages.sendMany({
                  appId,
                  sender: 'alice',
                  message: textTo('ignored', {
                    receiver: undefined,
                    muid: `many-${run}-${i}`,
                    multipleReceivers: { uids, guids },
                  }),
                }),
              ),
        );
        const results = await Promise.all(sends);
        for (const r of results) {
          for (const item of [...Object.values(r.uids), ...Object.values(r.guids)]) {
            expect(item.success).toBe(true);
          }
        }
        for (const { uids, guids } of planned) {
          for (const u of uids) {
            const id = userConversationId('alice', u);
            counts.set(id, (counts.get(id) ?? 0) + 1);
          }
          for (const g of guids) {
            const id = groupConversationId(g);
            counts.set(id, (counts.get(id) ?? 0) + 1);
          }
        }
        for (const id of conversations) {
          const rows = await conversation(id);
          expect(seqs(rows)).toEqual(oneTo(counts.get(id) ?? 0));
          const muids = rows.flatMap((r) => (r.muid?.startsWith(`many-${run}-`) ? [r.muid] : []));
          expect(new Set(muids).size).toBe(muids.length);
        }
      }),
      { numRuns: 15 },
    );
  });

  it('imports a batch in sentAt order, once, even when it is imported twice at once', async () => {
    const plan = fc.uniqueArray(
      fc.record({
        muid: fc.stringMatching(/^[a-z0-9]{1,8}$/),
        sentAt: fc.integer({ min: 1_500_000_000, max: 1_500_000_050 }),
      }),
      { minLength: 1, maxLength: 15, selector: (i) => i.muid },
    );
    await fc.assert(
      fc.asyncProperty(plan, async (planned) => {
        run += 1;
        const receiver = `imp${run}`;
        await ctx.get(DirectoryRepository).learnUsers(appId, [profile(receiver)]);
        const batch = planned.map(({ muid, sentAt }) => ({
          muid: `${run}-${muid}`,
          sender: 'alice',
          receiverType: 'user',
          receiver,
          category: 'message',
          type: 'text',
          data: { text: muid },
          sentAt,
        }));
        const [a, b] = await Promise.all([
          imports.import(appId, batch),
          imports.import(appId, [...batch].reverse()),
        ]);
        expect(b).toEqual(a);
        const rows = await conversation(userConversationId('alice', receiver));
        expect(seqs(rows)).toEqual(oneTo(batch.length));
        const expected = [...batch]
          .sort((x, y) => x.sentAt - y.sentAt || (x.muid < y.muid ? -1 : 1))
          .map((m) => m.muid);
        expect(rows.map((r) => r.muid)).toEqual(expected);
        expect(rows.map((r) => r.sent_at.getTime() / 1000)).toEqual(
          [...batch].map((m) => m.sentAt).sort((x, y) => x - y),
        );
      }),
      { numRuns: 15 },
    );
  });
});
