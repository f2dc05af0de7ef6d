import { toSeconds } from '@parley/common';
import { APP_SYSTEM_UID, GroupSnapshot, groupConversationId, Message } from '@parley/contracts';
import { UserProfile } from '../directory/directory.entity';
import { RenderRow, Stamp } from './message.entity';

/** The users and groups a set of messages names, as the read models know them. */
export interface Participants {
  users: ReadonlyMap<string, UserProfile>;
  groups: ReadonlyMap<string, GroupSnapshot>;
  /**
   * When set, the user entities made so far: the messages rendered with these participants share
   * one entity object per user (a page names the same few users many times).
   */
  entities?: Map<string, Record<string, unknown>>;
}

/**
 * A user as a message's entity: their public profile, never `metadata["@private"]` (other users
 * see the entity). `app_system` is "System"; a user the models do not know is shown by uid.
 */
export function userEntity(uid: string, users: Participants['users']): Record<string, unknown> {
  if (uid === APP_SYSTEM_UID) return { uid, name: 'System' };
  const profile = users.get(uid);
  if (!profile) return { uid, name: uid };
  const { metadata, ...rest } = profile;
  if (!metadata) return { ...rest };
  const { '@private': _private, ...shared } = metadata;
  return { ...rest, metadata: shared };
}

/** userEntity, made once per user when `participants` keeps the entities made. */
function entityOf(uid: string, participants: Participants): Record<string, unknown> {
  const made = participants.entities;
  if (!made) return userEntity(uid, participants.users);
  let entity = made.get(uid);
  if (!entity) {
    entity = userEntity(uid, participants.users);
    made.set(uid, entity);
  }
  return entity;
}

function groupEntity(guid: string, groups: Participants['groups']): Record<string, unknown> {
  return groups.get(guid) ?? { guid, name: guid, conversationId: groupConversationId(guid) };
}

/**
 * A stored message in CometChat's shape (reference §5.4, realtime protocol §4.2): ids as numeric
 * strings, Unix seconds, `data.entities` of sender and receiver, Parley's `seq`; optional fields
 * only when set.
 */
export function toMessage(row: RenderRow, participants: Participants): Message {
  const receiver =
    row.receiver_type === 'group'
      ? { entity: groupEntity(row.receiver, participants.groups), entityType: 'group' }
      : { entity: entityOf(row.receiver, participants), entityType: 'user' };
  const message: Message = {
    id: String(row.id),
    conversationId: row.conversation_id,
    sender: row.sender,
    receiver: row.receiver,
    receiverType: row.receiver_type,
    category: row.category,
    type: row.type,
    data: {
      ...row.data,
      entities: {
        // An action message keeps its own `by`/`on`/`for` (reference §6.4) beside these.
        ...(row.data.entities as Record<string, unknown> | undefined),
        sender: { entity: entityOf(row.sender, participants), entityType: 'user' },
        receiver,
      },
    },
    sentAt: secondsOf(row.sent_at),
    updatedAt: secondsOf(row.updated_at),
    seq: Number(row.seq),
  };
  if (row.muid !== null) message.muid = row.muid;
  if (row.parent_id !== null) message.parentId = String(row.parent_id);
  if (row.reply_count > 0) message.replyCount = row.reply_count;
  if (row.tags.length) message.tags = [...row.tags];
  if (row.category === 'interactive') {
    // None yet as stored; a viewer's own are filled in by ViewerExtras.
    message.data.interactions = [];
    message.data.interactionGoalCompleted = false;
  }
  if (row.mentioned_uids.length) {
    // The client SDK reads `data.mentions` (uid -> user); the REST shape names `mentionedUsers`.
    const mentioned = row.mentioned_uids.map((uid) => entityOf(uid, participants));
    message.mentionedUsers = mentioned;
    message.data.mentions = Object.fromEntries(mentioned.map((u) => [u.uid, u]));
  }
  if (row.edited_at != null) message.editedAt = secondsOf(row.edited_at);
  if (row.edited_by) message.editedBy = row.edited_by;
  if (row.deleted_at != null) message.deletedAt = secondsOf(row.deleted_at);
  if (row.deleted_by) message.deletedBy = row.deleted_by;
  // The quoted message itself is added by the views (it is another row).
  if (row.quoted_message_id != null) message.quotedMessageId = String(row.quoted_message_id);
  return message;
}

/** A timestamp as Unix seconds: a Date's, or the number the page query read. */
export const secondsOf = (t: Stamp): number => (typeof t === 'number' ? t : toSeconds(t));
