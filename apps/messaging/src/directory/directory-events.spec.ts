import { DirectoryEvents } from './directory-events';
import { DirectoryRepository } from './directory.repository';
import { groupSnapshot, profile } from '../testing/message.factory';

const envelope = { v: 1, eventId: 'e1', appId: 'app1', occurredAt: 1 };

function setup() {
  const repo = {
    applyUser: jest.fn(async () => undefined),
    applyUserStatus: jest.fn(async () => undefined),
    applyUserErased: jest.fn(async () => undefined),
    dropBlocksOf: jest.fn(async () => undefined),
    dropFriendshipsOf: jest.fn(async () => undefined),
    applyFriendship: jest.fn(async () => undefined),
    applyRole: jest.fn(async () => undefined),
    deleteRole: jest.fn(async () => undefined),
    applyBlock: jest.fn(async () => undefined),
    applyGroup: jest.fn(async () => undefined),
    deleteGroup: jest.fn(async () => undefined),
    applyMember: jest.fn(async () => undefined),
  };
  return { repo, events: new DirectoryEvents(repo as unknown as DirectoryRepository) };
}

const member = (extra: object) => ({
  ...envelope,
  guid: 'team',
  group: groupSnapshot('team'),
  actor: 'owner',
  uid: 'ann',
  ...extra,
});

