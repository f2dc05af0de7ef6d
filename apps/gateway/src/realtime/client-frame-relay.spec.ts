import { rootLogger } from '@parley/common';
import { ClientFrameRelay } from './client-frame-relay';
import { ConnectionRegistry } from './connection-registry';
import { fakeClock, FakeConnection, TEST_LIMITS } from './testing/realtime.fakes';
import { UserCards } from './user-cards';

rootLogger().level = 'silent';

function setup(memberOf: string[] = []) {
  const published: Array<{ subject: string; frame: unknown }> = [];
  const bus = {
    publish: jest.fn((subject: string, frame: unknown) => published.push({ subject, frame })),
    request: jest.fn(async () => ({ to: ['bob'] })),
  };
  const registry = {
    isMember: jest.fn((_appId: string, _uid: string, guid: string) => memberOf.includes(guid)),
  };
  const cards = {
    of: jest.fn(async (_appId: string, uid: string) => ({ uid, name: `User ${uid}` })),
  };
  const { clock, advance } = fakeClock();
  const relay = new ClientFrameRelay(
    bus as never,
    registry as unknown as ConnectionRegistry,
    cards as unknown as UserCards,
    clock,
    TEST_LIMITS,
  );
  const alice = new FakeConnection('app1', 'alice', 'alice-session');
  return { relay, published, alice, cards, advance, bus };
}

/** The SDK's typing frame (it writes its own sender and session; the gateway's win). */
const typing = (over: Record<string, unknown> = {}) => ({
  appId: 'app1',
  deviceId: 'forged',
  type: 'typing_indicator',
  sender: 'mallory',
  receiver: 'Bob',
  receiverType: 'user',
  body: { action: 'started', metadata: { x: 1 } },
  ...over,
});

describe('ClientFrameRelay', () => {
  it('relays typing to the other user with the sender, its session and its user object', async () => {
    const { relay, published, alice } = setup();
    await relay.relay(alice, typing());
    expect(published).toEqual([
      {
        subject: 'deliver.app1.u.bob',
        frame: {
          appId: 'app1',
          type: 'typing_indicator',
          sender: 'alice',
          receiver: 'bob',
          receiverType: 'user',
          deviceId: 'alice-session',
          body: {
            action: 'started',
            user: { uid: 'alice', name: 'User alice' },
            metadata: { x: 1 },
          },
        },
      },
    ]);
  });

  it('relays to a group only when the sender is a member, as the gateway knows', async () => {
    const { relay, published, alice } = setup(['g1']);
    await relay.relay(alice, typing({ receiver: 'g1', receiverType: 'group' }));
    await relay.relay(alice, typing({ receiver: 'g2', receiverType: 'group' }));
    expect(published.map((p) => p.subject)).toEqual(['deliver.app1.g.g1']);
  });

  it('relays a transient message with its data', async () => {
    const { relay, published, alice } = setup();
    await relay.relay(alice, {
      type: 'transient_message',
      receiver: 'bob',
      receiverType: 'user',
      body: { data: { emoji: 'wave' } },
    });
    expect(published[0]).toMatchObject({
      subject: 'deliver.app1.u.bob',
      frame: {
        type: 'transient_message',
        sender: 'alice',
        body: { data: { emoji: 'wave' }, user: { uid: 'alice' } },
      },
    });
  });

  it.each([
    ['an unknown typing action', typing({ body: { action: 'thinking' } })],
    ['no receiver', typing({ receiver: undefined })],
    ['a receiver that is no id', typing({ receiver: 'bob.*' })],
    ['an unknown receiver type', typing({ receiverType: 'channel' })],
  ])('relays nothing for %s', async (_case, frame) => {
    const { relay, published, alice } = setup();
    await relay.relay(alice, frame);
    expect(published).toEqual([]);
  });

  it('drops what a socket sends past its rate, and relays again as the rate allows', async () => {
    const { relay, published, alice, advance } = setup();
    const rate = TEST_LIMITS.relayedFramesPerSecond;
    for (let i = 0; i < 3 * rate; i++) await relay.relay(alice, typing());
    expect(published).toHaveLength(2 * rate); // the burst
    advance(1000);
    for (let i = 0; i < 2 * rate; i++) await relay.relay(alice, typing());
    expect(published).toHaveLength(3 * rate);
    const bob = new FakeConnection('app1', 'bob', 'bob-session'); // a bucket of its own
    await relay.relay(bob, typing({ receiver: 'alice' }));
    expect(published).toHaveLength(3 * rate + 1);
  });

  it('hands call signalling to presence with the sender and its session, opaque and bounded', async () => {
    const { relay, alice, bus, published } = setup();
    const offer = { type: 'offer', sdp: 'v=0\r\n' };
    await relay.relay(alice, {
      type: 'call_signal',
      sender: 'mallory',
      receiver: 'Bob',
      body: { sessionId: 'v1.s', data: offer },
    });
    expect(bus.request).toHaveBeenCalledWith(expect.objectContaining({}), {
      appId: 'app1',
      uid: 'alice',
      deviceId: 'alice-session',
      sessionId: 'v1.s',
      to: 'bob',
      data: offer,
    });
    // Too large, or with no session or data: dropped here, presence is not asked.
    await relay.relay(alice, {
      type: 'call_signal',
      body: { sessionId: 'v1.s', data: 'x'.repeat(17 * 1024) },
    });
    await relay.relay(alice, { type: 'call_signal', body: { data: {} } });
    await relay.relay(alice, { type: 'call_signal', body: { sessionId: 'v1.s' } });
    expect(bus.request).toHaveBeenCalledTimes(1);
    expect(published).toEqual([]);
  });

  it('drops a signal presence refuses, without an answer', async () => {
    const { relay, alice, bus } = setup();
    bus.request.mockRejectedValueOnce(
      Object.assign(new Error('no'), { code: 'ERR_CALL_NOT_A_PART' }),
    );
    await expect(
      relay.relay(alice, { type: 'call_signal', body: { sessionId: 'v1.s', data: {} } }),
    ).resolves.toBeUndefined();
  });
});
