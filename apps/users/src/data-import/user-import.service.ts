import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { EVENTS, UserImportItem, UserImportResult } from '@parley/contracts';
import { RoleDirectory } from '../roles/role-directory';
import { UserEntity } from '../users/user.entity';
import { toUser } from '../users/user.mapper';
import { UserRepository } from '../users/user.repository';

const fromSeconds = (s: number) => new Date(s * 1000);

/**
 * POST /data_import/users: each user is written in its own transaction, keyed by uid, so importing
 * the same batch again updates the same rows (idempotent) and one bad item fails alone.
 */
@Injectable()
export class UserImportService {
  constructor(
    private readonly users: UserRepository,
    private readonly roles: RoleDirectory,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async import(appId: string, items: UserImportItem[]): Promise<UserImportResult> {
    const result: UserImportResult = {};
    for (const item of items) {
      try {
        result[item.uid] = { success: true, data: await this.importOne(appId, item) };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        result[item.uid] = { success: false, error: { code: err.code, message: err.message } };
      }
    }
    return result;
  }

  private importOne(appId: string, item: UserImportItem) {
    const now = this.clock.now();
    const entity: UserEntity = {
      appId,
      uid: item.uid,
      name: item.name,
      avatar: item.avatar ?? null,
      link: item.link ?? null,
      role: item.role ?? 'default',
      statusMessage: item.statusMessage ?? null,
      metadata: item.metadata ?? null,
      tags: item.tags ?? [],
      lastActiveAt: null,
      createdAt: item.createdAt !== undefined ? fromSeconds(item.createdAt) : now,
      updatedAt: now,
      deactivatedAt: item.deactivatedAt !== undefined ? fromSeconds(item.deactivatedAt) : null,
      deletedAt: null,
    };
    return this.tx.run(async (tx) => {
      await this.roles.assertExists(tx, appId, entity.role);
      const written = await this.users.upsertImported(tx, entity);
      if (!written) {
        throw new DomainError(
          'ERR_UID_ALREADY_EXISTS',
          `The uid ${item.uid} belongs to a deleted user.`,
        );
      }
      const user = toUser(entity);
      const def = written.created ? EVENTS.users.userCreated : EVENTS.users.userUpdated;
      await this.outbox.stage(tx, def, appId, { user });
      return user;
    });
  }
}
