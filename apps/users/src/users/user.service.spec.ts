import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { EVENTS, UserCreate, UserUpdate } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import {
  deactivatedUserRow,
  deletedUserRow,
  fullUserRow,
  T1,
  userRow,
} from '../testing/user.factory';
import { RoleDirectory } from '../roles/role-directory';
import { AuthTokenIssuer } from './auth-token-issuer';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';
import { UserService } from './user.service';

/**
 * The transaction: a permanent delete claims its erasure record (the INSERT … RETURNING claims
 * it) and counts the user's rows (a schema without tables here: nothing to count).
 */
const TX = {
  query: jest.fn(async (sql: string) => (sql.includes('RETURNING') ? [{}] : [])),
} as unknown as EntityManager;

function createInput(over: Partial<UserCreate> = {}): UserCreate {
  return { appId: 'app1', uid: 'alice', name: 'Alice', ...over };
}

function updateInput(over: Partial<UserUpdate> = {}): UserUpdate {
  return { appId: 'app1', uid: 'alice', ...over };
}

/** The service with every collaborator mocked; `steps` records commits and token requests in order. */
function setup(stored: UserEntity | null = userRow()) {
  const steps: string[] = [];
  const repo = {
    insert: jest.fn(async (_tx: EntityManager, _u: UserEntity) => stored === null),
    find: jest.fn(async (_appId: string, _uid: string) => stored),
    findForUpdate: jest.fn(async (_tx: EntityManager, _appId: string, _uid: string) => stored),
    update: jest.fn(async (_tx: EntityManager, _u: UserEntity) => undefined),
    markDeleted: jest.fn(
      async (_tx: EntityManager, _appId: string, _uid: string, _at: Date) => undefined,
    ),
    remove: jest.fn(async (_tx: EntityManager, _appId: string, _uid: string) => undefined),
  };
  const transactor = {
    run: jest.fn(
      async (
        work: (tx: EntityManager) => Promise<unknown>,
        _opts?: { publishBeforeReturn?: boolean },
      ) => {
        const result = await work(TX);
        steps.push('commit');
        return result;
      },
    ),
  };
  const outbox = { stage: jest.fn(async () => undefined) };
  const issuer = {
    issue: jest.fn(async (_appId: string, uid: string) => {
      steps.push('issue');
      return `${uid}_token`;
    }),
  };
  const clock = { now: () => T1, nowSeconds: () => Math.floor(T1.getTime() / 1000) };
  const roles = {
    assertExists: jest.fn(async (_tx: EntityManager, _appId: string, _role: string) => undefined),
  };
  const service = new UserService(
    repo as unknown as UserRepository,
    issuer as unknown as AuthTokenIssuer,
    transactor as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as Clock,
    roles as unknown as RoleDirectory,
  );
  return { service, repo, transactor, outbox, issuer, roles, steps };
}

