/**
 * The objects Parley's REST API and WebSocket carry (CometChat's shapes plus Parley's `seq`), as the
 * SDK types them. Timestamps are Unix seconds; ids of messages are numeric strings. Fields Parley
 * adds later pass through untyped, so a newer server never breaks an older client.
 */

export type ReceiverType = 'user' | 'group';

export interface User {
  uid: string;
  name: string;
  avatar?: string;
  link?: string;
  role?: string;
  status?: 'available' | 'offline' | string;
  statusMessage?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  lastActiveAt?: number;
  createdAt?: number;
  updatedAt?: number;
  conversationId?: string;
  blockedByMe?: boolean;
  hasBlockedMe?: boolean;
  [key: string]: unknown;
}

export type GroupType = 'public' | 'private' | 'password';
export type GroupScope = 'admin' | 'moderator' | 'participant';

export interface Group {
  guid: string;
  name: string;
  type: GroupType;
  owner?: string;
  icon?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  tags?: string[];
  membersCount?: number;
  hasJoined?: boolean;
  scope?: GroupScope;
  createdAt?: number;
  updatedAt?: number;
  [key: string]: unknown;
}

export interface GroupMember extends User {
  scope: GroupScope;
  joinedAt?: number;
}

/** Who an entity in `data.entities` is. */
export interface MessageEntity<T = Record<string, unknown>> {
  entity: T;
  entityType: 'user' | 'group' | 'message' | string;
}

interface MessageBase {
  id: string;
  /** Per conversation 1, 2, 3, ... without gaps: what the SDK's sync follows. */
  seq: number;
  muid?: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: ReceiverType;
  sentAt: number;
  updatedAt: number;
  parentId?: string;
  replyCount?: number;
  tags?: string[];
  editedAt?: number;
  editedBy?: string;
  deletedAt?: number;
  deletedBy?: string;
  deliveredAt?: number;
  readAt?: number;
  deliveredToMeAt?: number;
  readByMeAt?: number;
  quotedMessageId?: string;
  mentionedUsers?: User[];
  mentionedMe?: boolean;
  [key: string]: unknown;
}

interface MessageDataBase {
  entities?: { sender?: MessageEntity<User>; receiver?: MessageEntity<User | Group> };
  metadata?: Record<string, unknown>;
  reactions?: Array<{ reaction: string; count: number; reactedByMe: boolean }>;
  [key: string]: unknown;
}

export interface Attachment {
  url: string;
  name?: string;
  mimeType?: string;
  extension?: string;
  size?: number;
  [key: string]: unknown;
}

/** Category `message`: text, or media with attachments. */
export interface ChatMessage extends MessageBase {
  category: 'message';
  type: 'text' | 'image' | 'video' | 'audio' | 'file' | string;
  data: MessageDataBase & { text?: string; attachments?: Attachment[] };
}

/** Category `custom`: the app's own type and data. */
export interface CustomMessage extends MessageBase {
  category: 'custom';
  type: string;
  data: MessageDataBase & { customData: Record<string, unknown>; text?: string };
}

/** Category `interactive`: forms, cards, schedulers. */
export interface InteractiveMessage extends MessageBase {
  category: 'interactive';
  type: 'form' | 'card' | 'scheduler' | 'customInteractive' | string;
  data: MessageDataBase & {
    interactiveData: Record<string, unknown>;
    interactionGoal?: { type: string; elementIds?: string[] };
    allowSenderInteraction?: boolean;
    interactions?: Array<{ elementId: string; interactedAt: number; interactedBy?: string }>;
    interactionGoalCompleted?: boolean;
  };
}

/**
 * Category `action`, made by Parley: type `message` for an edit or delete (`on` is the message as
 * it is now), type `groupMember` for joins, leaves, adds, kicks, bans and scope changes.
 */
export interface ActionMessage extends MessageBase {
  category: 'action';
  type: 'message' | 'groupMember' | string;
  data: MessageDataBase & {
    action: 'edited' | 'deleted' | 'joined' | 'left' | 'added' | 'kicked' | 'banned' | string;
    entities: {
      by?: MessageEntity<User>;
      on?: MessageEntity;
      for?: MessageEntity<User | Group>;
      [key: string]: MessageEntity | undefined;
    };
    extras?: Record<string, unknown>;
  };
}

/** Category `call`: one transition of a 1:1 call. */
export interface CallMessage extends MessageBase {
  category: 'call';
  type: 'audio' | 'video' | string;
  data: MessageDataBase & { action: string; entities: Record<string, MessageEntity> };
}

/** A stored message of any of the five categories. */
export type Message =
  ChatMessage | CustomMessage | InteractiveMessage | ActionMessage | CallMessage;
export type MessageCategory = Message['category'];

/** A conversation as its user sees it, with Parley's positions by `seq`. */
export interface Conversation {
  conversationId: string;
  conversationType: ReceiverType;
  conversationWith: (User | Group) & Record<string, unknown>;
  lastMessage?: Message;
  unreadMessageCount: number;
  /** The conversation's newest seq. */
  lastSeq: number;
  /** The viewer's read and delivered positions. */
  readSeq: number;
  deliveredSeq: number;
  latestMessageId?: string;
  lastReadMessageId?: string;
  tags?: string[];
  createdAt?: number;
  updatedAt?: number;
  [key: string]: unknown;
}

/** Names one conversation of the signed-in user: with a user, or a group's. */
export type ConversationRef = { kind: 'user'; uid: string } | { kind: 'group'; guid: string };

export type ReceiptAction = 'delivered' | 'read' | 'deliveredToAll' | 'readByAll';

/** A `receipts` frame: `user` received or read the conversation up to `messageId`. */
export interface Receipt {
  action: ReceiptAction;
  messageId: string;
  user: User;
  /** Who sent the message the receipt is about. */
  messageSender?: string;
  sender?: string;
  receiver?: string;
  receiverType?: ReceiverType;
  timestamp?: number;
}

export interface TypingIndicator {
  action: 'started' | 'ended';
  user: User;
  receiver: string;
  receiverType: ReceiverType;
  metadata?: Record<string, unknown>;
}

export interface PresenceChange {
  action: 'online' | 'offline' | 'available' | string;
  user: User;
  timestamp?: number;
}

export interface ReactionChange {
  action: 'message_reaction_added' | 'message_reaction_removed';
  reaction: string;
  messageId: string;
  uid?: string;
  reactedBy?: User;
  reactedAt?: number;
  conversationId?: string;
  receiver?: string;
  receiverType?: ReceiverType;
  [key: string]: unknown;
}

export interface TransientMessage {
  data: Record<string, unknown>;
  user: User;
  receiver: string;
  receiverType: ReceiverType;
}

/** A page of a message list: oldest first, with the cursor to the next page. */
export interface MessagePage {
  messages: Message[];
  next?: { affix: 'append' | 'prepend'; id?: string; sentAt?: number };
}

/** `PUT /v3.0/me`: the signed-in user, their auth token and the real-time JWT. */
export interface Session {
  user: User;
  authToken: string;
  jwt: string;
  settings: Record<string, unknown>;
}
