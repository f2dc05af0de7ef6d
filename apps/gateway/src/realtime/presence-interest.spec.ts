import { rootLogger } from '@parley/common';
import { PresenceSubscription, presenceSubject } from '@parley/contracts';
import { BlockDirectory } from './block-directory';
import { FriendDirectory } from './friend-directory';
import { PresenceInterest } from './presence-interest';
import {
  FakeConnection,
  FakeDeliveryBus,
  TEST_LIMITS,
  testMetrics,
} from './testing/realtime.fakes';

rootLogger().level = 'silent';

/** A presence frame as the presence service publishes it. */
const presenceFrame = (uid: string, action: 'online' | 'offline') => ({
  appId: 'app1',
  type: 'presence',
  sender: uid,
  receiver: uid,
  receiverType: 'user',
  body: { action, user: { uid }, timestamp: 1 },
});

function setup(
  friendsOf: Record<string, string[]> = {},
  blocked: Array<[blocker: string, blocked: string]> = [],
) {
  const bus = new FakeDeliveryBus();
  const friends = {
    friendsOf: jest.fn(async (_appId: string, uid: string) => friendsOf[uid] ?? []),
  };
  const blocks = {
    blocksOf: jest.fn(async (_appId: string, uid: string) => ({
      blockedByMe: blocked.filter(([a]) => a === uid).map(([, b]) => b),
      hasBlockedMe: blocked.filter(([, b]) => b === uid).map(([a]) => a),
    })),
  };
  const metrics = testMetrics();
  const interest = new PresenceInterest(
    bus.asBus(),
    friends as unknown as FriendDirectory,
    blocks as unknown as BlockDirectory,
    TEST_LIMITS,
    metrics,
  );
  const follow = async (uid: string, sub: PresenceSubscription) => {
    const conn = new FakeConnection('app1', uid, `${uid}-session`);
    conn.presenceSubscription = sub;
    await interest.follow(conn);
    return conn;
  };
  /** presence publishes `uid`'s change under their role. */
  const change = (uid: string, role: string, action: 'online' | 'offline' = 'online') =>
    bus.publish(presenceSubject('app1', role, uid), presenceFrame(uid, action));
  return { bus, friends, blocks, interest, follow, change, metrics };
}

const heard = (c: FakeConnection) =>
  c.frames.map((f) => {
    const { body } = f as { body: { action: string; user: { uid: string } } };
    return `${body.user.uid} ${body.action}`;
  });

