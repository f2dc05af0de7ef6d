import { DomainError, rootLogger } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { REALTIME_CLOSE } from '@parley/contracts';
import { ConnectionRegistry } from './connection-registry';
import {
  fakeClock,
  FakeConnection,
  FakeDeliveryBus,
  fakeDirectory,
  TEST_LIMITS,
  testMetrics,
} from './testing/realtime.fakes';

// The registry logs the failures these tests cause on purpose; keep the output to the results.
rootLogger().level = 'silent';

const userSubject = (uid: string) => `deliver.app1.u.${uid}`;
const groupSubject = (guid: string) => `deliver.app1.g.${guid}`;

/** A frame as messaging publishes it; `deviceId` is the session that caused it. */
const frame = (text: string, deviceId?: string) => ({
  appId: 'app1',
  type: 'message',
  sender: 'bob',
  receiver: 'alice',
  receiverType: 'user',
  ...(deviceId !== undefined && { deviceId }),
  body: { text },
});

function setup(groupsOf: Record<string, string[]> = {}) {
  const bus = new FakeDeliveryBus();
  const { directory, asDirectory } = fakeDirectory(groupsOf);
  const { clock, advance } = fakeClock();
  const metrics = testMetrics();
  const registry = new ConnectionRegistry(bus.asBus(), asDirectory(), clock, TEST_LIMITS, metrics);
  const connect = async (uid: string, deviceId?: string, tokenHash?: string) => {
    const conn = new FakeConnection('app1', uid, deviceId, tokenHash);
    await registry.register(conn);
    return conn;
  };
  return { bus, directory, registry, connect, advance, metrics };
}

const texts = (c: FakeConnection) =>
  c.frames.map((f) => (f as { body: { text: string } }).body.text);

