import { escapeLike } from '@parley/common';
import { Injectable } from '@nestjs/common';
import { ApiKeyScope, PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { ApiKeyEntity } from './api-key.entity';

@Injectable()
export class ApiKeyRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(tx: EntityManager, key: ApiKeyEntity): Promise<void> {
    await tx.getRepository(ApiKeyEntity).insert(key);
  }

  /**
   * Locks the app row so concurrent creates cannot pass the per-app cap together. Undefined when
   * the app does not exist.
   */
  async countForUpdate(tx: EntityManager, appId: string): Promise<number | undefined> {
    const app: unknown[] = await tx.query(
      'SELECT 1 FROM "identity"."apps" WHERE "app_id" = $1 FOR UPDATE',
      [appId],
    );
    if (!app.length) return undefined;
    return tx.getRepository(ApiKeyEntity).countBy({ appId });
  }

  /** Inside a transaction, read through it (`tx`): a second connection may never come. */
  find(appId: string, keyHash: string, tx?: EntityManager): Promise<ApiKeyEntity | null> {
    return (tx ?? this.ds.manager).getRepository(ApiKeyEntity).findOneBy({ appId, keyHash });
  }

  async list(
    appId: string,
    filter: { scope?: ApiKeyScope; searchKey?: string },
    page: PageQuery,
  ): Promise<[ApiKeyEntity[], number]> {
    const qb = this.ds
      .getRepository(ApiKeyEntity)
      .createQueryBuilder('k')
      .where('k.appId = :appId', { appId })
      .orderBy('k.createdAt', 'ASC')
      .addOrderBy('k.keyHash', 'ASC')
      .skip((page.page - 1) * page.perPage)
      .take(page.perPage);
    if (filter.scope) qb.andWhere('k.scope = :scope', { scope: filter.scope });
    if (filter.searchKey) {
      qb.andWhere(`k.name ILIKE :search ESCAPE '\\'`, {
        search: `%${escapeLike(filter.searchKey)}%`,
      });
    }
    return qb.getManyAndCount();
  }

  async update(tx: EntityManager, key: ApiKeyEntity): Promise<void> {
    await tx
      .getRepository(ApiKeyEntity)
      .update(
        { appId: key.appId, keyHash: key.keyHash },
        { name: key.name, scope: key.scope, updatedAt: key.updatedAt },
      );
  }

  async delete(tx: EntityManager, appId: string, keyHash: string): Promise<boolean> {
    const r = await tx.getRepository(ApiKeyEntity).delete({ appId, keyHash });
    return (r.affected ?? 0) > 0;
  }
}
