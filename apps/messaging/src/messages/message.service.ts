import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor, TurnBatch } from '@parley/common';
import {
  APP_SYSTEM_UID,
  EVENTS,
  Message,
  MessageSend,
  MessageSendBody,
  MessageSendManyResult,
  ReceiverType,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { MessageContent, messageContent } from './message-content';
import { MessageDelivery } from './message-delivery';
import { UserProfile } from '../directory/directory.entity';
import { MessageMentions } from './mentions';
import { MessageRow, NewMessage } from './message.entity';
import { toMessage } from './message.mapper';
import { isMuidTaken, MessageRepository } from './message.repository';
import { MessageViews } from './message-views';
import { SendRules, SendTarget } from './send-rules';

/** The user a reply is shown to: the sender, unless the app sent it. */
const viewerOf = (sender: string) => (sender === APP_SYSTEM_UID ? undefined : sender);

/** What a send stores (the conversation gives its seq and id). */
function toStore(
  appId: string,
  conversationId: string,
  sender: string,
  content: MessageContent,
  sentAt: Date,
  mentioned: ReadonlyMap<string, UserProfile>,
): Omit<NewMessage, 'seq' | 'sourceEventId'> & { mentionedUids: string[] } {
  return {
    appId,
    conversationId,
    muid: content.muid ?? null,
    sender,
    receiver: content.receiver,
    receiverType: content.receiverType,
    category: content.category,
    type: content.type,
    data: content.data,
    tags: content.tags,
    parentId: content.parentId ?? null,
    quotedMessageId: content.quotedMessageId ?? null,
    sentAt,
    mentionedUids: [...mentioned.keys()],
  };
}

/** A one-statement send: the message and its event. */
type Append = Parameters<MessageRepository['appendToConversations']>[1][number];

/** The transaction found the muid already stored: answer with that message. */
class MuidTaken extends Error {}

/**
 * Sending a message (ARCHITECTURE.md §3, §5). The content and the rules are checked first, from
 * local read models; then ONE transaction takes the conversation's next seq (its row lock orders
 * concurrent sends), inserts the message, counts a thread reply, moves the sender's read position
 * to it and stages `message.created` in the outbox. After commit the outbox relay puts the event
 * on JetStream, and the message is published once on core NATS for real time.
 *
 * Idempotent per (app, sender, muid): a send whose muid is stored returns the stored message, the
 * same id and seq, and writes nothing (its insert violates the muid index and rolls back, so its
 * seq is not used); two racing with one muid store one and both return it.
 */
@Injectable()
export class MessageService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly rules: SendRules,
    private readonly views: MessageViews,
    private readonly delivery: MessageDelivery,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly mentions: MessageMentions,
  ) {}

  /**
   * Group commit: the one-statement sends of one event-loop turn (to different conversations)
   * share one statement and one commit (MessageRepository.appendToConversations); a send alone,
   * or each send of a statement that failed (a stored muid), is appendToConversation.
   */
  private readonly appends = new TurnBatch<Append, MessageRow | null>(
    (sends) => this.tx.statement((db) => this.messages.appendToConversations(db, sends)),
    {
      keyOf: ({ m }) => `${m.appId}\n${m.conversationId}`,
      alone: ({ m, event }) =>
        this.tx.statement((db) => this.messages.appendToConversation(db, m, event)),
    },
  );

  async send(input: MessageSend): Promise<Message> {
    const { appId } = input;
    const sender = input.sender ?? APP_SYSTEM_UID;
    if (input.message.multipleReceivers !== undefined) {
      throw new DomainError('ERR_BAD_REQUEST', 'A send to many receivers answers per receiver.', {
        multipleReceivers: ['is sent through rpc.messaging.message.sendMany'],
      });
    }
    const content = messageContent(await this.threadReceiver(appId, sender, input.message));
    const message = await this.write(appId, sender, content, (c) =>
      this.rules.check(appId, sender, c),
    );
    if (!message.created) return message.message;
    this.delivery.deliver(appId, message.message, input.deviceId);
    // The frame is everyone's; the reply is the sender's, who may have mentioned themselves.
    const { mentionedUsers } = message.message;
    if (!mentionedUsers || sender === APP_SYSTEM_UID) return message.message;
    return { ...message.message, mentionedMe: mentionedUsers.some((u) => u.uid === sender) };
  }

  /**
   * A send with `multipleReceivers` (reference §4.8): one message to each uid and guid named there
   * (and to `receiver`, when given), each in its own conversation with its own seq, each checked
   * by the rules on its own; one receiver's refusal fails that receiver only. The content is
   * checked once, first: bad content fails the whole call. With a `muid`, each message's muid is
   * `<muid>:user:<uid>` or `<muid>:group:<guid>`, so a retried call returns the same messages.
   */
  async sendMany(input: MessageSend): Promise<MessageSendManyResult> {
    const { multipleReceivers, ...body } = input.message;
    if (!multipleReceivers) {
      throw new DomainError('ERR_BAD_REQUEST', 'multipleReceivers names no receiver.', {
        multipleReceivers: ['is required here'],
      });
    }
    for (const field of ['parentId', 'quotedMessageId'] as const) {
      if (body[field] !== undefined) {
        throw new DomainError('ERR_BAD_REQUEST', `${field} names a message of one conversation.`, {
          [field]: ['cannot be combined with multipleReceivers'],
        });
      }
    }
    const named = (type: ReceiverType, ids: string[] = []) => [
      ...new Set([...ids, ...(body.receiverType === type && body.receiver ? [body.receiver] : [])]),
    ];
    const targets = [
      ...named('user', multipleReceivers.uids).map((id) => ['user', id] as const),
      ...named('group', multipleReceivers.guids).map((id) => ['group', id] as const),
    ];
    const one = (receiverType: ReceiverType, receiver: string): MessageSendBody => ({
      ...body,
      receiver,
      receiverType,
      muid: body.muid === undefined ? undefined : `${body.muid}:${receiverType}:${receiver}`,
    });
    // Bad content is the caller's mistake, whoever it goes to.
    messageContent(one(targets[0][0], targets[0][1]));
    const result: MessageSendManyResult = { uids: {}, guids: {} };
    for (const [receiverType, receiver] of targets) {
      const into = receiverType === 'user' ? result.uids : result.guids;
      try {
        const data = await this.send({ ...input, message: one(receiverType, receiver) });
        into[receiver] = { success: true, data };
      } catch (err) {
        if (!(err instanceof DomainError)) throw err;
        into[receiver] = { success: false, error: { code: err.code, message: err.message } };
      }
    }
    return result;
  }

  /**
   * Stores a checked message, or finds it stored under its muid: `created` says which. `target`
   * decides where it goes (the rules); a stored muid is answered whatever it says. `sentAt` is the
   * message's time (now, unless imported); `event: false` stages no `message.created` (imports).
   */
  async write(
    appId: string,
    sender: string,
    content: MessageContent,
    target: (content: MessageContent) => Promise<SendTarget>,
    opts: { sentAt?: Date; event?: boolean } = {},
  ): Promise<{ message: Message; created: boolean }> {
    const stored = async () => {
      const row = await this.messages.findByMuid(appId, sender, content.muid as string);
      const viewer = viewerOf(sender);
      return row ? { message: await this.views.render(appId, row, viewer), created: false } : null;
    };
    // The muid is not looked up first (one query less per send): a stored muid fails the insert
    // (the muid index) and rolls it back, or is refused by rules that allowed it when it was sent.
    try {
      const to = await target(content);
      const mentioned = await this.mentions.resolve(appId, content.category, content.data);
      const message =
        (await this.append(appId, sender, content, to, mentioned, opts)) ??
        (await this.tx.run((tx) => this.store(tx, appId, sender, content, to, mentioned, opts)));
      return { message, created: true };
    } catch (err) {
      const retried = err instanceof MuidTaken || err instanceof DomainError;
      const found = content.muid && retried ? await stored() : null;
      if (found) return found;
      throw err;
    }
  }

  /**
   * A reply sent to its parent's thread (POST /messages/{id}/thread) may leave out the receiver:
   * it goes where the parent is, the group, or the other user of the 1:1 conversation.
   */
  private async threadReceiver(
    appId: string,
    sender: string,
    body: MessageSendBody,
  ): Promise<MessageSendBody> {
    if (body.parentId === undefined || body.receiver?.trim()) return body;
    const parent = await this.messages.findById(appId, body.parentId);
    const inIt =
      parent &&
      (parent.receiver_type === 'group' || [parent.sender, parent.receiver].includes(sender));
    if (!parent || !inIt) {
      throw new DomainError(
        'ERR_MESSAGE_ID_NOT_FOUND',
        `The message ${body.parentId} does not exist.`,
      );
    }
    const receiver =
      parent.receiver_type === 'group' || parent.sender === sender
        ? parent.receiver
        : parent.sender;
    return { ...body, receiver, receiverType: parent.receiver_type };
  }

  /**
   * The common send in ONE statement (MessageRepository.appendToConversation): a user's message
   * that is neither a reply nor a quote, sent now with its event, to a conversation that exists.
   * The event's message is rendered before the statement from what will be stored, and the
   * statement sets its id and seq. Null for any other send, and when the conversation does not
   * exist (or is of another type): nothing was written, `store` does it in a transaction.
   */
  private async append(
    appId: string,
    sender: string,
    content: MessageContent,
    { conversationId, participants }: SendTarget,
    mentioned: ReadonlyMap<string, UserProfile>,
    opts: { sentAt?: Date; event?: boolean },
  ): Promise<Message | null> {
    if (sender === APP_SYSTEM_UID || content.parentId || content.quotedMessageId) return null;
    if (opts.sentAt || opts.event === false) return null;
    const now = this.clock.now();
    const users = new Map([...participants.users, ...mentioned]);
    const message = toStore(appId, conversationId, sender, content, now, mentioned);
    const draft: MessageRow = {
      app_id: appId,
      id: '0', // set by the statement, as `seq`
      conversation_id: conversationId,
      seq: '0',
      muid: message.muid,
      sender,
      receiver: message.receiver,
      receiver_type: message.receiverType,
      category: message.category,
      type: message.type,
      data: message.data,
      tags: message.tags,
      parent_id: null,
      reply_count: 0,
      quoted_message_id: null,
      sent_at: now,
      updated_at: now,
      mentioned_uids: message.mentionedUids,
      reaction_count: 0,
    };
    const rendered = toMessage(draft, { users, groups: participants.groups });
    const event = this.outbox.event(EVENTS.messaging.messageCreated, appId, { message: rendered });
    try {
      const row = await this.appends.call({ m: message, event });
      // The answer is the event's message, with the id and seq the statement gave it.
      return row && { ...rendered, id: String(row.id), seq: Number(row.seq) };
    } catch (err) {
      if (isMuidTaken(err)) throw new MuidTaken();
      throw err;
    }
  }

  private async store(
    tx: EntityManager,
    appId: string,
    sender: string,
    content: MessageContent,
    { conversationId, participants }: SendTarget,
    mentioned: ReadonlyMap<string, UserProfile>,
    opts: { sentAt?: Date; event?: boolean },
  ): Promise<Message> {
    const now = this.clock.now();
    if (content.parentId) await this.checkParent(tx, appId, content.parentId, conversationId);
    if (content.quotedMessageId) {
      await this.checkQuoted(tx, appId, content.quotedMessageId, conversationId);
    }

    // One statement: the seq (under the conversation's lock), the message, a new receiver's position.
    let stored: Awaited<ReturnType<MessageRepository['insertWithSeq']>>;
    try {
      stored = await this.messages.insertWithSeq(
        tx,
        toStore(appId, conversationId, sender, content, opts.sentAt ?? now, mentioned),
        {
          // A 1:1 conversation's receiver gets a position (nothing read) when it starts.
          open:
            content.receiverType === 'user' && content.receiver !== sender
              ? content.receiver
              : null,
        },
      );
    } catch (err) {
      if (isMuidTaken(err)) throw new MuidTaken();
      throw err;
    }
    const row = stored.message;
    if (!row) {
      // A uid beginning "group_" next to a guid holding "_user_" can spell the same id (reference
      // §2.4's scheme); the first conversation keeps it.
      throw new DomainError(
        'ERR_BAD_REQUEST',
        `The conversation id ${conversationId} is taken by a ${stored.conversationType} conversation.`,
        { receiver: ['names a conversation that another conversation already uses'] },
      );
    }
    if (content.parentId) await this.messages.countReply(tx, appId, content.parentId);
    if (sender !== APP_SYSTEM_UID) {
      await this.messages.advancePosition(tx, appId, conversationId, sender, Number(row.seq), now);
    }
    const [message] = await this.views.withQuotes(
      appId,
      [row],
      [
        toMessage(row, {
          users: new Map([...participants.users, ...mentioned]),
          groups: participants.groups,
        }),
      ],
      tx,
    );
    if (opts.event !== false) {
      await this.outbox.stage(tx, EVENTS.messaging.messageCreated, appId, { message });
    }
    return message;
  }

  /** A quoted message is one of the same conversation. */
  private async checkQuoted(
    tx: EntityManager,
    appId: string,
    quotedId: string,
    conversationId: string,
  ): Promise<void> {
    const quoted = await this.messages.findParent(tx, appId, quotedId);
    // A permanently deleted message is gone for new quotes (those made before show it erased).
    if (!quoted || quoted.erased) {
      throw new DomainError(
        'ERR_MESSAGE_ID_NOT_FOUND',
        `The quoted message ${quotedId} does not exist.`,
      );
    }
    if (quoted.conversation_id !== conversationId) {
      throw new DomainError('ERR_BAD_REQUEST', 'A message quotes a message of its conversation.', {
        quotedMessageId: [`${quotedId} belongs to another conversation`],
      });
    }
  }

  /** A reply's parent is a message of the same conversation that is not a reply itself. */
  private async checkParent(
    tx: EntityManager,
    appId: string,
    parentId: string,
    conversationId: string,
  ): Promise<void> {
    const parent = await this.messages.findParent(tx, appId, parentId);
    if (!parent) {
      throw new DomainError('ERR_MESSAGE_ID_NOT_FOUND', `The message ${parentId} does not exist.`);
    }
    if (parent.conversation_id !== conversationId) {
      throw new DomainError(
        'ERR_WRONG_MESSAGE_THREAD',
        `The message ${parentId} belongs to another conversation.`,
      );
    }
    if (parent.parent_id !== null) {
      throw new DomainError(
        'ERR_MESSAGE_THREAD_NESTING',
        `The message ${parentId} is a reply; replies cannot have replies.`,
      );
    }
    if (parent.category === 'action') throw new DomainError('ERR_WRONG_MESSAGE_THREAD_CATEGORY');
  }
}
