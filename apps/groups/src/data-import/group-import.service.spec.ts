import { Clock, Outbox, Transactor } from '@parley/common';
import { GroupImportItem, User } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { GroupEntity } from '../groups/group.entity';
import { GroupPasswords } from '../groups/group-passwords';
import { GroupRepository } from '../groups/group.repository';
import { UserDirectory } from '../members/user-directory';
import { seconds, T0, T1 } from '../testing/group.factory';
import { GroupImportService } from './group-import.service';

const TX = {} as EntityManager;

function setup(existing: Record<string, { membersCount: number; createdAt: Date }> = {}) {
  const groups = {
    upsertImported: jest.fn(async (_tx: EntityManager, g: GroupEntity, keepCreatedAt: boolean) => {
      const before = existing[g.guid];
      return before
        ? {
            created: false,
            membersCount: before.membersCount,
            createdAt: keepCreatedAt ? before.createdAt : g.createdAt,
          }
        : { created: true, membersCount: 0, createdAt: g.createdAt };
    }),
  };
  const users = {
    activeUsers: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.filter((u) => u === 'alice').map((u) => [u, { uid: u } as User])),
    ),
  };
  const passwords = { hash: jest.fn(async (p: string) => `hashed:${p}`) };
  const transactor = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => seconds(T1) };
  const service = new GroupImportService(
    groups as unknown as GroupRepository,
    users as unknown as UserDirectory,
    passwords as unknown as GroupPasswords,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  const events = () =>
    (outbox.stage.mock.calls as unknown as Array<[unknown, { name: string }, string, unknown]>).map(
      ([, def, , body]) => [def.name, body] as const,
    );
  return { service, groups, users, passwords, events };
}

const item = (over: Partial<GroupImportItem> = {}): GroupImportItem => ({
  guid: 'g1',
  name: 'Group one',
  type: 'public',
  ...over,
});

describe('GroupImportService', () => {
  it('creates new groups keyed by guid, owned by app_system unless named, with their createdAt', async () => {
    const { service, groups, events } = setup();
    const result = await service.import('app1', [
      item({ createdAt: seconds(T0) }),
      item({ guid: 'g2', owner: 'alice', tags: ['t'] }),
    ]);
    expect(result.g1).toEqual({
      success: true,
      data: expect.objectContaining({ guid: 'g1', owner: 'app_system', createdAt: seconds(T0) }),
    });
    expect(result.g2).toEqual({
      success: true,
      data: expect.objectContaining({ owner: 'alice', tags: ['t'], membersCount: 0 }),
    });
    expect(groups.upsertImported).toHaveBeenNthCalledWith(1, TX, expect.anything(), false);
    expect(groups.upsertImported).toHaveBeenNthCalledWith(2, TX, expect.anything(), true);
    expect(events().map(([name, body]) => [name, (body as { actor: string }).actor])).toEqual([
      ['group.created', 'app_system'],
      ['group.created', 'app_system'],
    ]);
  });

  it('replaces an existing group, keeping its members count and creation time', async () => {
    const { service, events } = setup({ g1: { membersCount: 7, createdAt: T0 } });
    const result = await service.import('app1', [item({ name: 'Renamed' })]);
    expect(result.g1).toEqual({
      success: true,
      data: expect.objectContaining({ name: 'Renamed', membersCount: 7, createdAt: seconds(T0) }),
    });
    expect(events()[0][0]).toBe('group.updated');
  });

  it('fails items alone: unknown owner, password group without a password', async () => {
    const { service, passwords } = setup();
    const result = await service.import('app1', [
      item({ guid: 'a', owner: 'ghost' }),
      item({ guid: 'b', type: 'password' }),
      item({ guid: 'c', type: 'password', password: 'pw' }),
    ]);
    expect(result.a).toEqual({
      success: false,
      error: { code: 'ERR_UID_NOT_FOUND', message: expect.any(String) },
    });
    expect(result.b).toEqual({
      success: false,
      error: { code: 'ERR_EMPTY_GROUP_PASS', message: expect.any(String) },
    });
    expect(result.c).toMatchObject({ success: true, data: { type: 'password' } });
    expect(JSON.stringify(result.c)).not.toContain('pw"');
    expect(passwords.hash).toHaveBeenCalledWith('pw');
  });
});
