import { randomUUID } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { MessageBus } from '@parley/common';
import { eventually, startServiceContext, uniqueAppId } from '@parley/common/testing';
import { EVENTS, RPC } from '@parley/contracts';
import { usersModule } from '../app.module';

jest.setTimeout(60_000);

/** The users service keeps `lastActiveAt` from presence's events (users service on real PG/NATS). */
describe('lastActiveAt from presence events', () => {
  let ctx: INestApplicationContext;
  let bus: MessageBus;
  const appId = uniqueAppId();

  beforeAll(async () => {
    ctx = await startServiceContext(usersModule({ http: false }));
    bus = ctx.get(MessageBus);
    await bus.request(RPC.users.userCreate, { appId, uid: 'alice', name: 'Alice' });
  });
  afterAll(async () => {
    await ctx?.close();
  });

  const publish = async (def: typeof EVENTS.presence.userOnline, at: number) => {
    const eventId = randomUUID();
    await bus.publishDurable(
      def.subject(appId),
      { v: 1, eventId, appId, occurredAt: at, uid: 'alice', at },
      eventId,
    );
  };
  // No presence service runs here, so reads show what the users service stored.
  const stored = async () =>
    (await bus.request(RPC.users.userGet, { appId, uid: 'alice' })).lastActiveAt;

  it('moves lastActiveAt forward with online and offline, never back', async () => {
    await publish(EVENTS.presence.userOnline, 1_800_000_000);
    await eventually(async () => expect(await stored()).toBe(1_800_000_000));
    await publish(EVENTS.presence.userOffline, 1_800_000_100);
    await publish(EVENTS.presence.userOnline, 1_700_000_000); // late
    await publish(EVENTS.presence.userOffline, 1_800_000_200);
    await eventually(async () => expect(await stored()).toBe(1_800_000_200));
  });
});
