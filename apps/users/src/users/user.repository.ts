import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { UserEntity } from './user.entity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<UserEntity>;

@Injectable()
export class UserRepository {
  constructor(private readonly ds: DataSource) {}

  /** Inserts unless (app, uid) exists, soft-deleted rows included; false when it exists. */
  async insert(tx: EntityManager, user: UserEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values(user as Row)
      .orIgnore()
      .returning(['uid'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  /** The row in any state (active, deactivated or soft-deleted). */
  find(appId: string, uid: string): Promise<UserEntity | null> {
    return this.ds.getRepository(UserEntity).findOneBy({ appId, uid });
  }

  /** Like `find`, locking the row until the transaction ends. */
  findForUpdate(tx: EntityManager, appId: string, uid: string): Promise<UserEntity | null> {
    return tx
      .getRepository(UserEntity)
      .findOne({ where: { appId, uid }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Active users (neither deactivated nor deleted) in uid order. `searchKey` is a prefix of the uid
   * or, case-insensitively, of the name.
   */
  listActive(
    appId: string,
    filter: { searchKey?: string },
    page: PageQuery,
  ): Promise<[UserEntity[], number]> {
    const qb = this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.appId = :appId', { appId })
      .andWhere('u.deactivatedAt IS NULL')
      .andWhere('u.deletedAt IS NULL')
      .orderBy('u.uid', 'ASC')
      .skip((page.page - 1) * page.perPage)
      .take(page.perPage);
    if (filter.searchKey) {
      // No ESCAPE clause: backslash is LIKE's default escape, and a plain LIKE on a constant
      // prefix is what lets the planner use the (app_id, uid) and lower(name) pattern indexes.
      qb.andWhere('(u.uid LIKE lower(:prefix) OR lower(u.name) LIKE lower(:prefix))', {
        prefix: `${escapeLike(filter.searchKey)}%`,
      });
    }
    return qb.getManyAndCount();
  }

  async update(tx: EntityManager, user: UserEntity): Promise<void> {
    await tx.getRepository(UserEntity).update({ appId: user.appId, uid: user.uid }, {
      name: user.name,
      avatar: user.avatar,
      link: user.link,
      role: user.role,
      statusMessage: user.statusMessage,
      metadata: user.metadata,
      tags: user.tags,
      updatedAt: user.updatedAt,
    } as Row);
  }

  /** Soft delete: the row stays, so the uid cannot be created again. */
  async markDeleted(tx: EntityManager, appId: string, uid: string, at: Date): Promise<void> {
    await tx.getRepository(UserEntity).update({ appId, uid }, { deletedAt: at });
  }

  /** Permanent delete: the row goes and the uid may be created again. */
  async remove(tx: EntityManager, appId: string, uid: string): Promise<void> {
    await tx.getRepository(UserEntity).delete({ appId, uid });
  }
}

/** Escapes LIKE's wildcards (and its escape character) so user input matches literally. */
export function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}
