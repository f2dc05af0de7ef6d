import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { APP_SYSTEM_UID, EVENTS, Message, MessageSend } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { MessageContent, messageContent } from './message-content';
import { MessageDelivery } from './message-delivery';
import { MessageRow } from './message.entity';
import { toMessage } from './message.mapper';
import { UserProfile } from '../directory/directory.entity';
import { isMuidTaken, MessageRepository } from './message.repository';
import { MessageViews } from './message-views';
import { MessageMentions } from './mentions';
import { SendRules, SendTarget } from './send-rules';

/** The user a reply is shown to: the sender, unless the app sent it. */
const viewerOf = (sender: string) => (sender === APP_SYSTEM_UID ? undefined : sender);

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
 * same id and seq, and writes nothing; two racing with one muid store one (the second insert
 * violates the muid index, rolls back, so its seq is not used, and returns the first).
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

  async send(input: MessageSend): Promise<Message> {
    const { appId } = input;
    const sender = input.sender ?? APP_SYSTEM_UID;
    const content = messageContent(input.message);
    if (content.muid) {
      const stored = await this.messages.findByMuid(appId, sender, content.muid);
      if (stored) return this.views.render(appId, stored, viewerOf(sender));
    }
    const target = await this.rules.check(appId, sender, content);
    const mentioned = await this.mentions.resolve(appId, content.category, content.data);
    let message: Message;
    try {
      message = await this.tx.run((tx) =>
        this.store(tx, appId, sender, content, target, mentioned),
      );
    } catch (err) {
      if (!(err instanceof MuidTaken)) throw err;
      const stored = await this.messages.findByMuid(appId, sender, content.muid as string);
      if (!stored) throw err; // cannot be: the index said it is there
      return this.views.render(appId, stored, viewerOf(sender));
    }
    this.delivery.deliver(appId, message, input.deviceId);
    if (!message.mentionedUsers || sender === APP_SYSTEM_UID) return message;
    return { ...message, mentionedMe: mentioned.has(sender) };
  }

  private async store(
    tx: EntityManager,
    appId: string,
    sender: string,
    content: MessageContent,
    { conversationId, participants }: SendTarget,
    mentioned: ReadonlyMap<string, UserProfile>,
  ): Promise<Message> {
    const now = this.clock.now();
    const conversationType = content.receiverType;
    const { seq, conversationType: heldBy } = await this.messages.takeSeq(
      tx,
      appId,
      conversationId,
      conversationType,
      now,
    );
    if (heldBy !== conversationType) {
      // A uid beginning "group_" next to a guid holding "_user_" can spell the same id (reference
      // §2.4's scheme); the first conversation keeps it.
      throw new DomainError(
        'ERR_BAD_REQUEST',
        `The conversation id ${conversationId} is taken by a ${heldBy} conversation.`,
        { receiver: ['names a conversation that another conversation already uses'] },
      );
    }
    if (content.parentId) await this.checkParent(tx, appId, content.parentId, conversationId);

    let row: MessageRow;
    try {
      row = await this.messages.insert(tx, {
        appId,
        conversationId,
        seq,
        muid: content.muid ?? null,
        sender,
        receiver: content.receiver,
        receiverType: content.receiverType,
        category: content.category,
        type: content.type,
        data: content.data,
        tags: content.tags,
        parentId: content.parentId ?? null,
        sentAt: now,
        mentionedUids: [...mentioned.keys()],
      });
    } catch (err) {
      if (isMuidTaken(err)) throw new MuidTaken();
      throw err;
    }
    if (content.parentId) await this.messages.countReply(tx, appId, content.parentId);
    if (sender !== APP_SYSTEM_UID) {
      await this.messages.advancePosition(tx, appId, conversationId, sender, seq, now);
    }
    if (conversationType === 'user' && seq === 1 && content.receiver !== sender) {
      await this.messages.openPosition(tx, appId, conversationId, content.receiver, now);
    }
    const users = new Map([...participants.users, ...mentioned]);
    const message = toMessage(row, { users, groups: participants.groups });
    await this.outbox.stage(tx, EVENTS.messaging.messageCreated, appId, { message });
    return message;
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
