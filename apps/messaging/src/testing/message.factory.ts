import { GroupSnapshot, MessageSendBody } from '@parley/contracts';
import { UserProfile } from '../directory/directory.entity';
import { MessageRow } from '../messages/message.entity';

/** 2025-01-02T03:04:05.678Z, so that seconds truncation is visible. */
export const T0 = new Date(1735787045678);
export const seconds = (d: Date) => Math.floor(d.getTime() / 1000);

/** A user as the users service describes them in its events. */
export function profile(uid: string, over: Partial<UserProfile> = {}): UserProfile {
  return {
    uid,
    name: `Name ${uid}`,
    role: 'default',
    status: 'offline',
    createdAt: seconds(T0),
    ...over,
  };
}

/** A group as the groups service describes it in its events. */
export function groupSnapshot(guid: string, over: Partial<GroupSnapshot> = {}): GroupSnapshot {
  return {
    guid,
    name: `Group ${guid}`,
    type: 'public',
    owner: 'owner',
    membersCount: 2,
    conversationId: `group_${guid}`,
    createdAt: seconds(T0),
    updatedAt: seconds(T0),
    ...over,
  };
}

/** A text message body as a client sends it. */
export function textTo(
  receiver: string,
  over: Partial<MessageSendBody> & { text?: string } = {},
): MessageSendBody {
  return {
    receiver,
    receiverType: 'user',
    category: 'message',
    type: 'text',
    data: { text: over.text ?? 'hello' },
    ...over,
  };
}

/** A stored message row (a 1:1 text from alice to bob, seq 1). */
export function messageRow(over: Partial<MessageRow> = {}): MessageRow {
  return {
    app_id: 'app1',
    id: '101',
    conversation_id: 'alice_user_bob',
    seq: '1',
    muid: null,
    sender: 'alice',
    receiver: 'bob',
    receiver_type: 'user',
    category: 'message',
    type: 'text',
    data: { text: 'hello' },
    tags: [],
    parent_id: null,
    reply_count: 0,
    quoted_message_id: null,
    sent_at: T0,
    updated_at: T0,
    mentioned_uids: [],
    reaction_count: 0,
    ...over,
  };
}
