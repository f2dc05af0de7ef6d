import { Injectable } from '@nestjs/common';
import { DEFAULT_ROLE, DEFAULT_ROLE_SETTINGS, PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { RoleEntity } from './role.entity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<RoleEntity>;

@Injectable()
export class RoleRepository {
  constructor(private readonly ds: DataSource) {}

  /** Writes the app's `default` role unless it is there already (its first use materialises it). */
  async ensureDefault(
    appId: string,
    now: Date,
    tx: EntityManager = this.ds.manager,
  ): Promise<void> {
    await tx.query(
      `INSERT INTO "users"."roles" ("app_id", "role", "name", "settings", "created_at", "updated_at")
       VALUES ($1, $2, 'Default', $3, $4, $4)
       ON CONFLICT DO NOTHING`,
      [appId, DEFAULT_ROLE, JSON.stringify(DEFAULT_ROLE_SETTINGS), now],
    );
  }

  /**
   * How many roles the app has, `default` included. Locks the app's `default` row (materialising it
   * first) until the transaction ends, so concurrent creates cannot pass the per-app cap together.
   */
  async countForUpdate(tx: EntityManager, appId: string, now: Date): Promise<number> {
    await this.ensureDefault(appId, now, tx);
    await tx.query(`SELECT 1 FROM "users"."roles" WHERE "app_id" = $1 AND "role" = $2 FOR UPDATE`, [
      appId,
      DEFAULT_ROLE,
    ]);
    return tx.getRepository(RoleEntity).countBy({ appId });
  }

  /** Inserts unless (app, role) exists; false when it exists. */
  async insert(tx: EntityManager, role: RoleEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(RoleEntity)
      .values(role as Row)
      .orIgnore()
      .returning(['role'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  find(appId: string, role: string): Promise<RoleEntity | null> {
    return this.ds.getRepository(RoleEntity).findOneBy({ appId, role });
  }

  /** Like `find`, locking the row until the transaction ends. */
  findForUpdate(tx: EntityManager, appId: string, role: string): Promise<RoleEntity | null> {
    return tx
      .getRepository(RoleEntity)
      .findOne({ where: { appId, role }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Whether the role exists, holding a key-share lock on it until the transaction ends: a
   * concurrent delete of the role waits, so it cannot miss a user given the role meanwhile.
   */
  async existsForShare(tx: EntityManager, appId: string, role: string): Promise<boolean> {
    const rows: unknown[] = await tx.query(
      `SELECT 1 FROM "users"."roles" WHERE "app_id" = $1 AND "role" = $2 FOR KEY SHARE`,
      [appId, role],
    );
    return rows.length === 1;
  }

  /** The app's roles in role-id order (the primary key's order). */
  list(appId: string, page: PageQuery): Promise<[RoleEntity[], number]> {
    return this.ds.getRepository(RoleEntity).findAndCount({
      where: { appId },
      order: { role: 'ASC' },
      skip: (page.page - 1) * page.perPage,
      take: page.perPage,
    });
  }

  async update(tx: EntityManager, role: RoleEntity): Promise<void> {
    await tx.getRepository(RoleEntity).update({ appId: role.appId, role: role.role }, {
      name: role.name,
      description: role.description,
      metadata: role.metadata,
      settings: role.settings,
      updatedAt: role.updatedAt,
    } as Row);
  }

  /** False when there was no such role. */
  async delete(tx: EntityManager, appId: string, role: string): Promise<boolean> {
    const r = await tx.getRepository(RoleEntity).delete({ appId, role });
    return (r.affected ?? 0) > 0;
  }

  /**
   * Gives every user of the app holding `role` the `default` role instead, deactivated and
   * soft-deleted users included; returns how many were moved.
   */
  async moveUsersToDefault(
    tx: EntityManager,
    appId: string,
    role: string,
    now: Date,
  ): Promise<number> {
    const [, moved] = (await tx.query(
      `UPDATE "users"."users" SET "role" = $3, "updated_at" = $4
       WHERE "app_id" = $1 AND "role" = $2`,
      [appId, role, DEFAULT_ROLE, now],
    )) as [unknown[], number];
    return moved;
  }
}
