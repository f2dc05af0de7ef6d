import { Injectable } from '@nestjs/common';
import { Clock, DomainError, toSeconds } from '@parley/common';
import { Group, GroupCursor, GroupListQuery, Page, PageQuery, pagination } from '@parley/contracts';
import { MemberRepository } from '../members/member.repository';
import { UserDirectory } from '../members/user-directory';
import { seenBy, toGroup } from './group.mapper';
import { GroupListFilter, GroupRepository } from './group.repository';
import { groupNotFound } from './group.service';

export type GroupListRequest = Omit<GroupListQuery, 'perPage' | 'page'>;
export type GroupPage = Page<Group> & { cursor?: GroupCursor };

/**
 * What a caller sees of groups (GET /groups, GET /groups/{guid}). The app itself (a REST key
 * without onBehalfOf) sees every group. A viewer (onBehalfOf, or a user's token) sees public and
 * password groups and the private groups they are a member of, each with their own `scope`,
 * `hasJoined` and `joinedAt`.
 */
@Injectable()
export class GroupViewService {
  constructor(
    private readonly groups: GroupRepository,
    private readonly members: MemberRepository,
    private readonly users: UserDirectory,
    private readonly clock: Clock,
  ) {}

  /**
   * A private group is shown to its members only: anyone else is told ERR_GROUP_NOT_JOINED (the
   * answer its updates and membership routes give them too), not its details.
   */
  async get(appId: string, guid: string, viewer?: string): Promise<Group> {
    const [row, membership] = await Promise.all([
      this.groups.find(appId, guid),
      viewer ? this.members.find(appId, guid, viewer) : null,
      viewer ? this.assertUser(appId, viewer) : undefined,
    ]);
    if (!row) throw groupNotFound(guid);
    const group = toGroup(row);
    if (!viewer) return group;
    if (row.type === 'private' && !membership) {
      throw new DomainError(
        'ERR_GROUP_NOT_JOINED',
        `The group ${guid} is private: only its members see it.`,
      );
    }
    return seenBy(group, membership);
  }

  /**
   * Page mode orders by `sortBy` (default guid) and `sortOrder`; cursor mode (`affix` or
   * `updatedAt` given) by `updatedAt`: `append` from `updatedAt` on, oldest first, `prepend` up to
   * and including `updatedAt`'s second, newest first, with `cursor` = the last group's `updatedAt`.
   * Bounds are inclusive to the second, so a group updated in the cursor's second comes again
   * rather than never.
   */
  async list(
    appId: string,
    q: GroupListRequest,
    page: PageQuery,
    viewer?: string,
  ): Promise<GroupPage> {
    if (q.hasJoined && !viewer) {
      throw new DomainError('ERR_BAD_REQUEST', 'hasJoined lists the groups of a user.', {
        hasJoined: ['needs a user: an auth token, or the REST API key with onBehalfOf'],
      });
    }
    if (viewer) await this.assertUser(appId, viewer);
    const cursorMode = q.affix !== undefined || q.updatedAt !== undefined;
    const affix = q.affix ?? 'prepend';
    const filter: GroupListFilter = {
      searchKey: q.searchKey,
      searchIn: q.searchIn?.length ? q.searchIn : ['guid', 'name'],
      types: [...(q.type ? [q.type] : []), ...(q.types ?? [])],
      tags: q.tags,
      viewer,
      joinedBy: q.hasJoined ? viewer : undefined,
      order: cursorMode
        ? { by: 'updatedAt', dir: affix === 'append' ? 'ASC' : 'DESC' }
        : { by: q.sortBy ?? 'guid', dir: q.sortOrder === 'desc' ? 'DESC' : 'ASC' },
    };
    if (q.updatedAt !== undefined) {
      filter.updated =
        affix === 'append'
          ? { from: new Date(q.updatedAt * 1000) }
          : { until: new Date((q.updatedAt + 1) * 1000) };
    }
    const [rows, total] = await this.groups.list(appId, filter, page);
    const memberships = viewer
      ? await this.groups.viewerMemberships(
          appId,
          viewer,
          rows.map((r) => r.guid),
        )
      : [];
    const byGuid = new Map(memberships.map((m) => [m.guid, m]));
    const items = rows.map((row) => {
      const group = toGroup(row);
      if (!q.withTags) delete group.tags; // lists carry tags only when asked
      return viewer ? seenBy(group, byGuid.get(row.guid)) : group;
    });
    const result: GroupPage = { items, pagination: pagination(total, rows.length, page) };
    if (cursorMode) {
      const last = rows.at(-1);
      result.cursor = {
        updatedAt: last ? toSeconds(last.updatedAt) : (q.updatedAt ?? this.clock.nowSeconds()),
        affix,
      };
    }
    return result;
  }

  /** A viewer must be an active user (onBehalfOf is not checked by the gateway). */
  private async assertUser(appId: string, uid: string): Promise<void> {
    const found = await this.users.activeUsers(appId, [uid]);
    if (!found.has(uid)) {
      throw new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);
    }
  }
}
