import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { EVENTS, MAX_ROLES_PER_APP, RoleCreate, RoleUpdate } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { fullRoleRow, roleRow } from '../testing/role.factory';
import { T0, T1 } from '../testing/user.factory';
import { RoleDirectory } from './role-directory';
import { RoleEntity } from './role.entity';
import { RoleRepository } from './role.repository';
import { RoleService } from './role.service';

const TX = {} as EntityManager;
const secondsOf = (d: Date) => Math.floor(d.getTime() / 1000);

function createInput(over: Partial<RoleCreate> = {}): RoleCreate {
  return { appId: 'app1', role: 'moderator', name: 'Moderator', ...over };
}

function updateInput(over: Partial<RoleUpdate> = {}): RoleUpdate {
  return { appId: 'app1', role: 'moderator', ...over };
}

/**
 * The repository mocked over an in-memory set of rows (copies, so a test sees only what was
 * written back); `count` is what the locking count answers.
 */
function setup(opts: { rows?: RoleEntity[]; count?: number } = {}) {
  const rows = new Map((opts.rows ?? []).map((r) => [r.role, r]));
  const copy = (role: string) => {
    const r = rows.get(role);
    return r ? { ...r, settings: { ...r.settings } } : null;
  };
  const repo = {
    ensureDefault: jest.fn(async (_appId: string, now: Date, _tx?: EntityManager) => {
      if (!rows.has('default'))
        rows.set(
          'default',
          roleRow({ role: 'default', name: 'Default', createdAt: now, updatedAt: now }),
        );
    }),
    countForUpdate: jest.fn(
      async (_tx: EntityManager, _appId: string, _now: Date) => opts.count ?? 1,
    ),
    insert: jest.fn(async (_tx: EntityManager, r: RoleEntity) => !rows.has(r.role)),
    find: jest.fn(async (_appId: string, role: string) => copy(role)),
    findForUpdate: jest.fn(async (_tx: EntityManager, _appId: string, role: string) => copy(role)),
    existsForShare: jest.fn(async (_tx: EntityManager, _appId: string, role: string) =>
      rows.has(role),
    ),
    list: jest.fn(async (): Promise<[RoleEntity[], number]> => [[...rows.values()], rows.size]),
    update: jest.fn(async (_tx: EntityManager, _r: RoleEntity) => undefined),
    delete: jest.fn(async (_tx: EntityManager, _appId: string, role: string) => rows.has(role)),
    moveUsersToDefault: jest.fn(
      async (_tx: EntityManager, _appId: string, _role: string, _now: Date) => 3,
    ),
  };
  const transactor = {
    run: jest.fn(
      async <T>(
        work: (tx: EntityManager) => Promise<T>,
        _opts?: { publishBeforeReturn?: boolean },
      ): Promise<T> => work(TX),
    ),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const clock = { now: () => T1, nowSeconds: () => secondsOf(T1) };
  const r = repo as unknown as RoleRepository;
  const service = new RoleService(
    r,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
  );
  return { service, directory: new RoleDirectory(r), repo, outbox };
}

describe('RoleService', () => {
  describe('create', () => {
    it('inserts the role with both settings defaulting to all and stages role.created', async () => {
      const { service, repo, outbox } = setup();
      const role = await service.create(createInput({ settings: { listUsers: 'friendsOnly' } }));
      expect(role).toEqual({
        role: 'moderator',
        name: 'Moderator',
        settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
        createdAt: secondsOf(T1),
        updatedAt: secondsOf(T1),
      });
      expect(repo.insert).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ appId: 'app1', description: null, metadata: null }),
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.roleCreated, 'app1', { role });
    });

    it('carries description and metadata when given', async () => {
      const { service } = setup();
      const role = await service.create(
        createInput({ description: 'Keeps the peace', metadata: { level: 2 } }),
      );
      expect(role).toMatchObject({ description: 'Keeps the peace', metadata: { level: 2 } });
    });

    it("counts the app's roles in the same (locking) transaction as the insert", async () => {
      const { service, repo } = setup();
      await service.create(createInput());
      expect(repo.countForUpdate).toHaveBeenCalledWith(TX, 'app1', T1);
    });

    it(`allows the ${MAX_ROLES_PER_APP}th role (default included)`, async () => {
      const { service, repo } = setup({ count: MAX_ROLES_PER_APP - 1 });
      await service.create(createInput());
      expect(repo.insert).toHaveBeenCalled();
    });

    it(`refuses a role beyond ${MAX_ROLES_PER_APP} with ERR_PLAN_QUOTA_RESTRICTION`, async () => {
      const { service, repo, outbox } = setup({ count: MAX_ROLES_PER_APP });
      expect((await domainErrorOf(service.create(createInput()))).code).toBe(
        'ERR_PLAN_QUOTA_RESTRICTION',
      );
      expect(repo.insert).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('refuses an existing role id with ERR_ROLE_ALREADY_EXISTS and stages nothing', async () => {
      const { service, outbox } = setup({ rows: [roleRow()] });
      expect((await domainErrorOf(service.create(createInput()))).code).toBe(
        'ERR_ROLE_ALREADY_EXISTS',
      );
      expect(outbox.stage).not.toHaveBeenCalled();
    });
  });

  describe('get', () => {
    it('returns a stored role', async () => {
      const { service } = setup({ rows: [fullRoleRow()] });
      await expect(service.get('app1', 'moderator')).resolves.toEqual({
        role: 'moderator',
        name: 'Moderator',
        description: 'Keeps the peace',
        metadata: { level: 2 },
        settings: { listUsers: 'friendsOnly', sendMessagesTo: 'friendsOnly' },
        createdAt: secondsOf(T0),
        updatedAt: secondsOf(T0),
      });
    });

    it('materialises default the first time it is asked for', async () => {
      const { service, repo } = setup();
      const role = await service.get('app1', 'default');
      expect(repo.ensureDefault).toHaveBeenCalledWith('app1', T1);
      expect(role).toMatchObject({
        role: 'default',
        settings: { listUsers: 'all', sendMessagesTo: 'all' },
      });
    });

    it('answers ERR_ROLE_NOT_FOUND for an unknown role, without materialising anything', async () => {
      const { service, repo } = setup();
      expect((await domainErrorOf(service.get('app1', 'ghost'))).code).toBe('ERR_ROLE_NOT_FOUND');
      expect(repo.ensureDefault).not.toHaveBeenCalled();
    });
  });

  describe('list', () => {
    it('always includes default and gives the pagination', async () => {
      const { service, repo } = setup({ rows: [roleRow()] });
      const page = await service.list('app1', { page: 1, perPage: 10 });
      expect(repo.ensureDefault).toHaveBeenCalledWith('app1', T1);
      expect(page.items.map((r) => r.role).sort()).toEqual(['default', 'moderator']);
      expect(page.pagination).toEqual({
        total: 2,
        count: 2,
        per_page: 10,
        current_page: 1,
        total_pages: 1,
      });
    });
  });

  describe('update', () => {
    it('merges settings one by one, replaces given fields, sets updatedAt, stages role.updated', async () => {
      const { service, repo, outbox } = setup({ rows: [fullRoleRow()] });
      const role = await service.update(
        updateInput({ name: 'Mod', settings: { sendMessagesTo: 'all' } }),
      );
      expect(role).toMatchObject({
        name: 'Mod',
        description: 'Keeps the peace',
        settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
        updatedAt: secondsOf(T1),
        createdAt: secondsOf(T0),
      });
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ name: 'Mod', updatedAt: T1 }),
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.roleUpdated, 'app1', { role });
    });

    it('clears the fields named in unset; unset settings returns both to all', async () => {
      const { service, repo } = setup({ rows: [fullRoleRow()] });
      const role = await service.update(
        updateInput({ unset: ['description', 'metadata', 'settings'] }),
      );
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({
          description: null,
          metadata: null,
          settings: { listUsers: 'all', sendMessagesTo: 'all' },
        }),
      );
      expect(role).not.toHaveProperty('description');
      expect(role).not.toHaveProperty('metadata');
      expect(role.settings).toEqual({ listUsers: 'all', sendMessagesTo: 'all' });
    });

    it('refuses a field that is both set and unset, writing nothing', async () => {
      const { service, repo } = setup({ rows: [fullRoleRow()] });
      const err = await domainErrorOf(
        service.update(updateInput({ settings: { listUsers: 'all' }, unset: ['settings'] })),
      );
      expect(err.code).toBe('ERR_BAD_REQUEST');
      expect(err.details).toHaveProperty('unset');
      expect(repo.update).not.toHaveBeenCalled();
    });

    it('updates default, materialising it first, settings included', async () => {
      const { service, repo } = setup();
      const role = await service.update(
        updateInput({ role: 'default', settings: { listUsers: 'friendsOnly' } }),
      );
      expect(repo.ensureDefault).toHaveBeenCalledWith('app1', T1, TX);
      expect(role).toMatchObject({
        role: 'default',
        settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' },
      });
    });

    it('answers ERR_ROLE_NOT_FOUND for an unknown role and stages nothing', async () => {
      const { service, repo, outbox } = setup();
      expect((await domainErrorOf(service.update(updateInput({ name: 'x' })))).code).toBe(
        'ERR_ROLE_NOT_FOUND',
      );
      expect(repo.update).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });
  });

  describe('delete', () => {
    it('deletes the role, moves its users to default and stages role.deleted', async () => {
      const { service, repo, outbox } = setup({ rows: [roleRow()] });
      await expect(service.delete('app1', 'moderator')).resolves.toMatchObject({ success: true });
      expect(repo.delete).toHaveBeenCalledWith(TX, 'app1', 'moderator');
      expect(repo.moveUsersToDefault).toHaveBeenCalledWith(TX, 'app1', 'moderator', T1);
      expect(repo.delete.mock.invocationCallOrder[0]).toBeLessThan(
        repo.moveUsersToDefault.mock.invocationCallOrder[0],
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.roleDeleted, 'app1', {
        role: 'moderator',
      });
    });

    it('refuses to delete default with ERR_ROLE_DELETE_DENIED and touches nothing', async () => {
      const { service, repo, outbox } = setup();
      const err = await domainErrorOf(service.delete('app1', 'default'));
      expect(err).toBeInstanceOf(DomainError);
      expect(err.code).toBe('ERR_ROLE_DELETE_DENIED');
      expect(repo.delete).not.toHaveBeenCalled();
      expect(repo.moveUsersToDefault).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('answers ERR_ROLE_NOT_FOUND for an unknown role and moves no one', async () => {
      const { service, repo, outbox } = setup();
      expect((await domainErrorOf(service.delete('app1', 'ghost'))).code).toBe(
        'ERR_ROLE_NOT_FOUND',
      );
      expect(repo.moveUsersToDefault).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });
  });
});

