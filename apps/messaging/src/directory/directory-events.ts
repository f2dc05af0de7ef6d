import { Injectable } from '@nestjs/common';
import { EVENTS, MemberScope } from '@parley/contracts';
import { UserProfile } from './directory.entity';
import { DirectoryRepository } from './directory.repository';
import { MemberState } from './directory.entity';

const { users, groups } = EVENTS;

/** The event named by a subject `evt.<service>.<appId>.<entity>.<pastTense>`. */
export const eventName = (subject: string) => subject.split('.').slice(3).join('.');

/**
 * Applies the users' and groups' events to messaging's read models (ARCHITECTURE.md §1), each as
 * a version: `version` is the event's stream sequence. Events of no interest are skipped; a
 * payload that breaks its schema throws (the event is redelivered, and logged).
 */
@Injectable()
export class DirectoryEvents {
  constructor(private readonly directory: DirectoryRepository) {}

  /** An event of stream EVT_USERS. */
  async applyUserEvent(subject: string, data: unknown, version: number): Promise<void> {
    const name = eventName(subject);
    switch (name) {
      case users.userCreated.name:
      case users.userUpdated.name: {
        const { appId, user } = users.userCreated.schema.parse(data);
        const status = user.deactivatedAt === undefined ? 'active' : 'deactivated';
        return this.directory.applyUser(appId, user.uid, status, user as UserProfile, version);
      }
      case users.userDeactivated.name:
      case users.userReactivated.name: {
        const { appId, uids } = users.userDeactivated.schema.parse(data);
        const status = name === users.userDeactivated.name ? 'deactivated' : 'active';
        return this.directory.applyUserStatus(appId, uids, status, version);
      }
      case users.userDeleted.name: {
        const { appId, uid, permanent } = users.userDeleted.schema.parse(data);
        if (!permanent) return this.directory.applyUserStatus(appId, [uid], 'deleted', version);
        // Erased: nothing of the user stays in the models (their messages: see UserErasure).
        await this.directory.applyUserErased(appId, uid, version);
        await this.directory.dropBlocksOf(appId, uid, version);
        await this.directory.dropFriendshipsOf(appId, uid, version);
        return;
      }
      case users.blockAdded.name:
      case users.blockRemoved.name: {
        const { appId, blocker, blocked } = users.blockAdded.schema.parse(data);
        const active = name === users.blockAdded.name;
        return this.directory.applyBlock(appId, blocker, blocked, active, version);
      }
      case users.friendAdded.name:
      case users.friendRemoved.name: {
        const { appId, uid, friendUid } = users.friendAdded.schema.parse(data);
        const active = name === users.friendAdded.name;
        return this.directory.applyFriendship(appId, uid, friendUid, active, version);
      }
      case users.roleCreated.name:
      case users.roleUpdated.name: {
        const { appId, role } = users.roleCreated.schema.parse(data);
        return this.directory.applyRole(appId, role.role, role.settings.sendMessagesTo, version);
      }
      case users.roleDeleted.name: {
        const { appId, role } = users.roleDeleted.schema.parse(data);
        return this.directory.deleteRole(appId, role, version);
      }
      default:
        return;
    }
  }

  /** An event of stream EVT_GROUPS. Imported memberships count like any other. */
  async applyGroupEvent(subject: string, data: unknown, version: number): Promise<void> {
    const name = eventName(subject);
    if (name === groups.groupCreated.name || name === groups.groupUpdated.name) {
      const { appId, group } = groups.groupCreated.schema.parse(data);
      return this.directory.applyGroup(appId, group, version, {
        created: name === groups.groupCreated.name,
      });
    }
    if (name === groups.groupDeleted.name) {
      const { appId, group } = groups.groupDeleted.schema.parse(data);
      return this.directory.deleteGroup(appId, group, version);
    }
    const change = this.membershipChange(name, data);
    if (!change) return;
    const { appId, guid, uid, group, state, scope, occurredAt } = change;
    await this.directory.applyGroup(appId, group, version);
    await this.directory.applyMember(appId, guid, uid, state, scope, version, occurredAt);
  }

  private membershipChange(name: string, data: unknown) {
    const to = (state: MemberState, scope: MemberScope | null) => ({ state, scope });
    switch (name) {
      case groups.memberAdded.name:
      case groups.memberJoined.name: {
        const e = groups.memberAdded.schema.parse(data);
        return { ...e, ...to('member', e.scope) };
      }
      case groups.memberScopeChanged.name: {
        const e = groups.memberScopeChanged.schema.parse(data);
        return { ...e, ...to('member', e.newScope) };
      }
      case groups.ownerChanged.name: {
        const e = groups.ownerChanged.schema.parse(data);
        return { ...e, ...to('member', e.scope) };
      }
      case groups.memberLeft.name:
      case groups.memberKicked.name: {
        const e = groups.memberLeft.schema.parse(data);
        return { ...e, ...to('none', null) };
      }
      case groups.memberBanned.name: {
        const e = groups.memberBanned.schema.parse(data);
        return { ...e, ...to('banned', null) };
      }
      case groups.memberUnbanned.name: {
        const e = groups.memberUnbanned.schema.parse(data);
        return { ...e, ...to('none', null) };
      }
      default:
        return undefined;
    }
  }
}
