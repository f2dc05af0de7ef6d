import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { EVENTS, MAX_FRIENDS_PER_USER } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { T1, userRow } from '../testing/user.factory';
import { UserEntity } from '../users/user.entity';
import { FriendshipRepository } from './friendship.repository';
import { FriendshipService } from './friendship.service';
import { PartyLock, RelationshipPartyRepository } from './relationship-party.repository';

const TX = {} as EntityManager;

/**
 * The service over mocked repositories. `active` are the active users; `friends` the stored
 * friendships (one entry per pair); `counts` overrides a user's friend count.
 */
function setup(
  opts: {
    active?: string[];
    friends?: Array<[string, string]>;
    counts?: Record<string, number>;
  } = {},
) {
  const active = new Set(opts.active ?? ['alice', 'bob', 'carol', 'dave']);
  const pairs = opts.friends ?? [];
  const isFriend = (a: string, b: string) =>
    pairs.some(([x, y]) => (x === a && y === b) || (x === b && y === a));
  const steps: string[] = [];
  const parties = {
    activeUids: jest.fn(
      async (_tx: EntityManager, _appId: string, uids: string[], _lock: PartyLock) =>
        new Set(uids.filter((u) => active.has(u))),
    ),
    isActive: jest.fn(async (_appId: string, uid: string) => active.has(uid)),
  };
  const friendships = {
    friendsAmong: jest.fn(
      async (_tx: EntityManager | undefined, _appId: string, uid: string, others: string[]) =>
        new Set(others.filter((o) => isFriend(uid, o))),
    ),
    countFriends: jest.fn(async (_tx: EntityManager, _appId: string, uids: string[]) => {
      const counts = new Map<string, number>();
      for (const u of uids) {
        const n = opts.counts?.[u] ?? pairs.filter(([x, y]) => x === u || y === u).length;
        if (n) counts.set(u, n);
      }
      return counts;
    }),
    insertPairs: jest.fn(
      async (_tx: EntityManager, _appId: string, _uid: string, _f: string[], _at: Date) => {
        steps.push('insert');
      },
    ),
    deletePairs: jest.fn(
      async (_tx: EntityManager, _appId: string, uid: string, friendUids: string[]) =>
        friendUids.filter((f) => isFriend(uid, f)),
    ),
    listActiveFriends: jest.fn(async (): Promise<[UserEntity[], number]> => [[], 0]),
  };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => {
      try {
        const result = await work(TX);
        steps.push('commit');
        return result;
      } catch (err) {
        steps.push('rollback');
        throw err;
      }
    }),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => Math.floor(T1.getTime() / 1000) };
  const service = new FriendshipService(
    friendships as unknown as FriendshipRepository,
    parties as unknown as RelationshipPartyRepository,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  return { service, parties, friendships, outbox, steps };
}