describe('RoleDirectory', () => {
  it('knows default without asking the database', async () => {
    const { directory, repo } = setup();
    await expect(directory.assertExists(TX, 'app1', 'default')).resolves.toBeUndefined();
    expect(repo.existsForShare).not.toHaveBeenCalled();
  });

  it('checks other roles in the caller’s transaction', async () => {
    const { directory, repo } = setup({ rows: [roleRow()] });
    await expect(directory.assertExists(TX, 'app1', 'moderator')).resolves.toBeUndefined();
    expect(repo.existsForShare).toHaveBeenCalledWith(TX, 'app1', 'moderator');
    expect((await domainErrorOf(directory.assertExists(TX, 'app1', 'ghost'))).code).toBe(
      'ERR_ROLE_NOT_FOUND',
    );
  });

  it("gives a role's settings, and all/all for a role not stored", async () => {
    const { directory } = setup({
      rows: [fullRoleRow({ settings: { listUsers: 'friendsOnly', sendMessagesTo: 'all' } })],
    });
    await expect(directory.settingsFor('app1', 'moderator')).resolves.toEqual({
      listUsers: 'friendsOnly',
      sendMessagesTo: 'all',
    });
    await expect(directory.settingsFor('app1', 'default')).resolves.toEqual({
      listUsers: 'all',
      sendMessagesTo: 'all',
    });
  });
});
