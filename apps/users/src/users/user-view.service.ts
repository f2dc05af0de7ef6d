import { Injectable } from '@nestjs/common';
import { DomainError, PresenceReader } from '@parley/common';
import {
  Page,
  PageQuery,
  pagination,
  User,
  UserListQuery,
  userConversationId,
} from '@parley/contracts';
import { RelationshipReader } from '../relationships/relationship-reader';
import { RoleDirectory } from '../roles/role-directory';
import { isActive } from './user.service';
import { toUser } from './user.mapper';
import { UserListFilter, UserRepository } from './user.repository';

export type UserListRequest = Omit<UserListQuery, 'perPage' | 'page'>;

/** Metadata under this key is the user's own (email, phone): other users never see it. */
const PRIVATE_METADATA_KEY = '@private';

/**
 * What a caller sees of users (GET /users, GET /users/{uid}). The app itself (a REST key without
 * onBehalfOf) sees everything. A viewer (onBehalfOf, or a user's token) sees the users their role
 * lets them list (`listUsers: friendsOnly` means friends only), each with the 1:1 conversation id
 * and the block flags between them, and never another user's private metadata.
 */
@Injectable()
export class UserViewService {
  constructor(
    private readonly users: UserRepository,
    private readonly presence: PresenceReader,
    private readonly roles: RoleDirectory,
    private readonly relationships: RelationshipReader,
  ) {}

  async get(appId: string, uid: string, viewer?: string): Promise<User> {
    if (viewer) await this.viewerRole(appId, viewer);
    const row = await this.users.find(appId, uid);
    if (!isActive(row))
      throw new DomainError('ERR_UID_NOT_FOUND', `The uid ${uid} does not exist.`);
    const hidden = viewer ? await this.apartByBlock(appId, viewer) : undefined;
    const [user] = await this.presence.withPresence(appId, [toUser(row)], hidden);
    return viewer ? (await this.present(appId, viewer, [user]))[0] : user;
  }

  async list(
    appId: string,
    q: UserListRequest,
    page: PageQuery,
    viewer?: string,
  ): Promise<Page<User>> {
    const filter: UserListFilter = {
      searchKey: q.searchKey,
      searchIn: q.searchIn?.length ? q.searchIn : ['uid', 'name'],
      roles: [...(q.role ? [q.role] : []), ...(q.roles ?? [])],
      tags: q.tags,
      deactivated: q.onlyDeactivated ? 'only' : q.withDeactivated ? 'include' : 'exclude',
    };
    const hidden = viewer ? await this.apartByBlock(appId, viewer) : undefined;
    if (q.status === 'available' || q.status === 'online') {
      filter.onlyUids = await this.presence.onlineUids(appId, hidden);
    } else if (q.status === 'offline') {
      filter.exceptUids = await this.presence.onlineUids(appId, hidden);
    }
    if (viewer && (await this.viewerRole(appId, viewer)).listUsers === 'friendsOnly') {
      const friends = await this.relationships.friendUids(appId, viewer);
      filter.onlyUids = filter.onlyUids
        ? friends.filter((f) => filter.onlyUids?.includes(f))
        : friends;
    }
    const [rows, total] = await this.users.list(appId, filter, page);
    let items = await this.presence.withPresence(
      appId,
      rows.map((row) => {
        const user = toUser(row);
        if (!q.withTags) delete user.tags; // lists carry tags only when asked (reference §5.1)
        return user;
      }),
      hidden,
    );
    if (viewer) items = await this.present(appId, viewer, items);
    return { items, pagination: pagination(total, rows.length, page) };
  }

  /** The active users among `uids` as the app sees them (other services' bulk look-up). */
  async getMany(appId: string, uids: string[]): Promise<User[]> {
    return (await this.users.findActive(appId, uids)).map(toUser);
  }

  /**
   * The users apart from `viewer` by a block, either way: the viewer does not see their presence
   * (they read as offline, without `lastActiveAt`), as on the WebSocket.
   */
  private async apartByBlock(appId: string, viewer: string): Promise<Set<string>> {
    const { blockedByMe, hasBlockedMe } = await this.relationships.blocksOf(appId, viewer);
    return new Set([...blockedByMe, ...hasBlockedMe]);
  }

  /** The viewer must be an active user; their role decides what they may list. */
  private async viewerRole(appId: string, viewer: string) {
    const row = await this.users.find(appId, viewer);
    if (!isActive(row))
      throw new DomainError('ERR_UID_NOT_FOUND', `The uid ${viewer} does not exist.`);
    return this.roles.settingsFor(appId, row.role);
  }

  private async present(appId: string, viewer: string, users: User[]): Promise<User[]> {
    const others = users.filter((u) => u.uid !== viewer).map((u) => u.uid);
    const blocks = await this.relationships.blockFieldsFor(appId, viewer, others);
    return users.map((user) => {
      if (user.uid === viewer) return user;
      const seen: User = {
        ...user,
        conversationId: userConversationId(viewer, user.uid),
        ...blocks.get(user.uid),
      };
      if (seen.metadata && PRIVATE_METADATA_KEY in seen.metadata) {
        const { [PRIVATE_METADATA_KEY]: _hidden, ...shared } = seen.metadata;
        seen.metadata = shared;
      }
      return seen;
    });
  }
}
