import type {
  Attachment,
  Conversation,
  ConversationRef,
  Group,
  GroupMember,
  GroupType,
  Message,
  MessagePage,
  ReceiverType,
  User,
} from './models';
import { Credential, Query, RestTransport, seg } from './rest-transport';

/** A message to send. `category` defaults to `message` and `type` to `text`. */
export interface OutgoingMessage {
  receiver: string;
  receiverType?: ReceiverType;
  category?: 'message' | 'custom' | 'interactive';
  type?: string;
  /** The text (`data.text`). */
  text?: string;
  /** The rest of the content: `attachments`, `customData`, `interactiveData`, ... */
  data?: Record<string, unknown>;
  metadata?: Record<string, unknown>;
  tags?: string[];
  parentId?: string;
  quotedMessageId?: string;
  /**
   * The client's id of this message, unique per sender: a send repeated with it stores nothing
   * more. The SDK makes one when absent and keeps it across its own retries.
   */
  muid?: string;
}

type Extra = Omit<OutgoingMessage, 'receiver' | 'category' | 'type' | 'data' | 'text'>;

/** A text message. */
export const textMessage = (
  receiver: string,
  text: string,
  extra: Extra = {},
): OutgoingMessage => ({
  receiver,
  text,
  ...extra,
});

/** An image, video, audio or file message (attachments by URL). */
export const mediaMessage = (
  receiver: string,
  type: 'image' | 'video' | 'audio' | 'file',
  attachments: Attachment[],
  extra: Extra & { caption?: string } = {},
): OutgoingMessage => {
  const { caption, ...rest } = extra;
  return { receiver, type, data: { attachments }, ...(caption ? { text: caption } : {}), ...rest };
};

/** A custom message: the app's own `type` and `customData`. */
export const customMessage = (
  receiver: string,
  type: string,
  customData: Record<string, unknown>,
  extra: Extra = {},
): OutgoingMessage => ({ receiver, category: 'custom', type, data: { customData }, ...extra });

/** An interactive message (`form`, `card`, `scheduler`, `customInteractive`). */
export const interactiveMessage = (
  receiver: string,
  type: string,
  interactiveData: Record<string, unknown>,
  extra: Extra & {
    interactionGoal?: { type: 'anyAction' | 'anyOf' | 'allOf' | 'none'; elementIds?: string[] };
    allowSenderInteraction?: boolean;
  } = {},
): OutgoingMessage => {
  const { interactionGoal, allowSenderInteraction, ...rest } = extra;
  return {
    receiver,
    category: 'interactive',
    type,
    data: { interactiveData, interactionGoal, allowSenderInteraction },
    ...rest,
  };
};

