import { Clock, Outbox, Transactor } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { T0, T1, userRow } from '../testing/user.factory';
import { UserEntity } from '../users/user.entity';
import { BlockRepository, BlockTimes } from './block.repository';
import { BlockService } from './block.service';
import { PartyLock, RelationshipPartyRepository } from './relationship-party.repository';

const TX = {} as EntityManager;
const S0 = Math.floor(T0.getTime() / 1000);

/** The service over mocked repositories; `blocked` are the stored blocks as [blocker, blocked]. */
function setup(opts: { active?: string[]; blocked?: Array<[string, string]> } = {}) {
  const active = new Set(opts.active ?? ['alice', 'bob', 'carol']);
  const stored = opts.blocked ?? [];
  const has = (a: string, b: string) => stored.some(([x, y]) => x === a && y === b);
  const parties = {
    activeUids: jest.fn(
      async (_tx: EntityManager, _appId: string, uids: string[], _lock: PartyLock) =>
        new Set(uids.filter((u) => active.has(u))),
    ),
    isActive: jest.fn(async (_appId: string, uid: string) => active.has(uid)),
  };
  const blocks = {
    insert: jest.fn(
      async (_tx: EntityManager, _appId: string, blocker: string, uids: string[], _at: Date) =>
        uids.filter((u) => !has(blocker, u)),
    ),
    delete: jest.fn(async (_tx: EntityManager, _appId: string, blocker: string, uids: string[]) =>
      uids.filter((u) => has(blocker, u)),
    ),
    listBlockedUsers: jest.fn(async (): Promise<[UserEntity[], number]> => [[], 0]),
    blockTimes: jest.fn(async () => new Map<string, BlockTimes>()),
  };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => Math.floor(T1.getTime() / 1000) };
  const service = new BlockService(
    blocks as unknown as BlockRepository,
    parties as unknown as RelationshipPartyRepository,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  return { service, blocks, parties, outbox };
}