describe('FriendshipService', () => {
  describe('add', () => {
    it('befriends each uid both ways in one transaction and stages friend.added per pair', async () => {
      const { service, friendships, outbox, parties, steps } = setup();
      const reply = await service.add('app1', 'alice', ['bob', 'carol']);
      expect(reply).toEqual({
        accepted: {
          bob: { success: true, message: 'Created relationship with status accepted.' },
          carol: { success: true, message: 'Created relationship with status accepted.' },
        },
      });
      expect(parties.activeUids).toHaveBeenCalledWith(
        TX,
        'app1',
        ['alice', 'bob', 'carol'],
        'no key update',
      );
      expect(friendships.insertPairs).toHaveBeenCalledWith(
        TX,
        'app1',
        'alice',
        ['bob', 'carol'],
        T1,
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.friendAdded, 'app1', {
        uid: 'alice',
        friendUid: 'bob',
      });
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.friendAdded, 'app1', {
        uid: 'alice',
        friendUid: 'carol',
      });
      expect(steps).toEqual(['insert', 'commit']);
    });

    it('answers each failing uid with its own error and still adds the others', async () => {
      const { service, friendships, outbox } = setup({ friends: [['alice', 'bob']] });
      const reply = await service.add('app1', 'alice', ['alice', 'bob', 'ghost', 'carol']);
      expect(reply.accepted.alice).toMatchObject({
        success: false,
        error: { code: 'ERR_CANNOT_FORM_SELF_RELATION' },
      });
      expect(reply.accepted.bob).toMatchObject({
        success: false,
        error: { code: 'ERR_ALREADY_FRIEND' },
      });
      expect(reply.accepted.ghost).toMatchObject({
        success: false,
        error: { code: 'ERR_UID_NOT_FOUND' },
      });
      expect(reply.accepted.carol).toMatchObject({ success: true });
      expect(friendships.insertPairs).toHaveBeenCalledWith(TX, 'app1', 'alice', ['carol'], T1);
      expect(outbox.stage).toHaveBeenCalledTimes(1);
    });

    it('treats a deactivated or deleted friend as not found (inactive users are not active)', async () => {
      const { service } = setup({ active: ['alice'] });
      const reply = await service.add('app1', 'alice', ['bob']);
      expect(reply.accepted.bob).toMatchObject({ error: { code: 'ERR_UID_NOT_FOUND' } });
    });

    it('answers a repeated uid once', async () => {
      const { service, friendships } = setup();
      const reply = await service.add('app1', 'alice', ['bob', 'bob']);
      expect(Object.keys(reply.accepted)).toEqual(['bob']);
      expect(friendships.insertPairs).toHaveBeenCalledWith(TX, 'app1', 'alice', ['bob'], T1);
    });

    it('keeps a uid named __proto__ as an entry', async () => {
      const { service } = setup({ active: ['alice', '__proto__'] });
      const reply = await service.add('app1', 'alice', ['__proto__']);
      expect(Object.keys(reply.accepted)).toEqual(['__proto__']);
      expect(JSON.parse(JSON.stringify(reply))).toEqual(
        JSON.parse(
          '{"accepted":{"__proto__":{"success":true,"message":"Created relationship with status accepted."}}}',
        ),
      );
    });

    it('refuses the whole call with ERR_UID_NOT_FOUND when the user is missing or inactive', async () => {
      const { service, friendships, outbox, steps } = setup({ active: ['bob'] });
      const added = service.add('app1', 'alice', ['bob']);
      await expect(added).rejects.toBeInstanceOf(DomainError);
      await expect(added).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND' });
      expect(friendships.insertPairs).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
      expect(steps).toEqual(['rollback']);
    });

    it('refuses a friend past the cap on the asking side', async () => {
      const { service, friendships } = setup({ counts: { alice: MAX_FRIENDS_PER_USER } });
      const reply = await service.add('app1', 'alice', ['bob']);
      expect(reply.accepted.bob).toMatchObject({
        success: false,
        error: { code: 'ERR_PLAN_QUOTA_RESTRICTION', message: expect.stringContaining('alice') },
      });
      expect(friendships.insertPairs).toHaveBeenCalledWith(TX, 'app1', 'alice', [], T1);
    });

    it('refuses a friend whose own list is full, naming that friend', async () => {
      const { service } = setup({ counts: { bob: MAX_FRIENDS_PER_USER } });
      const reply = await service.add('app1', 'alice', ['bob', 'carol']);
      expect(reply.accepted.bob).toMatchObject({
        error: { code: 'ERR_PLAN_QUOTA_RESTRICTION', message: expect.stringContaining('bob') },
      });
      expect(reply.accepted.carol).toMatchObject({ success: true });
    });

    it('counts the friends it adds in the same call against the cap', async () => {
      const { service } = setup({ counts: { alice: MAX_FRIENDS_PER_USER - 1 } });
      const reply = await service.add('app1', 'alice', ['bob', 'carol']);
      expect(reply.accepted.bob).toMatchObject({ success: true });
      expect(reply.accepted.carol).toMatchObject({
        error: { code: 'ERR_PLAN_QUOTA_RESTRICTION' },
      });
    });
  });

  describe('remove', () => {
    it('removes the friendships and stages friend.removed per pair', async () => {
      const { service, friendships, outbox } = setup({
        friends: [
          ['alice', 'bob'],
          ['carol', 'alice'],
        ],
      });
      await expect(service.remove('app1', 'alice', ['bob', 'carol'])).resolves.toMatchObject({
        success: true,
      });
      expect(friendships.deletePairs).toHaveBeenCalledWith(TX, 'app1', 'alice', ['bob', 'carol']);
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.friendRemoved, 'app1', {
        uid: 'alice',
        friendUid: 'carol',
      });
      expect(outbox.stage).toHaveBeenCalledTimes(2);
    });

    it('refuses all with ERR_NOT_A_FRIEND, naming the strangers, when any is not a friend', async () => {
      const { service, outbox, steps } = setup({ friends: [['alice', 'bob']] });
      const removed = service.remove('app1', 'alice', ['bob', 'carol', 'alice']);
      await expect(removed).rejects.toMatchObject({
        code: 'ERR_NOT_A_FRIEND',
        details: {
          friends: ['carol is not a friend of alice', 'alice is not a friend of alice'],
        },
      });
      // The removal of bob happened inside the transaction, which the error rolls back.
      expect(steps).toEqual(['rollback']);
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('answers ERR_UID_NOT_FOUND when the user is missing or inactive', async () => {
      const { service, friendships } = setup({ active: ['bob'], friends: [['alice', 'bob']] });
      await expect(service.remove('app1', 'alice', ['bob'])).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(friendships.deletePairs).not.toHaveBeenCalled();
    });
  });

  describe('list', () => {
    it('maps a page of friends and its pagination', async () => {
      const { service, friendships } = setup();
      friendships.listActiveFriends.mockResolvedValue([
        [userRow({ uid: 'bob', name: 'Bob' }), userRow({ uid: 'carol', name: 'Carol' })],
        3,
      ]);
      const page = await service.list('app1', 'alice', { searchKey: 'b' }, { page: 1, perPage: 2 });
      expect(friendships.listActiveFriends).toHaveBeenCalledWith(
        'app1',
        'alice',
        { searchKey: 'b' },
        { page: 1, perPage: 2 },
      );
      expect(page.items.map((u) => u.uid)).toEqual(['bob', 'carol']);
      expect(page.items[0]).toMatchObject({ name: 'Bob', status: 'offline' });
      expect(page.pagination).toEqual({
        total: 3,
        count: 2,
        per_page: 2,
        current_page: 1,
        total_pages: 2,
      });
    });

    it('answers ERR_UID_NOT_FOUND for a missing or inactive user', async () => {
      const { service, friendships } = setup({ active: [] });
      await expect(
        service.list('app1', 'alice', {}, { page: 1, perPage: 10 }),
      ).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND' });
      expect(friendships.listActiveFriends).not.toHaveBeenCalled();
    });
  });
});