describe('DirectoryEvents', () => {
  it('keeps users with their status, versioned by stream sequence', async () => {
    const { repo, events } = setup();
    await events.applyUserEvent(
      'evt.users.app1.user.created',
      { ...envelope, user: profile('ann') },
      5,
    );
    await events.applyUserEvent(
      'evt.users.app1.user.updated',
      { ...envelope, user: profile('bob', { deactivatedAt: 9 }) },
      6,
    );
    await events.applyUserEvent(
      'evt.users.app1.user.deactivated',
      { ...envelope, uids: ['ann'] },
      7,
    );
    await events.applyUserEvent(
      'evt.users.app1.user.reactivated',
      { ...envelope, uids: ['ann'] },
      8,
    );
    await events.applyUserEvent(
      'evt.users.app1.user.deleted',
      { ...envelope, uid: 'bob', permanent: true },
      9,
    );
    await events.applyUserEvent(
      'evt.users.app1.user.deleted',
      { ...envelope, uid: 'ann', permanent: false },
      10,
    );
    expect(repo.applyUser.mock.calls).toEqual([
      ['app1', 'ann', 'active', profile('ann'), 5],
      ['app1', 'bob', 'deactivated', profile('bob', { deactivatedAt: 9 }), 6],
    ]);
    expect(repo.applyUserStatus.mock.calls).toEqual([
      ['app1', ['ann'], 'deactivated', 7],
      ['app1', ['ann'], 'active', 8],
      ['app1', ['ann'], 'deleted', 10],
    ]);
    expect(repo.applyUserErased).toHaveBeenCalledWith('app1', 'bob', 9);
    expect(repo.dropBlocksOf).toHaveBeenCalledWith('app1', 'bob', 9);
    expect(repo.dropFriendshipsOf).toHaveBeenCalledWith('app1', 'bob', 9);
  });

  it("keeps friendships and the roles' sendMessagesTo, versioned by stream sequence", async () => {
    const { repo, events } = setup();
    const role = (settings: object) => ({
      ...envelope,
      role: { role: 'vip', name: 'VIP', settings, createdAt: 1, updatedAt: 1 },
    });
    await events.applyUserEvent(
      'evt.users.app1.friend.added',
      { ...envelope, uid: 'a', friendUid: 'b' },
      5,
    );
    await events.applyUserEvent(
      'evt.users.app1.friend.removed',
      { ...envelope, uid: 'b', friendUid: 'a' },
      6,
    );
    await events.applyUserEvent(
      'evt.users.app1.role.created',
      role({ listUsers: 'all', sendMessagesTo: 'friendsOnly' }),
      7,
    );
    await events.applyUserEvent(
      'evt.users.app1.role.updated',
      role({ listUsers: 'friendsOnly', sendMessagesTo: 'all' }),
      8,
    );
    await events.applyUserEvent('evt.users.app1.role.deleted', { ...envelope, role: 'vip' }, 9);
    expect(repo.applyFriendship.mock.calls).toEqual([
      ['app1', 'a', 'b', true, 5],
      ['app1', 'b', 'a', false, 6],
    ]);
    expect(repo.applyRole.mock.calls).toEqual([
      ['app1', 'vip', 'friendsOnly', 7],
      ['app1', 'vip', 'all', 8],
    ]);
    expect(repo.deleteRole).toHaveBeenCalledWith('app1', 'vip', 9);
  });

  it('keeps blocks, and skips events it has no use for', async () => {
    const { repo, events } = setup();
    await events.applyUserEvent(
      'evt.users.app1.block.added',
      { ...envelope, blocker: 'a', blocked: 'b' },
      3,
    );
    await events.applyUserEvent(
      'evt.users.app1.block.removed',
      { ...envelope, blocker: 'a', blocked: 'b' },
      4,
    );
    await events.applyUserEvent('evt.users.app1.user.loggedIn', { ...envelope, uid: 'a' }, 5);
    expect(repo.applyBlock.mock.calls).toEqual([
      ['app1', 'a', 'b', true, 3],
      ['app1', 'a', 'b', false, 4],
    ]);
  });

  it('refuses (for redelivery) an event that breaks its schema', async () => {
    const { events } = setup();
    await expect(
      events.applyUserEvent('evt.users.app1.block.added', { ...envelope }, 3),
    ).rejects.toThrow();
  });

  it.each([
    ['member.added', { scope: 'moderator', joinedAt: 1 }, 'member', 'moderator'],
    ['member.joined', { scope: 'participant', joinedAt: 1 }, 'member', 'participant'],
    ['member.added', { scope: 'admin', joinedAt: 1, imported: true }, 'member', 'admin'],
    [
      'member.scopeChanged',
      { scope: 'admin', oldScope: 'participant', newScope: 'admin', joinedAt: 1 },
      'member',
      'admin',
    ],
    ['group.ownerChanged', { scope: 'admin', oldOwner: 'owner', joinedAt: 1 }, 'member', 'admin'],
    ['member.left', { scope: 'participant', joinedAt: 1 }, 'none', null],
    ['member.kicked', { scope: 'participant', joinedAt: 1 }, 'none', null],
    ['member.banned', { scope: null, joinedAt: null, bannedAt: 2 }, 'banned', null],
    ['member.unbanned', {}, 'none', null],
  ])('applies %s %j as %s', async (name, extra, state, scope) => {
    const { repo, events } = setup();
    await events.applyGroupEvent(`evt.groups.app1.${name}`, member(extra), 11);
    expect(repo.applyGroup).toHaveBeenCalledWith('app1', groupSnapshot('team'), 11);
    // The event's time (envelope.occurredAt) places the join in the group conversation.
    expect(repo.applyMember).toHaveBeenCalledWith('app1', 'team', 'ann', state, scope, 11, 1);
  });

  it('starts an epoch on group.created and ends the group on group.deleted', async () => {
    const { repo, events } = setup();
    const group = groupSnapshot('team');
    await events.applyGroupEvent(
      'evt.groups.app1.group.created',
      { ...envelope, group, actor: 'o' },
      20,
    );
    await events.applyGroupEvent(
      'evt.groups.app1.group.updated',
      { ...envelope, group, actor: 'o' },
      21,
    );
    await events.applyGroupEvent(
      'evt.groups.app1.group.deleted',
      { ...envelope, guid: 'team', group, actor: 'o' },
      22,
    );
    expect(repo.applyGroup.mock.calls).toEqual([
      ['app1', group, 20, { created: true }],
      ['app1', group, 21, { created: false }],
    ]);
    expect(repo.deleteGroup).toHaveBeenCalledWith('app1', group, 22);
  });
});
