import { Clock, Metrics, rootLogger } from '@parley/common';
import { RPC } from '@parley/contracts';
import { PresenceAnnouncer } from './presence-announcer';
import { PresenceMetrics } from './presence.metrics';

rootLogger().level = 'silent';

function setup(users: Array<{ uid: string; name: string; role: string }> | Error) {
  const published: Array<{ subject: string; frame: unknown }> = [];
  const durable: Array<{ subject: string; payload: Record<string, unknown>; id: string }> = [];
  const bus = {
    request: jest.fn(async (def: { subject: string }) => {
      expect(def.subject).toBe(RPC.users.userGetMany.subject);
      if (users instanceof Error) throw users;
      return { users: users.map((u) => ({ ...u, status: 'offline', createdAt: 1, tags: [] })) };
    }),
    publish: jest.fn((subject: string, frame: unknown) => published.push({ subject, frame })),
    publishDurable: jest.fn(
      async (subject: string, payload: Record<string, unknown>, id: string) => {
        durable.push({ subject, payload, id });
      },
    ),
  };
  const clock = { now: () => new Date(1_800_000_000_000), nowSeconds: () => 1_800_000_000 };
  const announcer = new PresenceAnnouncer(
    bus as never,
    clock as unknown as Clock,
    new PresenceMetrics(new Metrics()),
  );
  return { announcer, published, durable };
}

describe('PresenceAnnouncer', () => {
  it("publishes the frame under the user's role and the event on the app's presence subject", async () => {
    const { announcer, published, durable } = setup([{ uid: 'bob', name: 'Bob', role: 'vip' }]);
    await announcer.announce('app1', 'bob', 'online', 1_799_999_999);
    expect(published).toEqual([
      {
        subject: 'eph.presence.app1.vip.bob',
        frame: {
          appId: 'app1',
          type: 'presence',
          sender: 'bob',
          receiver: 'bob',
          receiverType: 'user',
          body: {
            action: 'online',
            user: expect.objectContaining({
              uid: 'bob',
              name: 'Bob',
              role: 'vip',
              status: 'available',
              lastActiveAt: 1_799_999_999,
            }),
            timestamp: 1_799_999_999,
          },
        },
      },
    ]);
    expect(durable).toEqual([
      {
        subject: 'evt.presence.app1.user.online',
        id: durable[0].payload.eventId,
        payload: {
          v: 1,
          eventId: expect.any(String),
          appId: 'app1',
          occurredAt: 1_800_000_000,
          uid: 'bob',
          at: 1_799_999_999,
        },
      },
    ]);
  });

  it('still announces, under the default role, when users does not answer', async () => {
    const { announcer, published, durable } = setup(new Error('timeout'));
    await announcer.announce('app1', 'bob', 'offline', 5);
    expect(published[0]).toMatchObject({
      subject: 'eph.presence.app1.default.bob',
      frame: { body: { action: 'offline', user: { uid: 'bob', status: 'offline' } } },
    });
    expect(durable[0].subject).toBe('evt.presence.app1.user.offline');
  });
});