describe('BlockService', () => {
  describe('block', () => {
    it('blocks each uid, holding the users against deletion, and stages block.added', async () => {
      const { service, blocks, parties, outbox } = setup();
      const reply = await service.block('app1', 'alice', ['bob', 'carol']);
      expect(reply).toEqual({
        bob: { success: true, message: expect.any(String) },
        carol: { success: true, message: expect.any(String) },
      });
      expect(parties.activeUids).toHaveBeenCalledWith(
        TX,
        'app1',
        ['alice', 'bob', 'carol'],
        'key share',
      );
      expect(blocks.insert).toHaveBeenCalledWith(TX, 'app1', 'alice', ['bob', 'carol'], T1);
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.blockAdded, 'app1', {
        blocker: 'alice',
        blocked: 'bob',
      });
      expect(outbox.stage).toHaveBeenCalledTimes(2);
    });

    it('succeeds again for a user already blocked, announcing nothing new', async () => {
      const { service, outbox } = setup({ blocked: [['alice', 'bob']] });
      const reply = await service.block('app1', 'alice', ['bob']);
      expect(reply.bob).toMatchObject({ success: true });
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('answers self with ERR_CANNOT_BLOCK_SELF and unknown or inactive uids with ERR_UID_NOT_FOUND', async () => {
      const { service, blocks } = setup({ active: ['alice', 'bob'] });
      const reply = await service.block('app1', 'alice', ['alice', 'ghost', 'carol', 'bob']);
      expect(reply.alice).toMatchObject({
        success: false,
        error: { code: 'ERR_CANNOT_BLOCK_SELF' },
      });
      expect(reply.ghost).toMatchObject({ success: false, error: { code: 'ERR_UID_NOT_FOUND' } });
      expect(reply.carol).toMatchObject({ success: false, error: { code: 'ERR_UID_NOT_FOUND' } });
      expect(reply.bob).toMatchObject({ success: true });
      expect(blocks.insert).toHaveBeenCalledWith(TX, 'app1', 'alice', ['bob'], T1);
    });

    it('refuses the whole call when the blocker is missing or inactive', async () => {
      const { service, blocks } = setup({ active: ['bob'] });
      await expect(service.block('app1', 'alice', ['bob'])).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(blocks.insert).not.toHaveBeenCalled();
    });
  });

  describe('unblock', () => {
    it('unblocks blocked users and stages block.removed for each', async () => {
      const { service, outbox } = setup({ blocked: [['alice', 'bob']] });
      const reply = await service.unblock('app1', 'alice', ['bob']);
      expect(reply.bob).toMatchObject({ success: true });
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.blockRemoved, 'app1', {
        blocker: 'alice',
        blocked: 'bob',
      });
    });

    it('succeeds for an active user who was not blocked (idempotent), announcing nothing', async () => {
      const { service, outbox } = setup();
      const reply = await service.unblock('app1', 'alice', ['bob']);
      expect(reply.bob).toEqual({ success: true, message: 'The user bob was not blocked.' });
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('removes a block of a user since deactivated, and answers unknown uids ERR_UID_NOT_FOUND', async () => {
      const { service, blocks } = setup({ active: ['alice'], blocked: [['alice', 'gone']] });
      const reply = await service.unblock('app1', 'alice', ['gone', 'ghost', 'alice']);
      expect(blocks.delete).toHaveBeenCalledWith(TX, 'app1', 'alice', ['gone', 'ghost']);
      expect(reply.gone).toMatchObject({ success: true });
      expect(reply.ghost).toMatchObject({ success: false, error: { code: 'ERR_UID_NOT_FOUND' } });
      expect(reply.alice).toMatchObject({
        success: false,
        error: { code: 'ERR_CANNOT_BLOCK_SELF' },
      });
    });

    it('refuses the whole call when the blocker is missing or inactive', async () => {
      const { service, blocks } = setup({ active: [] });
      await expect(service.unblock('app1', 'alice', ['bob'])).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(blocks.delete).not.toHaveBeenCalled();
    });
  });

  describe('list', () => {
    it('annotates the page with the block fields of both directions in one call', async () => {
      const { service, blocks } = setup();
      blocks.listBlockedUsers.mockResolvedValue([
        [userRow({ uid: 'bob' }), userRow({ uid: 'carol' })],
        2,
      ]);
      blocks.blockTimes.mockResolvedValue(
        new Map<string, BlockTimes>([
          ['bob', { blockedByMeAt: T0, hasBlockedMeAt: T1 }],
          ['carol', { hasBlockedMeAt: T0 }],
        ]),
      );
      const page = await service.list('app1', 'alice', 'both', {}, { page: 1, perPage: 10 });
      expect(blocks.listBlockedUsers).toHaveBeenCalledWith(
        'app1',
        'alice',
        'both',
        {},
        { page: 1, perPage: 10 },
      );
      expect(blocks.blockTimes).toHaveBeenCalledTimes(1);
      expect(blocks.blockTimes).toHaveBeenCalledWith('app1', 'alice', ['bob', 'carol']);
      expect(page.items[0]).toMatchObject({
        uid: 'bob',
        blockedByMe: true,
        blockedByMeAt: S0,
        hasBlockedMe: true,
        blockedAt: S0,
        conversationId: 'alice_user_bob',
      });
      expect(page.items[1]).toMatchObject({
        uid: 'carol',
        blockedByMe: false,
        hasBlockedMe: true,
        blockedAt: S0,
        conversationId: 'alice_user_carol',
      });
      expect(page.items[1]).not.toHaveProperty('blockedByMeAt');
      expect(page.pagination).toMatchObject({ total: 2, count: 2 });
    });

    it('answers ERR_UID_NOT_FOUND for a missing or inactive viewer', async () => {
      const { service, blocks } = setup({ active: [] });
      await expect(
        service.list('app1', 'alice', 'blockedByMe', {}, { page: 1, perPage: 10 }),
      ).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND' });
      expect(blocks.listBlockedUsers).not.toHaveBeenCalled();
    });
  });
});
