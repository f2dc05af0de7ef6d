import { INestApplicationContext } from '@nestjs/common';
import { DomainError } from '@parley/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { MessageService } from '../messages/message.service';
import { profile, textTo } from '../testing/message.factory';
import { MessageLifecycleService } from './message-lifecycle.service';

jest.setTimeout(120_000);

/**
 * Edits and deletes under concurrency, on real PostgreSQL: a message edited many times at once while
 * replies to it are sent (each takes the conversation's lock and then the parent's row, as an edit
 * does) never deadlocks, keeps the conversation's seqs gap-free and numbers its revisions 0..n.
 */
describe('concurrent edits, replies and deletes of one message', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let messages: MessageService;
  let lifecycle: MessageLifecycleService;
  const appId = uniqueAppId('lifecycle');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    messages = ctx.get(MessageService);
    lifecycle = ctx.get(MessageLifecycleService);
    await ctx.get(DirectoryRepository).learnUsers(appId, [profile('alice'), profile('bob')]);
    // The users' role lets them message anyone (no friendship look-up).
    await ctx.get(DirectoryRepository).applyRole(appId, 'default', 'all', 1);
  });

  afterAll(async () => {
    for (const table of [
      'messages',
      'message_revisions',
      'conversations',
      'member_positions',
      'users',
      'roles',
    ]) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  const edit = (id: string, text: string) =>
    lifecycle.edit({ appId, actor: 'alice', id, edit: { data: { text } } });

  it('edits while replies arrive: every edit and reply stored, seqs 1..n, revisions 0..n', async () => {
    const parent = await messages.send({ appId, sender: 'alice', message: textTo('bob') });
    const n = 10;
    const results = await Promise.all([
      ...Array.from({ length: n }, (_, i) => edit(parent.id, `edit ${i}`)),
      ...Array.from({ length: n }, (_, i) =>
        messages.send({
          appId,
          sender: 'bob',
          message: textTo('alice', { text: `reply ${i}`, parentId: parent.id }),
        }),
      ),
    ]);
    const seqs = results.map((m) => m.seq).sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 2 * n }, (_, i) => i + 2));
    const { revisions } = await lifecycle.history(appId, 'bob', parent.id);
    expect(revisions.map((r) => r.revision)).toEqual(Array.from({ length: n + 1 }, (_, i) => i));
    // The message holds the last revision's text, and counts every reply.
    const [row] = (await ds.query(
      `SELECT "data", "reply_count" FROM "messaging"."messages" WHERE "app_id" = $1 AND "id" = $2`,
      [appId, parent.id],
    )) as Array<{ data: { text: string }; reply_count: number }>;
    expect(row.data.text).toBe(revisions[n].data.text);
    expect(row.reply_count).toBe(n);
  });

  it('lets the first of racing deletes win; the others find it deleted', async () => {
    const m = await messages.send({ appId, sender: 'alice', message: textTo('bob') });
    const outcomes = await Promise.allSettled([
      lifecycle.delete({ appId, actor: 'alice', id: m.id, permanent: false }),
      lifecycle.delete({ appId, actor: 'alice', id: m.id, permanent: false }),
      edit(m.id, 'too late?'),
    ]);
    const deleted = outcomes.filter(
      (o) => o.status === 'fulfilled' && o.value.data.action === 'deleted',
    );
    expect(deleted).toHaveLength(1);
    for (const o of outcomes) {
      if (o.status === 'rejected') {
        expect(o.reason).toBeInstanceOf(DomainError);
        expect((o.reason as DomainError).code).toBe('ERR_MESSAGE_ID_NOT_FOUND');
      }
    }
  });
});
