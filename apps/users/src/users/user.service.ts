import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  Clock,
  countUserRows,
  DomainError,
  erasedBetween,
  eraseUserOnce,
  Outbox,
  Transactor,
} from '@parley/common';
import { EVENTS, User, UserCreate, UserUpdate } from '@parley/contracts';
import { RoleDirectory } from '../roles/role-directory';
import { AuthTokenIssuer } from './auth-token-issuer';
import { UserEntity } from './user.entity';
import { toUser } from './user.mapper';
import { UserRepository } from './user.repository';

type Success = { success: true; message: string };

const notFound = (uid: string) =>
  new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);

/** Deactivated and soft-deleted users exist for uniqueness only; everything else treats them as absent. */
export const isActive = (u: UserEntity | null): u is UserEntity =>
  u !== null && u.deletedAt === null && u.deactivatedAt === null;

@Injectable()
export class UserService {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: AuthTokenIssuer,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly roles: RoleDirectory,
  ) {}

  async create(input: UserCreate): Promise<User> {
    const now = this.clock.now();
    const entity: UserEntity = {
      appId: input.appId,
      uid: input.uid,
      name: input.name,
      avatar: input.avatar ?? null,
      link: input.link ?? null,
      role: input.role ?? 'default',
      statusMessage: input.statusMessage ?? null,
      metadata: input.metadata ?? null,
      tags: input.tags ?? [],
      lastActiveAt: null,
      createdAt: now,
      updatedAt: now,
      deactivatedAt: null,
      deletedAt: null,
    };
    const user = await this.tx.run(async (tx) => {
      await this.roles.assertExists(tx, input.appId, entity.role);
      if (!(await this.users.insert(tx, entity))) {
        throw new DomainError('ERR_UID_ALREADY_EXISTS', `The uid ${input.uid} already exists.`);
      }
      const created = toUser(entity);
      await this.outbox.stage(tx, EVENTS.users.userCreated, input.appId, { user: created });
      return created;
    });
    if (!input.withAuthToken) return user;
    // After the commit: identity asks us whether the user exists before issuing. If this fails the
    // user stays created and the caller can ask for a token on its own.
    return { ...user, authToken: await this.tokens.issue(input.appId, input.uid) };
  }

  /** Given fields replace the stored ones (`tags` as a whole); fields named in `unset` are cleared. */
  async update(input: UserUpdate): Promise<User> {
    const { appId, uid, unset = [], ...change } = input;
    const both = unset.filter((field) => change[field] !== undefined);
    if (both.length) {
      throw new DomainError('ERR_BAD_REQUEST', 'A field cannot be both set and unset.', {
        unset: [`set and unset together: ${both.join(', ')}`],
      });
    }
    return this.tx.run(async (tx) => {
      const user = await this.users.findForUpdate(tx, appId, uid);
      if (!isActive(user)) throw notFound(uid);
      if (change.name !== undefined) user.name = change.name;
      if (change.avatar !== undefined) user.avatar = change.avatar;
      if (change.link !== undefined) user.link = change.link;
      // Only a new role is checked (and locked): re-locking the held one could deadlock its deletion.
      if (change.role !== undefined && change.role !== user.role) {
        await this.roles.assertExists(tx, appId, change.role);
        user.role = change.role;
      }
      if (change.statusMessage !== undefined) user.statusMessage = change.statusMessage;
      if (change.metadata !== undefined) user.metadata = change.metadata;
      if (change.tags !== undefined) user.tags = change.tags;
      for (const field of unset) {
        if (field === 'tags') user.tags = [];
        else user[field] = null;
      }
      user.updatedAt = this.clock.now();
      await this.users.update(tx, user);
      const updated = toUser(user);
      await this.outbox.stage(tx, EVENTS.users.userUpdated, appId, { user: updated });
      return updated;
    });
  }

  /**
   * Soft delete keeps the row so the uid cannot be re-created; `permanent` removes it (freeing the
   * uid) with their friendships and blocks, also for a user already soft-deleted or deactivated,
   * so such a user can still be erased. A permanent delete starts an erasure: its id is in the
   * event, under which every service erases the user and reports it (this one here, at once).
   * The event is on the stream before we answer: identity flushes the user's tokens on it.
   */
  async delete(
    appId: string,
    uid: string,
    permanent: boolean,
  ): Promise<Success & { erasureId?: string }> {
    const erasureId = permanent ? randomUUID() : undefined;
    await this.tx.run(
      async (tx) => {
        const user = await this.users.findForUpdate(tx, appId, uid);
        if (!user || (user.deletedAt !== null && !permanent)) throw notFound(uid);
        if (erasureId) {
          await eraseUserOnce(tx, 'users', appId, erasureId, async () => {
            const before = await countUserRows(tx, 'users', appId, uid);
            await this.users.remove(tx, appId, uid); // friendships and blocks cascade
            return erasedBetween(before, await countUserRows(tx, 'users', appId, uid));
          });
        } else await this.users.markDeleted(tx, appId, uid, this.clock.now());
        await this.outbox.stage(tx, EVENTS.users.userDeleted, appId, {
          uid,
          permanent,
          ...(erasureId ? { erasureId } : {}),
        });
      },
      { publishBeforeReturn: true },
    );
    return {
      success: true,
      message: `The user ${uid} has been deleted.`,
      ...(erasureId ? { erasureId } : {}),
    };
  }
}
