import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import {
  APP_SYSTEM_UID,
  GroupSnapshot,
  groupConversationId,
  userConversationId,
} from '@parley/contracts';
import { UserProfile } from '../directory/directory.entity';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageContent } from './message-content';
import { Participants } from './message.mapper';

/** Where an allowed message goes, and its participants as its entities show them. */
export interface SendTarget {
  conversationId: string;
  participants: Participants;
}

const uidNotFound = (uid: string, role: 'sender' | 'receiver') =>
  new DomainError('ERR_UID_NOT_FOUND', `The ${role} ${uid} does not exist or is deactivated.`);

/**
 * Who may send to whom (reference §4.8, §3.3), decided from the read models:
 * - the sender, unless the app itself, is an active user (ERR_UID_NOT_FOUND);
 * - to a user: the receiver is active (ERR_UID_NOT_FOUND), and neither has blocked the other
 *   (ERR_BLOCKED_RECEIVER when the sender blocked the receiver, ERR_BLOCKED_SENDER the other way);
 * - to a group: it exists (ERR_GUID_NOT_FOUND) and the sender, unless the app, is a member
 *   (ERR_BANNED_GROUPMEMBER when banned, else ERR_NOT_A_MEMBER).
 * - to a user, when the sender's role says `sendMessagesTo: friendsOnly`: they are friends
 *   (ERR_NOT_A_FRIEND).
 */
@Injectable()
export class SendRules {
  constructor(private readonly directory: ParticipantDirectory) {}

  async check(appId: string, sender: string, content: MessageContent): Promise<SendTarget> {
    const byApp = sender === APP_SYSTEM_UID;
    const wanted = [
      ...(byApp ? [] : [sender]),
      ...(content.receiverType === 'user' ? [content.receiver] : []),
    ];
    // A 1:1 send between two users reads its users, blocks and role in one query.
    const pair =
      !byApp && content.receiverType === 'user' && content.receiver !== sender
        ? await this.directory.userPair(appId, sender, content.receiver)
        : undefined;
    const users = pair?.users ?? (await this.directory.users(appId, wanted));
    const active = (uid: string) => users.get(uid)?.status === 'active';
    if (!byApp && !active(sender)) throw uidNotFound(sender, 'sender');
    const profiles = new Map<string, UserProfile>();
    for (const [uid, u] of users) if (u.profile) profiles.set(uid, u.profile);

    if (content.receiverType === 'user') {
      const receiver = content.receiver;
      if (!active(receiver)) throw uidNotFound(receiver, 'receiver');
      if (pair) {
        const { blocks } = pair;
        if (blocks.aBlockedB) {
          throw new DomainError('ERR_BLOCKED_RECEIVER', `You have blocked ${receiver}.`);
        }
        if (blocks.bBlockedA) {
          throw new DomainError('ERR_BLOCKED_SENDER', `${receiver} has blocked you.`);
        }
        const mayMessage =
          pair.sendMessagesTo === 'all' ||
          (await this.directory.mayMessage(appId, users.get(sender)!, receiver));
        if (!mayMessage) {
          throw new DomainError(
            'ERR_NOT_A_FRIEND',
            `Your role lets you message only your friends, and ${receiver} is not one.`,
          );
        }
      }
      return {
        conversationId: userConversationId(sender, receiver),
        participants: { users: profiles, groups: new Map() },
      };
    }

    const guid = content.receiver;
    let group: GroupSnapshot | null;
    if (byApp) {
      group = await this.directory.group(appId, guid);
    } else {
      const membership = await this.directory.membership(appId, guid, sender);
      group = membership.group;
      if (group && membership.state === 'banned') {
        throw new DomainError('ERR_BANNED_GROUPMEMBER', `You are banned from the group ${guid}.`);
      }
      if (group && membership.state !== 'member') {
        throw new DomainError('ERR_NOT_A_MEMBER', `You are not a member of the group ${guid}.`);
      }
    }
    if (!group) throw new DomainError('ERR_GUID_NOT_FOUND', `The guid ${guid} does not exist.`);
    return {
      conversationId: groupConversationId(guid),
      participants: { users: profiles, groups: new Map([[guid, group]]) },
    };
  }

  /**
   * An imported message (history from elsewhere): its sender and a user receiver exist, active
   * or deactivated (ERR_UID_NOT_FOUND), a group receiver exists (ERR_GUID_NOT_FOUND). Memberships,
   * blocks and roles of today do not judge what was sent then.
   */
  async checkImport(appId: string, sender: string, content: MessageContent): Promise<SendTarget> {
    const byApp = sender === APP_SYSTEM_UID;
    const toUser = content.receiverType === 'user';
    const users = await this.directory.users(appId, [
      ...(byApp ? [] : [sender]),
      ...(toUser ? [content.receiver] : []),
    ]);
    const exists = (uid: string) => {
      const status = users.get(uid)?.status;
      return status === 'active' || status === 'deactivated';
    };
    if (!byApp && !exists(sender)) throw uidNotFound(sender, 'sender');
    if (toUser && !exists(content.receiver)) throw uidNotFound(content.receiver, 'receiver');
    const profiles = new Map<string, UserProfile>();
    for (const [uid, u] of users) if (u.profile) profiles.set(uid, u.profile);
    if (toUser) {
      return {
        conversationId: userConversationId(sender, content.receiver),
        participants: { users: profiles, groups: new Map() },
      };
    }
    const group = await this.directory.group(appId, content.receiver);
    if (!group) {
      throw new DomainError('ERR_GUID_NOT_FOUND', `The guid ${content.receiver} does not exist.`);
    }
    return {
      conversationId: groupConversationId(content.receiver),
      participants: { users: profiles, groups: new Map([[content.receiver, group]]) },
    };
  }
}
