import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { EVENTS, GroupImportItem, GroupImportResult } from '@parley/contracts';
import { GroupEntity } from '../groups/group.entity';
import { toGroup } from '../groups/group.mapper';
import { GroupPasswords } from '../groups/group-passwords';
import { GroupRepository } from '../groups/group.repository';
import { APP_SYSTEM } from '../groups/group.service';
import { UserDirectory } from '../members/user-directory';

const fromSeconds = (s: number) => new Date(s * 1000);

/**
 * POST /data_import/groups: each group is written in its own transaction, keyed by guid, so
 * importing the same batch again replaces the same rows (idempotent) and one bad item fails alone.
 * Memberships are not touched (they come with POST /data_import/members): an imported owner is a
 * member once the members import says so.
 */
@Injectable()
export class GroupImportService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly users: UserDirectory,
    private readonly passwords: GroupPasswords,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async import(appId: string, items: GroupImportItem[]): Promise<GroupImportResult> {
    const owners = await this.users.activeUsers(
      appId,
      items.flatMap((g) => (g.owner ? [g.owner] : [])),
    );
    const result: GroupImportResult = {};
    for (const item of items) {
      try {
        if (item.owner && !owners.has(item.owner)) {
          throw new DomainError('ERR_UID_NOT_FOUND', `The owner ${item.owner} does not exist.`);
        }
        result[item.guid] = { success: true, data: await this.importOne(appId, item) };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        result[item.guid] = { success: false, error: { code: err.code, message: err.message } };
      }
    }
    return result;
  }

  private async importOne(appId: string, item: GroupImportItem) {
    if (item.type === 'password' && !item.password) {
      throw new DomainError('ERR_EMPTY_GROUP_PASS', 'A password group needs a password.');
    }
    const passwordHash =
      item.type === 'password' ? await this.passwords.hash(item.password as string) : null;
    const now = this.clock.now();
    const entity: GroupEntity = {
      appId,
      guid: item.guid,
      name: item.name,
      type: item.type,
      passwordHash,
      owner: item.owner ?? APP_SYSTEM,
      icon: item.icon ?? null,
      description: item.description ?? null,
      metadata: item.metadata ?? null,
      tags: item.tags ?? [],
      membersCount: 0,
      createdAt: item.createdAt !== undefined ? fromSeconds(item.createdAt) : now,
      updatedAt: now,
      updatedBy: null,
    };
    return this.tx.run(async (tx) => {
      const written = await this.groups.upsertImported(tx, entity, item.createdAt === undefined);
      entity.membersCount = written.membersCount;
      entity.createdAt = written.createdAt;
      const group = toGroup(entity);
      const def = written.created ? EVENTS.groups.groupCreated : EVENTS.groups.groupUpdated;
      await this.outbox.stage(tx, def, appId, { group, actor: APP_SYSTEM });
      return group;
    });
  }
}
