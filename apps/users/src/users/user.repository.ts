import { escapeLike } from '@parley/common';
import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { UserEntity } from './user.entity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<UserEntity>;

export interface UserListFilter {
  searchKey?: string;
  searchIn: Array<'name' | 'uid'>;
  roles?: string[];
  tags?: string[];
  /** Deactivated users: left out (default), included, or the only ones listed. */
  deactivated: 'exclude' | 'include' | 'only';
  /** Only these uids (presence: the online ones; views: the viewer's friends). */
  onlyUids?: string[];
  /** None of these uids (presence: `status=offline` leaves the online ones out). */
  exceptUids?: string[];
}

/** A row of "users"."users" as `pg` reads it. */
interface UserRow {
  app_id: string;
  uid: string;
  name: string;
  avatar: string | null;
  link: string | null;
  role: string;
  status_message: string | null;
  metadata: Record<string, unknown> | null;
  tags: string[];
  last_active_at: Date | null;
  created_at: Date;
  updated_at: Date;
  deactivated_at: Date | null;
  deleted_at: Date | null;
}

const entityOf = (r: UserRow): UserEntity =>
  Object.assign(new UserEntity(), {
    appId: r.app_id,
    uid: r.uid,
    name: r.name,
    avatar: r.avatar,
    link: r.link,
    role: r.role,
    statusMessage: r.status_message,
    metadata: r.metadata,
    tags: r.tags,
    lastActiveAt: r.last_active_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    deactivatedAt: r.deactivated_at,
    deletedAt: r.deleted_at,
  });

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

  /**
   * The active users among `uids`, in uid order. Raw SQL: every presence change and real-time
   * login asks this, and TypeORM's query building cost more than the query.
   */
  async findActive(appId: string, uids: string[]): Promise<UserEntity[]> {
    if (!uids.length) return [];
    const rows: UserRow[] = await this.ds.query(
      `SELECT * FROM "users"."users"
       WHERE "app_id" = $1 AND "uid" = ANY($2::text[])
         AND "deactivated_at" IS NULL AND "deleted_at" IS NULL
       ORDER BY "uid"`,
      [appId, uids],
    );
    return rows.map(entityOf);
  }

  /** Like `find`, locking the row until the transaction ends. */
  findForUpdate(tx: EntityManager, appId: string, uid: string): Promise<UserEntity | null> {
    return tx
      .getRepository(UserEntity)
      .findOne({ where: { appId, uid }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * A page of users in uid order (deterministic: no duplicates or gaps across pages). Deleted users
   * never appear; deactivated ones only when asked. Every filter narrows an indexed scan:
   * uid prefix (primary key, collated "C"), lower(name) prefix, (app_id, role, uid), tags (GIN).
   */
  list(appId: string, filter: UserListFilter, page: PageQuery): Promise<[UserEntity[], number]> {
    return this.listQuery(appId, filter, page).getManyAndCount();
  }

  /** The page query itself (tests read its plan). */
  listQuery(appId: string, filter: UserListFilter, page: PageQuery) {
    const qb = this.ds
      .getRepository(UserEntity)
      .createQueryBuilder('u')
      .where('u.appId = :appId', { appId })
      .andWhere('u.deletedAt IS NULL')
      .orderBy('u.uid', 'ASC')
      .skip((page.page - 1) * page.perPage)
      .take(page.perPage);
    if (filter.deactivated === 'only') qb.andWhere('u.deactivatedAt IS NOT NULL');
    else if (filter.deactivated === 'exclude') qb.andWhere('u.deactivatedAt IS NULL');
    if (filter.searchKey) whereUidOrNameStartsWith(qb, filter.searchKey, filter.searchIn);
    if (filter.roles?.length) qb.andWhere('u.role IN (:...roles)', { roles: filter.roles });
    if (filter.tags?.length) qb.andWhere('u.tags && :tags::text[]', { tags: filter.tags });
    if (filter.onlyUids)
      qb.andWhere('u.uid = ANY(:onlyUids::text[])', { onlyUids: filter.onlyUids });
    if (filter.exceptUids?.length)
      qb.andWhere('NOT (u.uid = ANY(:exceptUids::text[]))', { exceptUids: filter.exceptUids });
    return qb;
  }

  /** Moves the user's `lastActiveAt` forward to `at` (never back; `updatedAt` is left alone). */
  async recordLastActive(appId: string, uid: string, at: Date): Promise<void> {
    await this.ds.query(
      `UPDATE "users"."users" SET "last_active_at" = $3
        WHERE "app_id" = $1 AND "uid" = $2 AND ("last_active_at" IS NULL OR "last_active_at" < $3)`,
      [appId, uid, at],
    );
  }

  /** Marks active users deactivated; returns the uids that changed. */
  async deactivate(tx: EntityManager, appId: string, uids: string[], at: Date): Promise<string[]> {
    const result = await tx
      .createQueryBuilder()
      .update(UserEntity)
      .set({ deactivatedAt: at, updatedAt: at })
      .where(
        'app_id = :appId AND uid = ANY(:uids::text[]) AND deactivated_at IS NULL AND deleted_at IS NULL',
        {
          appId,
          uids,
        },
      )
      .returning('uid')
      .execute();
    return (result.raw as Array<{ uid: string }>).map((r) => r.uid);
  }

  /** Reactivates deactivated users; returns the uids that changed. */
  async reactivate(tx: EntityManager, appId: string, uids: string[], at: Date): Promise<string[]> {
    const result = await tx
      .createQueryBuilder()
      .update(UserEntity)
      .set({ deactivatedAt: null, updatedAt: at })
      .where(
        'app_id = :appId AND uid = ANY(:uids::text[]) AND deactivated_at IS NOT NULL AND deleted_at IS NULL',
        {
          appId,
          uids,
        },
      )
      .returning('uid')
      .execute();
    return (result.raw as Array<{ uid: string }>).map((r) => r.uid);
  }

  /**
   * Inserts or replaces an imported user (keyed by uid). A soft-deleted uid is left alone: returns
   * undefined. `created` tells whether the row is new.
   */
  async upsertImported(
    tx: EntityManager,
    user: UserEntity,
  ): Promise<{ created: boolean } | undefined> {
    const rows: Array<{ created: boolean }> = await tx.query(
      `INSERT INTO "users"."users" AS u ("app_id", "uid", "name", "avatar", "link", "role", "status_message",
         "metadata", "tags", "created_at", "updated_at", "deactivated_at")
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
       ON CONFLICT ("app_id", "uid") DO UPDATE SET
         "name" = EXCLUDED."name", "avatar" = EXCLUDED."avatar", "link" = EXCLUDED."link",
         "role" = EXCLUDED."role", "status_message" = EXCLUDED."status_message",
         "metadata" = EXCLUDED."metadata", "tags" = EXCLUDED."tags", "created_at" = EXCLUDED."created_at",
         "updated_at" = EXCLUDED."updated_at", "deactivated_at" = EXCLUDED."deactivated_at"
       WHERE u."deleted_at" IS NULL
       RETURNING (xmax = 0) AS "created"`,
      [
        user.appId,
        user.uid,
        user.name,
        user.avatar,
        user.link,
        user.role,
        user.statusMessage,
        user.metadata === null ? null : JSON.stringify(user.metadata),
        user.tags,
        user.createdAt,
        user.updatedAt,
        user.deactivatedAt,
      ],
    );
    return rows[0];
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

/**
 * Prefix search on a user's uid and/or (case-insensitively) name. No ESCAPE clause: backslash is
 * LIKE's default escape, and a plain LIKE on a constant prefix is what lets the planner use the
 * (app_id, uid) primary key (collated "C") and the lower(name) pattern index.
 */
export function whereUidOrNameStartsWith<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  searchKey: string,
  searchIn: Array<'name' | 'uid'> = ['uid', 'name'],
  columns = { uid: 'u.uid', name: 'u.name' },
): void {
  const clauses = [
    ...(searchIn.includes('uid') ? [`${columns.uid} LIKE lower(:prefix)`] : []),
    ...(searchIn.includes('name') ? [`lower(${columns.name}) LIKE lower(:prefix)`] : []),
  ];
  qb.andWhere(`(${clauses.join(' OR ')})`, { prefix: `${escapeLike(searchKey)}%` });
}