describe('UserService', () => {
  describe('create', () => {
    it('inserts the user and stages user.created in the same transaction', async () => {
      const { service, repo, outbox } = setup(null);
      const user = await service.create(createInput({ tags: ['vip'] }));
      expect(repo.insert).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ uid: 'alice', role: 'default', tags: ['vip'] }),
      );
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.userCreated, 'app1', { user });
      expect(user).toMatchObject({ uid: 'alice', name: 'Alice', tags: ['vip'], status: 'offline' });
      expect(user.authToken).toBeUndefined();
    });

    it('refuses an existing uid with ERR_UID_ALREADY_EXISTS and stages nothing', async () => {
      const { service, outbox, issuer } = setup(deletedUserRow());
      const created = service.create(createInput({ withAuthToken: true }));
      await expect(created).rejects.toBeInstanceOf(DomainError);
      await expect(created).rejects.toMatchObject({ code: 'ERR_UID_ALREADY_EXISTS' });
      expect(outbox.stage).not.toHaveBeenCalled();
      expect(issuer.issue).not.toHaveBeenCalled();
    });

    it('asks the issuer for a token after the commit when withAuthToken', async () => {
      const { service, issuer, outbox, steps } = setup(null);
      const user = await service.create(createInput({ withAuthToken: true }));
      expect(steps).toEqual(['commit', 'issue']);
      expect(issuer.issue).toHaveBeenCalledWith('app1', 'alice');
      expect(user.authToken).toBe('alice_token');
      const [, , , event] = outbox.stage.mock.calls[0] as unknown[];
      expect(event).not.toHaveProperty('user.authToken');
    });

    it('asks for no token without withAuthToken', async () => {
      const { service, issuer } = setup(null);
      await service.create(createInput({ withAuthToken: false }));
      expect(issuer.issue).not.toHaveBeenCalled();
    });
  });

  describe('update', () => {
    it('clears the fields named in unset', async () => {
      const { service, repo } = setup(fullUserRow());
      const user = await service.update(
        updateInput({ unset: ['avatar', 'link', 'metadata', 'statusMessage', 'tags'] }),
      );
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({
          avatar: null,
          link: null,
          metadata: null,
          statusMessage: null,
          tags: [],
        }),
      );
      expect(user).not.toHaveProperty('avatar');
      expect(user).not.toHaveProperty('link');
      expect(user).not.toHaveProperty('metadata');
      expect(user).not.toHaveProperty('statusMessage');
      expect(user.tags).toEqual([]);
    });

    it('replaces given fields, keeps the others, sets updatedAt and stages user.updated', async () => {
      const { service, repo, outbox } = setup(fullUserRow());
      const user = await service.update(updateInput({ name: 'Alicia', tags: ['new'] }));
      expect(repo.update).toHaveBeenCalledWith(
        TX,
        expect.objectContaining({ name: 'Alicia', tags: ['new'], updatedAt: T1 }),
      );
      expect(user).toMatchObject({ name: 'Alicia', tags: ['new'], avatar: fullUserRow().avatar });
      expect(user.updatedAt).toBe(Math.floor(T1.getTime() / 1000));
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.userUpdated, 'app1', { user });
    });

    it('refuses a field that is both set and unset', async () => {
      const { service, repo } = setup(fullUserRow());
      await expect(
        service.update(updateInput({ avatar: 'x', unset: ['avatar'] })),
      ).rejects.toMatchObject({
        code: 'ERR_BAD_REQUEST',
      });
      expect(repo.update).not.toHaveBeenCalled();
    });

    it.each([
      ['missing', null],
      ['soft-deleted', deletedUserRow()],
      ['deactivated', deactivatedUserRow()],
    ])('answers ERR_UID_NOT_FOUND for a %s user', async (_state, row) => {
      const { service, repo, outbox } = setup(row);
      await expect(service.update(updateInput({ name: 'x' }))).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(repo.update).not.toHaveBeenCalled();
      expect(outbox.stage).not.toHaveBeenCalled();
    });
  });

  describe('delete', () => {
    it('soft-deletes and stages user.deleted, published before it answers', async () => {
      const { service, repo, outbox, transactor } = setup(userRow());
      await expect(service.delete('app1', 'alice', false)).resolves.toMatchObject({
        success: true,
      });
      expect(repo.markDeleted).toHaveBeenCalledWith(TX, 'app1', 'alice', T1);
      expect(repo.remove).not.toHaveBeenCalled();
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.userDeleted, 'app1', {
        uid: 'alice',
        permanent: false,
      });
      expect(transactor.run).toHaveBeenCalledWith(expect.any(Function), {
        publishBeforeReturn: true,
      });
    });

    it('removes the row when permanent, records the erasure and names it in the event and the answer', async () => {
      const { service, repo, outbox } = setup(userRow());
      const answer = await service.delete('app1', 'alice', true);
      expect(repo.remove).toHaveBeenCalledWith(TX, 'app1', 'alice');
      expect(repo.markDeleted).not.toHaveBeenCalled();
      expect(answer).toEqual({
        success: true,
        message: 'The user alice has been deleted.',
        erasureId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      });
      expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.users.userDeleted, 'app1', {
        uid: 'alice',
        permanent: true,
        erasureId: answer.erasureId,
      });
      const recorded = (TX.query as jest.Mock).mock.calls.filter(([sql]) =>
        String(sql).includes('user_erasures'),
      );
      expect(recorded.map(([, params]) => (params as unknown[])[1])).toEqual([
        answer.erasureId,
        answer.erasureId,
      ]);
    });

    it('answers ERR_UID_NOT_FOUND for a missing user', async () => {
      const { service, outbox } = setup(null);
      await expect(service.delete('app1', 'alice', true)).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(outbox.stage).not.toHaveBeenCalled();
    });

    it('does not soft-delete twice, but erases a soft-deleted user permanently', async () => {
      const again = setup(deletedUserRow());
      await expect(again.service.delete('app1', 'alice', false)).rejects.toMatchObject({
        code: 'ERR_UID_NOT_FOUND',
      });
      expect(again.outbox.stage).not.toHaveBeenCalled();

      const erase = setup(deletedUserRow());
      await erase.service.delete('app1', 'alice', true);
      expect(erase.repo.remove).toHaveBeenCalledWith(TX, 'app1', 'alice');
    });
  });
});