describe('PresenceInterest', () => {
  it('gives an ALL_USERS socket every user of its app but itself', async () => {
    const { follow, change, bus } = setup();
    const alice = await follow('alice', { kind: 'all' });
    change('bob', 'default');
    change('carol', 'admin', 'offline');
    change('alice', 'default');
    bus.publish(presenceSubject('app2', 'default', 'dave'), presenceFrame('dave', 'online'));
    expect(heard(alice)).toEqual(['bob online', 'carol offline']);
  });

  it('gives a ROLES socket only the users of those roles', async () => {
    const { follow, change } = setup();
    const alice = await follow('alice', { kind: 'roles', roles: ['admin', 'mod'] });
    change('bob', 'default');
    change('carol', 'admin');
    change('dave', 'mod');
    expect(heard(alice)).toEqual(['carol online', 'dave online']);
  });

  it('gives a FRIENDS socket its friends, following friendships as they form and end', async () => {
    const { follow, change, interest } = setup({ alice: ['bob'] });
    const alice = await follow('alice', { kind: 'friends' });
    change('bob', 'default');
    change('carol', 'default');
    interest.friendshipChanged('app1', 'carol', 'alice', true);
    interest.friendshipChanged('app1', 'alice', 'bob', false);
    change('carol', 'default', 'offline');
    change('bob', 'default', 'offline');
    expect(heard(alice)).toEqual(['bob online', 'carol offline']);
  });

  it('hides presence between users apart by a block, either way, whatever the subscription', async () => {
    const { follow, change } = setup({ alice: ['bob', 'carol'] }, [
      ['alice', 'bob'],
      ['carol', 'alice'],
    ]);
    for (const sub of [
      { kind: 'all' },
      { kind: 'roles', roles: ['default'] },
      { kind: 'friends' },
    ] as PresenceSubscription[]) {
      const alice = await follow('alice', sub);
      const bob = await follow('bob', sub);
      change('bob', 'default');
      change('carol', 'default');
      change('alice', 'default');
      change('dave', 'default');
      expect(heard(alice)).toEqual(sub.kind === 'friends' ? [] : ['dave online']);
      expect(heard(bob)).toEqual(sub.kind === 'friends' ? [] : ['carol online', 'dave online']);
    }
  });

  it('follows blocks as they come and go; a block the other way still hides', async () => {
    const { follow, change, interest } = setup({}, [['bob', 'alice']]);
    const alice = await follow('alice', { kind: 'all' });
    change('carol', 'default');
    interest.blockChanged('app1', 'alice', 'carol', true);
    change('carol', 'default', 'offline');
    interest.blockChanged('app1', 'alice', 'bob', true);
    interest.blockChanged('app1', 'alice', 'bob', false);
    change('bob', 'default'); // bob's own block still holds
    interest.blockChanged('app1', 'bob', 'alice', false);
    interest.blockChanged('app1', 'alice', 'carol', false);
    interest.blockChanged('app2', 'alice', 'carol', true); // another app's alice
    change('bob', 'default', 'offline');
    change('carol', 'default');
    expect(heard(alice)).toEqual(['carol online', 'bob offline', 'carol online']);
  });

  it('gives no presence to a socket until its blocks are known, and tries again meanwhile', async () => {
    jest.useFakeTimers();
    try {
      const { follow, change, blocks, bus, interest } = setup({}, [['alice', 'bob']]);
      const down = new Error('users service down');
      blocks.blocksOf
        .mockRejectedValueOnce(down)
        .mockRejectedValueOnce(down)
        .mockRejectedValueOnce(down);
      const gone = await follow('gone', { kind: 'all' }); // closes before its retry
      interest.unfollow(gone);
      const alice = await follow('alice', { kind: 'all' });
      change('carol', 'default');
      expect(bus.subjects()).toEqual([]);
      await jest.advanceTimersByTimeAsync(1000); // alice's second try fails too
      expect(bus.subjects()).toEqual([]);
      await jest.advanceTimersByTimeAsync(2000);
      expect(bus.subjects()).toEqual(['eph.presence.app1.*.*']);
      change('bob', 'default');
      change('dave', 'default');
      expect(heard(alice)).toEqual(['dave online']);
      expect(heard(gone)).toEqual([]);
    } finally {
      jest.useRealTimers();
    }
  });

  it('makes new subscriptions live on the server before following completes', async () => {
    const { follow, bus } = setup();
    await follow('alice', { kind: 'all' });
    expect(bus.flush).toHaveBeenCalledTimes(1);
    await follow('bob', { kind: 'all' }); // the subscription exists already
    expect(bus.flush).toHaveBeenCalledTimes(1);
  });

  it('gives a socket that asked for nothing no presence', async () => {
    const { follow, change, bus } = setup();
    const alice = await follow('alice', { kind: 'none' });
    change('bob', 'default');
    expect(heard(alice)).toEqual([]);
    expect(bus.subjects()).toEqual([]);
  });

  it('holds one subscription per subject for all its sockets, released with the last', async () => {
    const { follow, interest, bus } = setup();
    const a = await follow('alice', { kind: 'all' });
    const b = await follow('bob', { kind: 'all' });
    const c = await follow('carol', { kind: 'roles', roles: ['admin'] });
    expect(bus.subjects()).toEqual(['eph.presence.app1.*.*', 'eph.presence.app1.admin.*']);
    expect(interest.subjectCount).toBe(2);
    interest.unfollow(a);
    interest.unfollow(c);
    expect(bus.subjects()).toEqual(['eph.presence.app1.*.*']);
    interest.unfollow(b);
    interest.unfollow(b);
    expect(bus.subjects()).toEqual([]);
  });

  it('subscribes nothing for a socket that closed while its friends were loading', async () => {
    const { interest, friends, bus } = setup();
    let answer: (uids: string[]) => void = () => undefined;
    friends.friendsOf.mockImplementationOnce(() => new Promise((r) => (answer = r)));
    const conn = new FakeConnection('app1', 'alice', 's1');
    conn.presenceSubscription = { kind: 'friends' };
    const following = interest.follow(conn);
    interest.unfollow(conn);
    answer(['bob']);
    await following;
    expect(bus.subjects()).toEqual([]);
  });

  it('drops presence for a socket that is behind, and counts it; others still get it', async () => {
    const { follow, change, metrics } = setup();
    const slow = await follow('alice', { kind: 'all' });
    const fast = await follow('bob', { kind: 'all' });
    slow.buffered = TEST_LIMITS.ephemeralBufferedBytes + 1;
    change('carol', 'default');
    expect(heard(slow)).toEqual([]);
    expect(slow.closed).toBeUndefined();
    expect(heard(fast)).toEqual(['carol online']);
    expect((await metrics.framesDropped.get()).values[0]).toMatchObject({
      labels: { type: 'presence' },
      value: 1,
    });
  });
});
