import { INestApplicationContext } from '@nestjs/common';
import { startServiceContext, uniqueAppId } from '@parley/common/testing';
import { EVENTS } from '@parley/contracts';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { messagingModule } from '../app.module';
import { DirectoryRepository } from '../directory/directory.repository';
import { groupSnapshot, profile } from '../testing/message.factory';
import { MembershipActions } from './membership-actions';

jest.setTimeout(120_000);

/**
 * "Exactly one action message per event" on real PostgreSQL: the groups' stream delivers at least
 * once, so the same event may arrive again (a redelivery after a lost ack) or twice at once (two
 * replicas of the consumer); each time, the conversation must hold one message for it, with no
 * gap in its seqs.
 */
describe('membership action messages are written once per event', () => {
  let ctx: INestApplicationContext;
  let ds: DataSource;
  let actions: MembershipActions;
  const appId = uniqueAppId('actions');

  beforeAll(async () => {
    ctx = await startServiceContext(messagingModule({ http: false, consumers: false }));
    ds = ctx.get(DataSource);
    actions = ctx.get(MembershipActions);
    await ctx.get(DirectoryRepository).learnUsers(
      appId,
      ['owner', 'ann', ...Array.from({ length: 10 }, (_, i) => `u${i}`)].map((u) => profile(u)),
    );
  });

  afterAll(async () => {
    for (const table of ['messages', 'conversations', 'users']) {
      await ds?.query(`DELETE FROM "messaging"."${table}" WHERE "app_id" = $1`, [appId]);
    }
    await ctx?.close();
  });

  const added = (guid: string, uid: string, extra: object = {}) => ({
    v: 1,
    eventId: randomUUID(),
    appId,
    occurredAt: 1_800_000_000,
    guid,
    group: groupSnapshot(guid, { createdAt: 1_700_000_000 }),
    actor: 'owner',
    uid,
    scope: 'participant',
    joinedAt: 1_800_000_000,
    ...extra,
  });
  const subject = EVENTS.groups.memberAdded.subject(appId);

  const stored = async (guid: string) =>
    (await ds.query(
      `SELECT "seq", "sender", "category", "type", "data", "source_event_id" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "conversation_id" = $2 ORDER BY "seq"`,
      [appId, `group_${guid}`],
    )) as Array<{ seq: string; sender: string; data: Record<string, unknown> }>;

  it('stores one message for an event delivered again', async () => {
    const event = added('redelivered', 'ann');
    await actions.apply(subject, event);
    await actions.apply(subject, event);
    const rows = await stored('redelivered');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      seq: '1',
      sender: 'owner',
      category: 'action',
      type: 'groupMember',
      source_event_id: event.eventId,
      data: {
        action: 'added',
        entities: {
          by: { entityType: 'user', entity: { uid: 'owner', name: 'Name owner' } },
          on: { entityType: 'user', entity: { uid: 'ann', name: 'Name ann' } },
          for: { entityType: 'group', entity: { guid: 'redelivered' } },
        },
      },
    });
  });

  it('stores one message for an event delivered to two consumers at once, with no seq gap', async () => {
    const events = Array.from({ length: 10 }, (_, i) => added('raced', `u${i}`));
    // Each event twice, all at the same moment.
    await Promise.all(
      events.flatMap((e) => [actions.apply(subject, e), actions.apply(subject, e)]),
    );
    const rows = await stored('raced');
    expect(rows.map((r) => Number(r.seq))).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(new Set(rows.map((r) => JSON.stringify(r.data))).size).toBe(10);
  });

  it('stores nothing for an imported membership or the owner staged with a new group', async () => {
    await actions.apply(subject, added('quiet', 'ann', { imported: true }));
    await actions.apply(
      subject,
      added('quiet', 'owner', { scope: 'admin', joinedAt: 1_700_000_000 }),
    );
    expect(await stored('quiet')).toEqual([]);
  });
});