/** A fresh muid: random, so two clients never pick the same. */
export function newMuid(): string {
  const c = (globalThis as { crypto?: { randomUUID?: () => string } }).crypto;
  if (c?.randomUUID) return c.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

/** The filters of a message list (see the README's Messaging section for all of them). */
export interface MessageQuery {
  limit?: number;
  affix?: 'append' | 'prepend';
  /** Cursor: the id to page from (exclusive). */
  id?: string;
  fromSeq?: number;
  toSeq?: number;
  categories?: string[];
  types?: string[];
  parentId?: string;
  hideReplies?: boolean;
  hideDeleted?: boolean;
  updatedSince?: number;
  searchKey?: string;
  [filter: string]: string | number | boolean | string[] | undefined;
}

export const conversationPath = (ref: ConversationRef): string =>
  ref.kind === 'user' ? `/users/${seg(ref.uid)}` : `/groups/${seg(ref.guid)}`;

export function wireBody(m: OutgoingMessage, muid: string): Record<string, unknown> {
  const data: Record<string, unknown> = { ...m.data };
  if (m.text !== undefined) data.text = m.text;
  if (m.metadata !== undefined) data.metadata = m.metadata;
  return {
    receiver: m.receiver,
    receiverType: m.receiverType ?? 'user',
    category: m.category ?? 'message',
    type: m.type ?? 'text',
    data,
    muid,
    ...(m.tags ? { tags: m.tags } : {}),
    ...(m.parentId ? { parentId: m.parentId } : {}),
    ...(m.quotedMessageId ? { quotedMessageId: m.quotedMessageId } : {}),
  };
}

/**
 * The chat REST calls shared by the admin (REST key, optionally acting for a user) and a user's
 * session (auth token): messages, conversations, groups and users.
 */
export class ChatApi {
  constructor(
    protected readonly rest: RestTransport,
    protected readonly credential: Credential,
    /** The session id sent as `resource` (a user's session; absent for the admin). */
    protected readonly resource?: string,
  ) {}

  protected call<T>(
    method: string,
    path: string,
    opts: { query?: Query; body?: unknown; idempotent?: boolean } = {},
  ) {
    return this.rest.request<T>(method, `/v3${path}`, {
      ...opts,
      credential: this.credential,
      resource: this.resource,
      idempotent: opts.idempotent ?? method === 'GET',
    });
  }

  /**
   * Sends a message. Retried on a lost reply or a server failure with the same `muid`, so it is
   * stored once however many tries it takes; the reply is the stored message, with its `seq`.
   */
  async sendMessage(message: OutgoingMessage): Promise<Message> {
    const body = wireBody(message, message.muid ?? newMuid());
    const res = await this.call<Message>('POST', '/messages', { body, idempotent: true });
    return res.data;
  }

  async getMessage(id: string): Promise<Message> {
    return (await this.call<Message>('GET', `/messages/${seg(id)}`)).data;
  }

  /** One page of a conversation's messages, oldest first. */
  async getMessages(ref: ConversationRef, query: MessageQuery = {}): Promise<MessagePage> {
    const res = await this.call<Message[]>('GET', `${conversationPath(ref)}/messages`, {
      query: query as Query,
    });
    return { messages: res.data, next: (res.meta as { next?: MessagePage['next'] })?.next };
  }

  /** Changes a message's text or data; resolves with the `edited` action message. */
  async editMessage(
    id: string,
    change: { text?: string; data?: Record<string, unknown>; tags?: string[] },
  ): Promise<Message> {
    const data = { ...change.data, ...(change.text !== undefined ? { text: change.text } : {}) };
    const body = {
      ...(Object.keys(data).length ? { data } : {}),
      ...(change.tags ? { tags: change.tags } : {}),
    };
    return (await this.call<Message>('PUT', `/messages/${seg(id)}`, { body })).data;
  }

  /** Deletes a message (soft unless `permanent`); resolves with the `deleted` action message. */
  async deleteMessage(id: string, permanent = false): Promise<Message> {
    return (await this.call<Message>('DELETE', `/messages/${seg(id)}`, { body: { permanent } }))
      .data;
  }

  async addReaction(messageId: string, reaction: string): Promise<Message> {
    const path = `/messages/${seg(messageId)}/reactions/${seg(reaction)}`;
    return (await this.call<Message>('POST', path, { body: {}, idempotent: true })).data;
  }

  async removeReaction(messageId: string, reaction: string): Promise<Message> {
    const path = `/messages/${seg(messageId)}/reactions/${seg(reaction)}`;
    return (await this.call<Message>('DELETE', path, { idempotent: true })).data;
  }

  /** A page of the user's conversations, newest activity first. */
  async getConversations(page = 1, perPage = 100): Promise<Conversation[]> {
    return (await this.call<Conversation[]>('GET', '/conversations', { query: { page, perPage } }))
      .data;
  }

  async getConversation(ref: ConversationRef): Promise<Conversation> {
    return (await this.call<Conversation>('GET', `${conversationPath(ref)}/conversation`)).data;
  }

  /** Marks the conversation read (or delivered) up to `messageId`, or to its newest message. */
  async markRead(ref: ConversationRef, messageId?: string): Promise<void> {
    await this.call('POST', `${conversationPath(ref)}/conversation/read`, {
      body: messageId ? { messageId } : {},
      idempotent: true,
    });
  }

  async markDelivered(ref: ConversationRef, messageId?: string): Promise<void> {
    await this.call('POST', `${conversationPath(ref)}/conversation/delivered`, {
      body: messageId ? { messageId } : {},
      idempotent: true,
    });
  }

  async getUser(uid: string): Promise<User> {
    return (await this.call<User>('GET', `/users/${seg(uid)}`)).data;
  }

  async listUsers(
    query: { page?: number; perPage?: number; searchKey?: string; status?: string } = {},
  ) {
    return (await this.call<User[]>('GET', '/users', { query })).data;
  }

  async createGroup(group: {
    guid: string;
    name: string;
    type?: GroupType;
    password?: string;
    description?: string;
    metadata?: Record<string, unknown>;
    tags?: string[];
    owner?: string;
    members?: { admins?: string[]; moderators?: string[]; participants?: string[] };
  }): Promise<Group> {
    const body = { type: 'public', ...group };
    return (await this.call<Group>('POST', '/groups', { body })).data;
  }

  async getGroup(guid: string): Promise<Group> {
    return (await this.call<Group>('GET', `/groups/${seg(guid)}`)).data;
  }

  async listGroups(query: { page?: number; perPage?: number; hasJoined?: boolean } = {}) {
    return (await this.call<Group[]>('GET', '/groups', { query })).data;
  }

  async getGroupMembers(guid: string, query: { perPage?: number; after?: string } = {}) {
    return (await this.call<GroupMember[]>('GET', `/groups/${seg(guid)}/members`, { query })).data;
  }
}
