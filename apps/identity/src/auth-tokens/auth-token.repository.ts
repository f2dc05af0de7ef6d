import { Injectable } from '@nestjs/common';
import { PageQuery } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';

// jsonb `unknown` values do not fit TypeORM's deep-partial type; the column takes any JSON.
type Row = QueryDeepPartialEntity<AuthTokenEntity>;
import { AuthTokenEntity } from './auth-token.entity';

@Injectable()
export class AuthTokenRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(tx: EntityManager, token: AuthTokenEntity): Promise<void> {
    await tx.getRepository(AuthTokenEntity).insert(token as Row);
  }

  /**
   * The uid owning the token, or null when there is no such token or its user is deactivated:
   * what a real-time login checks, in one round trip.
   */
  async activeOwner(appId: string, tokenHash: string): Promise<string | null> {
    const rows: Array<{ uid: string }> = await this.ds.query(
      `SELECT t."uid" FROM "identity"."auth_tokens" t
       WHERE t."app_id" = $1 AND t."token_hash" = $2
         AND NOT EXISTS (SELECT 1 FROM "identity"."inactive_users" i
                         WHERE i."app_id" = t."app_id" AND i."uid" = t."uid")`,
      [appId, tokenHash],
    );
    return rows[0]?.uid ?? null;
  }

  find(appId: string, tokenHash: string): Promise<AuthTokenEntity | null> {
    return this.ds.getRepository(AuthTokenEntity).findOneBy({ appId, tokenHash });
  }

  list(appId: string, uid: string, page: PageQuery): Promise<[AuthTokenEntity[], number]> {
    return this.ds.getRepository(AuthTokenEntity).findAndCount({
      where: { appId, uid },
      order: { createdAt: 'ASC', tokenHash: 'ASC' },
      skip: (page.page - 1) * page.perPage,
      take: page.perPage,
    });
  }

  async update(token: AuthTokenEntity): Promise<void> {
    await this.ds
      .getRepository(AuthTokenEntity)
      .update({ appId: token.appId, tokenHash: token.tokenHash }, {
        platform: token.platform,
        userAgent: token.userAgent,
        appInfo: token.appInfo,
        updatedAt: token.updatedAt,
      } as Row);
  }

  async delete(tx: EntityManager, appId: string, uid: string, tokenHash: string): Promise<boolean> {
    const r = await tx.getRepository(AuthTokenEntity).delete({ appId, uid, tokenHash });
    return (r.affected ?? 0) > 0;
  }

  /** Deletes every token of a user; returns the deleted hashes. */
  async deleteAll(tx: EntityManager, appId: string, uid: string): Promise<string[]> {
    const result = await tx
      .createQueryBuilder()
      .delete()
      .from(AuthTokenEntity)
      .where('app_id = :appId AND uid = :uid', { appId, uid })
      .returning('token_hash')
      .execute();
    return (result.raw as Array<{ token_hash: string }>).map((r) => r.token_hash);
  }
}
