import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { BanEntity } from './ban.entity';
import { MemberEntity, MemberScope } from './member.entity';

/**
 * Memberships and bans. Writers hold the group's row lock (GroupRepository.lock) and adjust
 * `membersCount` by what these methods report they changed.
 */
@Injectable()
export class MemberRepository {
  constructor(private readonly ds: DataSource) {}

  find(appId: string, guid: string, uid: string, tx?: EntityManager): Promise<MemberEntity | null> {
    return (tx ?? this.ds.manager).getRepository(MemberEntity).findOneBy({ appId, guid, uid });
  }

  /** Inserts memberships that do not exist yet; returns the uids inserted. */
  async insertMany(tx: EntityManager, rows: MemberEntity[]): Promise<string[]> {
    if (!rows.length) return [];
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(MemberEntity)
      .values(rows)
      .orIgnore()
      .returning(['uid'])
      .execute();
    return (result.raw as Array<{ uid: string }>).map((r) => r.uid);
  }

  async setScope(
    tx: EntityManager,
    appId: string,
    guid: string,
    uid: string,
    scope: MemberScope,
  ): Promise<void> {
    await tx.getRepository(MemberEntity).update({ appId, guid, uid }, { scope });
  }

  /** Removes a membership; false when there was none. */
  async delete(tx: EntityManager, appId: string, guid: string, uid: string): Promise<boolean> {
    const r = await tx.getRepository(MemberEntity).delete({ appId, guid, uid });
    return (r.affected ?? 0) > 0;
  }

  isBanned(appId: string, guid: string, uid: string, tx?: EntityManager): Promise<boolean> {
    return (tx ?? this.ds.manager).getRepository(BanEntity).existsBy({ appId, guid, uid });
  }

  /** Records a ban; false when the user was already banned. */
  async insertBan(tx: EntityManager, ban: BanEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(BanEntity)
      .values(ban)
      .orIgnore()
      .returning(['uid'])
      .execute();
    return (result.raw as unknown[]).length === 1;
  }

  async deleteBan(tx: EntityManager, appId: string, guid: string, uid: string): Promise<boolean> {
    const r = await tx.getRepository(BanEntity).delete({ appId, guid, uid });
    return (r.affected ?? 0) > 0;
  }
}
