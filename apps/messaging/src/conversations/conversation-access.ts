import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import {
  ConversationTarget,
  groupConversationId,
  ReceiverType,
  userConversationId,
} from '@parley/contracts';
import { ParticipantDirectory } from '../directory/participant-directory';
import { ReceiptRepository } from '../receipts/receipt.repository';

/** One user's conversation, resolved: where it is, and where a position of theirs starts. */
export interface ResolvedConversation {
  conversationId: string;
  receiverType: ReceiverType;
  /** The other user, or the group. */
  receiver: string;
  /** A group member's join seq (their position when they have no row); 0 for 1:1. */
  start: number;
}

/**
 * Who may act on which conversation: any user on their 1:1 conversation with another user; a
 * current member on their group's (ERR_GUID_NOT_FOUND for no such group, ERR_GROUP_NOT_JOINED
 * for a non-member).
 */
@Injectable()
export class ConversationAccess {
  constructor(
    private readonly directory: ParticipantDirectory,
    private readonly positions: ReceiptRepository,
  ) {}

  async resolve(
    appId: string,
    viewer: string,
    target: ConversationTarget,
  ): Promise<ResolvedConversation> {
    if (target.kind === 'user') {
      return {
        conversationId: userConversationId(viewer, target.uid),
        receiverType: 'user',
        receiver: target.uid,
        start: 0,
      };
    }
    const membership = await this.directory.membership(appId, target.guid, viewer);
    if (!membership.group) {
      throw new DomainError('ERR_GUID_NOT_FOUND', `The guid ${target.guid} does not exist.`);
    }
    if (membership.state !== 'member') {
      throw new DomainError(
        'ERR_GROUP_NOT_JOINED',
        `You are not a member of the group ${target.guid}.`,
      );
    }
    return {
      conversationId: groupConversationId(target.guid),
      receiverType: 'group',
      receiver: target.guid,
      start: await this.positions.joinSeq(appId, target.guid, viewer),
    };
  }
}

export const conversationNotAccessible = (conversationId: string) =>
  new DomainError(
    'ERR_CONVERSATION_NOT_ACCESSIBLE',
    `The conversation ${conversationId} does not exist for you.`,
  );