describe('ConnectionRegistry', () => {
  describe('user delivery', () => {
    it("pushes a user's frames to all their sockets but the one that caused it", async () => {
      const { bus, connect } = setup();
      const tab1 = await connect('alice', 'session-1');
      const tab2 = await connect('alice', 'session-2');
      const phone = await connect('alice', undefined);
      const other = await connect('bob', 'session-1');

      bus.publish(userSubject('alice'), frame('from tab 1', 'session-1'));
      bus.publish(userSubject('alice'), frame('from nowhere'));

      expect(texts(tab1)).toEqual(['from nowhere']);
      expect(texts(tab2)).toEqual(['from tab 1', 'from nowhere']);
      expect(texts(phone)).toEqual(['from tab 1', 'from nowhere']);
      expect(texts(other)).toEqual([]);
    });

    it('holds one subscription per user whatever the sockets, released with the last', async () => {
      const { bus, registry, connect } = setup();
      const a = await connect('alice', 's1');
      const b = await connect('alice', 's2');
      expect(bus.count(userSubject('alice'))).toBe(1);
      registry.unregister(a);
      expect(bus.count(userSubject('alice'))).toBe(1);
      registry.unregister(b);
      registry.unregister(b); // twice is harmless
      expect(bus.subjects()).toEqual([]);
    });

    it('makes the subscriptions live on the server before registration completes', async () => {
      const { bus, connect } = setup({ alice: ['g1'] });
      await connect('alice', 's1');
      expect(bus.flush).toHaveBeenCalled();
    });

    it('drops a published frame that is not a frame, and goes on delivering', async () => {
      const { bus, connect } = setup();
      const a = await connect('alice', 's1');
      bus.publish(userSubject('alice'), 'not an object');
      bus.publish(userSubject('alice'), { appId: 'app1', body: {} }); // no type
      bus.publish(userSubject('alice'), frame('fine'));
      expect(texts(a)).toEqual(['fine']);
    });
  });

  describe('group delivery', () => {
    it("subscribes to the user's groups and delivers to every member's sockets", async () => {
      const { bus, connect } = setup({ alice: ['g1', 'g2'], bob: ['g1'] });
      const alice = await connect('alice', 'a1');
      const bob = await connect('bob', 'b1');
      expect(bus.subjects()).toEqual([
        groupSubject('g1'),
        groupSubject('g2'),
        userSubject('alice'),
        userSubject('bob'),
      ]);
      expect(bus.count(groupSubject('g1'))).toBe(1);

      bus.publish(groupSubject('g1'), frame('to g1', 'b1'));
      bus.publish(groupSubject('g2'), frame('to g2'));
      expect(texts(alice)).toEqual(['to g1', 'to g2']);
      expect(texts(bob)).toEqual([]); // bob's own session sent it
    });

    it('moves group subscriptions with membership changes', async () => {
      const { bus, registry, connect } = setup({ alice: ['g1'] });
      const alice = await connect('alice', 'a1');
      registry.membershipChanged('app1', 'alice', 'g2', true);
      registry.membershipChanged('app1', 'alice', 'g1', false);
      registry.membershipChanged('app1', 'nobody-here', 'g3', true); // no socket: nothing to do
      expect(bus.subjects()).toEqual([groupSubject('g2'), userSubject('alice')]);
      bus.publish(groupSubject('g2'), frame('welcome'));
      expect(texts(alice)).toEqual(['welcome']);
    });

    it('keeps a group subscription while another local member needs it', async () => {
      const { bus, registry, connect } = setup({ alice: ['g1'], bob: ['g1'] });
      await connect('alice', 'a1');
      const bob = await connect('bob', 'b1');
      registry.membershipChanged('app1', 'alice', 'g1', false);
      expect(bus.count(groupSubject('g1'))).toBe(1);
      bus.publish(groupSubject('g1'), frame('still here'));
      expect(texts(bob)).toEqual(['still here']);
      registry.groupDeleted('app1', 'g1');
      expect(bus.count(groupSubject('g1'))).toBe(0);
    });

    it('applies membership changes that arrive while the groups are loading', async () => {
      const { bus, registry, directory } = setup();
      let answer: (guids: string[]) => void = () => undefined;
      directory.groupsOf.mockImplementationOnce(
        () => new Promise<string[]>((resolve) => (answer = resolve)),
      );
      const conn = new FakeConnection('app1', 'alice', 'a1');
      const registered = registry.register(conn);
      registry.membershipChanged('app1', 'alice', 'g-new', true);
      registry.membershipChanged('app1', 'alice', 'g-left', false);
      answer(['g-left', 'g-old']); // read before the leave committed
      await registered;
      expect(bus.subjects()).toEqual([
        groupSubject('g-new'),
        groupSubject('g-old'),
        userSubject('alice'),
      ]);
    });

    it('does not deliver to a socket before its registration completes', async () => {
      const { bus, registry, directory } = setup();
      let answer: (guids: string[]) => void = () => undefined;
      directory.groupsOf.mockImplementationOnce(
        () => new Promise<string[]>((resolve) => (answer = resolve)),
      );
      const conn = new FakeConnection('app1', 'alice', 'a1');
      const registered = registry.register(conn);
      bus.publish(userSubject('alice'), frame('too early'));
      answer([]);
      await registered;
      bus.publish(userSubject('alice'), frame('in time'));
      expect(texts(conn)).toEqual(['in time']);
    });

    it('refuses with ERR_SERVICE_UNAVAILABLE when the groups cannot be read, and retries next time', async () => {
      const { bus, registry, directory, connect } = setup({ alice: ['g1'] });
      directory.groupsOf.mockRejectedValueOnce(new Error('timeout'));
      const err = await domainErrorOf(registry.register(new FakeConnection('app1', 'alice', 'a1')));
      expect(err.code).toBe('ERR_SERVICE_UNAVAILABLE');
      expect(bus.subjects()).toEqual([]);
      await connect('alice', 'a1');
      expect(bus.subjects()).toEqual([groupSubject('g1'), userSubject('alice')]);
    });

    it('lets go of everything when the socket closes while the groups load', async () => {
      const { bus, registry, directory } = setup();
      let answer: (guids: string[]) => void = () => undefined;
      directory.groupsOf.mockImplementationOnce(
        () => new Promise<string[]>((resolve) => (answer = resolve)),
      );
      const conn = new FakeConnection('app1', 'alice', 'a1');
      const registered = registry.register(conn);
      registry.unregister(conn);
      answer(['g1']);
      await registered;
      expect(bus.subjects()).toEqual([]);
    });
  });

  describe('holding a user while their JWT is checked', () => {
    /** groupsOf answers when the test says. */
    function slowGroups(directory: ReturnType<typeof setup>['directory']) {
      let answer: (guids: string[]) => void = () => undefined;
      let fail: (err: Error) => void = () => undefined;
      directory.groupsOf.mockImplementationOnce(
        () =>
          new Promise<string[]>((resolve, reject) => {
            answer = resolve;
            fail = reject;
          }),
      );
      return { answer: (guids: string[]) => answer(guids), fail: (err: Error) => fail(err) };
    }

    it("loads the user's groups once, for the hold and the registration it turns into", async () => {
      const { bus, registry, directory } = setup();
      const groups = slowGroups(directory);
      const hold = registry.hold('app1', 'alice');
      expect(directory.groupsOf).toHaveBeenCalledWith('app1', 'alice');
      // Membership changes while it loads are applied, as for a registration.
      registry.membershipChanged('app1', 'alice', 'g-new', true);
      const conn = new FakeConnection('app1', 'alice', 'a1');
      const registered = registry.register(conn, hold);
      groups.answer(['g1']);
      await registered;
      hold.release();
      expect(directory.groupsOf).toHaveBeenCalledTimes(1);
      expect(bus.subjects()).toEqual([
        groupSubject('g-new'),
        groupSubject('g1'),
        userSubject('alice'),
      ]);
      bus.publish(groupSubject('g1'), frame('to the group'));
      expect(texts(conn)).toEqual(['to the group']);
    });

    it('subscribes while held, and lets go of everything when released unused', async () => {
      const { bus, registry } = setup({ alice: ['g1'] });
      const hold = registry.hold('app1', 'alice');
      await new Promise((r) => setImmediate(r));
      expect(bus.subjects()).toEqual([groupSubject('g1'), userSubject('alice')]);
      expect(registry.connectionCount).toBe(0);
      hold.release();
      hold.release(); // a second release changes nothing
      expect(bus.subjects()).toEqual([]);
    });

    it("keeps the subscriptions of the user's other sockets when a hold is released", async () => {
      const { bus, registry, connect } = setup({ alice: ['g1'] });
      const tab = await connect('alice', 'tab');
      registry.hold('app1', 'alice').release();
      bus.publish(userSubject('alice'), frame('still delivered'));
      expect(texts(tab)).toEqual(['still delivered']);
    });

    it('refuses the registration with ERR_SERVICE_UNAVAILABLE when the held load failed, without asking again', async () => {
      const { bus, registry, directory } = setup({ alice: ['g1'] });
      const groups = slowGroups(directory);
      const hold = registry.hold('app1', 'alice');
      groups.fail(new Error('timeout'));
      await new Promise((r) => setImmediate(r));
      const err = await domainErrorOf(
        registry.register(new FakeConnection('app1', 'alice', 'a1'), hold),
      );
      hold.release();
      expect(err.code).toBe('ERR_SERVICE_UNAVAILABLE');
      expect(directory.groupsOf).toHaveBeenCalledTimes(1);
      expect(bus.subjects()).toEqual([]);
    });

    it("registers a socket of another user than the held one on that user's own subscriptions", async () => {
      const { bus, registry, directory } = setup({ alice: ['g1'], bob: ['g2'] });
      const hold = registry.hold('app1', 'alice');
      const bob = new FakeConnection('app1', 'bob', 'b1');
      await registry.register(bob, hold);
      hold.release();
      expect(directory.groupsOf).toHaveBeenCalledWith('app1', 'bob');
      expect(bus.subjects()).toEqual([groupSubject('g2'), userSubject('bob')]);
    });
  });

  describe('revocation', () => {
    it('closes exactly the sockets of the revoked tokens (4401) and stops delivering to them', async () => {
      const { bus, registry, connect } = setup();
      const revoked = await connect('alice', 's1', 'h1');
      const kept = await connect('alice', 's2', 'h2');
      registry.tokensRevoked('app1', 'alice', ['h1', 'h-other']);
      expect(revoked.closed).toEqual({
        code: REALTIME_CLOSE.unauthenticated,
        reason: expect.any(String),
      });
      expect(kept.closed).toBeUndefined();
      bus.publish(userSubject('alice'), frame('after'));
      expect(texts(revoked)).toEqual([]);
      expect(texts(kept)).toEqual(['after']);
    });

    it('refuses a socket whose token was revoked while it was authenticating', async () => {
      const { registry, advance } = setup();
      registry.tokensRevoked('app1', 'alice', ['h1']);
      const err = await domainErrorOf(
        registry.register(new FakeConnection('app1', 'alice', 's1', 'h1')),
      );
      expect(err.code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
      advance(TEST_LIMITS.revocationMemoryMs + 1);
      // Long after, identity itself refuses the JWT; the registry no longer needs to remember.
      await expect(
        registry.register(new FakeConnection('app1', 'alice', 's1', 'h1')),
      ).resolves.toBeUndefined();
    });

    it('refuses a socket whose token is revoked during its registration', async () => {
      const { bus, registry, directory } = setup();
      let answer: (guids: string[]) => void = () => undefined;
      directory.groupsOf.mockImplementationOnce(
        () => new Promise<string[]>((resolve) => (answer = resolve)),
      );
      const conn = new FakeConnection('app1', 'alice', 's1', 'h1');
      const registered = registry.register(conn);
      registry.tokensRevoked('app1', 'alice', ['h1']);
      answer([]);
      expect((await domainErrorOf(registered)).code).toBe('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
      expect(bus.subjects()).toEqual([]);
    });

    it("closes every socket of a deleted app, and only that app's", async () => {
      const { registry, connect } = setup();
      const a = await connect('alice', 's1');
      const b = await connect('bob', 's2');
      const elsewhere = new FakeConnection('app2', 'alice', 's3');
      await registry.register(elsewhere);
      registry.appDeleted('app1');
      expect(a.closed?.code).toBe(REALTIME_CLOSE.unauthenticated);
      expect(b.closed?.code).toBe(REALTIME_CLOSE.unauthenticated);
      expect(elsewhere.closed).toBeUndefined();
      const late = await domainErrorOf(
        registry.register(new FakeConnection('app1', 'carol', 's4')),
      );
      expect(late).toBeInstanceOf(DomainError);
    });
  });

  describe('backpressure', () => {
    it('closes a socket too far behind (4008) instead of dropping its message; others go on', async () => {
      const { bus, registry, connect } = setup();
      const slow = await connect('alice', 's1');
      const fast = await connect('alice', 's2');
      slow.buffered = TEST_LIMITS.maxBufferedBytes + 1;
      bus.publish(userSubject('alice'), frame('m1'));
      expect(slow.closed?.code).toBe(REALTIME_CLOSE.slowConsumer);
      expect(texts(slow)).toEqual([]);
      expect(texts(fast)).toEqual(['m1']);
      expect(registry.connectionCount).toBe(1);
    });
  });

  describe('ephemeral frames', () => {
    const typingFrame = (sender: string, deviceId?: string) => ({
      appId: 'app1',
      type: 'typing_indicator',
      sender,
      receiver: 'g1',
      receiverType: 'group',
      ...(deviceId !== undefined && { deviceId }),
      body: { action: 'started', user: { uid: sender } },
    });

    it('drops typing for a socket that is behind (never closing it); messages still go', async () => {
      const { bus, connect, metrics } = setup({ alice: ['g1'] });
      const slow = await connect('alice', 's1');
      const fast = await connect('alice', 's2');
      slow.buffered = TEST_LIMITS.ephemeralBufferedBytes + 1;
      bus.publish(groupSubject('g1'), typingFrame('bob'));
      bus.publish(userSubject('alice'), frame('m1'));
      expect(slow.closed).toBeUndefined();
      expect(slow.frames.map((f) => (f as { type: string }).type)).toEqual(['message']);
      expect(fast.frames.map((f) => (f as { type: string }).type)).toEqual([
        'typing_indicator',
        'message',
      ]);
      expect((await metrics.framesDropped.get()).values[0]).toMatchObject({
        labels: { type: 'typing_indicator' },
        value: 1,
      });
    });

    it("does not send a group's typing back to any socket of its sender", async () => {
      const { bus, connect } = setup({ alice: ['g1'], bob: ['g1'] });
      const alice = await connect('alice', 'a1');
      const bobOtherTab = await connect('bob', 'b2');
      bus.publish(groupSubject('g1'), typingFrame('bob', 'b1'));
      expect(alice.frames).toHaveLength(1);
      expect(bobOtherTab.frames).toEqual([]);
    });
  });

  it('knows the groups of the users it holds sockets for', async () => {
    const { registry, connect } = setup({ alice: ['g1'] });
    const conn = await connect('alice', 'a1');
    expect(registry.isMember('app1', 'alice', 'g1')).toBe(true);
    expect(registry.isMember('app1', 'alice', 'g2')).toBe(false);
    expect(registry.isMember('app1', 'bob', 'g1')).toBe(false);
    registry.membershipChanged('app1', 'alice', 'g1', false);
    expect(registry.isMember('app1', 'alice', 'g1')).toBe(false);
    registry.unregister(conn);
    expect(registry.isMember('app1', 'alice', 'g1')).toBe(false);
  });

  it('closes every socket on shutdown', async () => {
    const { bus, registry, connect } = setup({ alice: ['g1'] });
    const a = await connect('alice', 's1');
    registry.closeAll(1001, 'bye');
    expect(a.closed).toEqual({ code: 1001, reason: 'bye' });
    expect(bus.subjects()).toEqual([]);
  });
});
