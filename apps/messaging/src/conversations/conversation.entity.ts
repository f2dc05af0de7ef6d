import type { GroupSnapshot } from '@parley/contracts';
import type { UserProfile } from '../directory/directory.entity';

/** A row of `messaging.conversations` (bigint columns as strings). */
export interface ConversationRow {
  conversation_id: string;
  conversation_type: 'user' | 'group';
  last_seq: string;
  last_message_id: string | null;
  created_at: Date;
  updated_at: Date;
}

/** A conversation as one user sees it, with what the list query computed. */
export interface UserConversationRow extends ConversationRow {
  /** The other user (1:1) or the group's guid. */
  with_id: string;
  read_seq: string;
  delivered_seq: string;
  unread: string;
  tags: string[];
  /** The viewer's scope in the group (groups only). */
  scope: string | null;
  profile: UserProfile | null;
  snapshot: GroupSnapshot | null;
  last_read_message_id: string | null;
  total: string;
}
