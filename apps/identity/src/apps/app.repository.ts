import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppEntity } from './app.entity';

@Injectable()
export class AppRepository {
  constructor(private readonly ds: DataSource) {}

  async insert(tx: EntityManager, app: AppEntity): Promise<boolean> {
    const result = await tx
      .createQueryBuilder()
      .insert()
      .into(AppEntity)
      .values(app)
      .orIgnore()
      .returning(['appId'])
      .execute();
    return result.raw.length === 1;
  }

  find(appId: string): Promise<AppEntity | null> {
    return this.ds.getRepository(AppEntity).findOneBy({ appId });
  }

  list(): Promise<AppEntity[]> {
    return this.ds.getRepository(AppEntity).find({ order: { createdAt: 'ASC' } });
  }

  async update(app: AppEntity): Promise<void> {
    await this.ds.getRepository(AppEntity).update(
      { appId: app.appId },
      {
        name: app.name,
        limits: app.limits,
        updatedAt: app.updatedAt,
      },
    );
  }

  /** Deletes the app; its keys and tokens go with it (ON DELETE CASCADE). */
  async delete(tx: EntityManager, appId: string): Promise<boolean> {
    const result = await tx.getRepository(AppEntity).delete({ appId });
    return (result.affected ?? 0) > 0;
  }
}
