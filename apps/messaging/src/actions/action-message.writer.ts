import { Injectable } from '@nestjs/common';
import { Clock, Outbox, Transactor } from '@parley/common';
import { EVENTS, Message, ReceiverType } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { MessageDelivery } from '../messages/message-delivery';
import { Participants, toMessage } from '../messages/message.mapper';
import { isSourceEventTaken, MessageRepository } from '../messages/message.repository';
import { MessageViews } from '../messages/message-views';
import { ActionRepository } from './action.repository';

/**
 * An action message to store (reference §6.4): `sender` is who acted (`app_system` for the app),
 * `data` is `{action, entities: {by, on, for}, extras?}`. `sourceEventId` names the event it is
 * made from: one message per event, however often the event is delivered.
 */
export interface ActionDraft {
  appId: string;
  conversationId: string;
  sender: string;
  receiver: string;
  receiverType: ReceiverType;
  /** `action` unless told (`call` for a call's transition, reference §6.5). */
  category?: 'action' | 'call';
  /** `groupMember` (membership), `message` (edit, delete), `audio`/`video` (calls). */
  type: 'groupMember' | 'message' | 'audio' | 'video';
  data: Record<string, unknown>;
  /** Who the sender and receiver entities show. */
  participants: Participants;
  sourceEventId?: string;
}

/** Where the real-time copy goes besides the conversation's own subjects. */
export interface ActionDelivery {
  deviceId?: string;
  alsoTo?: readonly string[];
}

/** The transaction found the event's action message already stored. */
class SourceEventTaken extends Error {}

/**
 * Stores action messages like any message of their conversation: the next seq under the
 * conversation's row lock, one insert (which makes it the conversation's last message), and
 * `message.created` staged in the outbox; after commit, one `message` frame (MessageDelivery).
 * Used for edits and deletes (inside their transaction, `store`) and for the membership events
 * of the groups service (`write`, its own transaction).
 */
@Injectable()
export class ActionMessageWriter {
  constructor(
    private readonly messages: MessageRepository,
    private readonly actions: ActionRepository,
    private readonly views: MessageViews,
    private readonly delivery: MessageDelivery,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  /** Inside the caller's transaction; the caller delivers after commit. */
  async store(tx: EntityManager, draft: ActionDraft): Promise<Message> {
    const now = this.clock.now();
    const { seq } = await this.messages.takeSeq(
      tx,
      draft.appId,
      draft.conversationId,
      draft.receiverType,
      now,
    );
    const row = await this.messages.insert(tx, {
      appId: draft.appId,
      conversationId: draft.conversationId,
      seq,
      muid: null,
      sender: draft.sender,
      receiver: draft.receiver,
      receiverType: draft.receiverType,
      category: draft.category ?? 'action',
      type: draft.type,
      data: draft.data,
      tags: [],
      parentId: null,
      sentAt: now,
      sourceEventId: draft.sourceEventId ?? null,
    });
    const message = toMessage(row, draft.participants);
    await this.outbox.stage(tx, EVENTS.messaging.messageCreated, draft.appId, { message });
    return message;
  }

  /**
   * Stores and delivers the action message of an event, once: when the event's message exists
   * (a redelivery, or two consumers racing) it is returned as stored and nothing is written.
   */
  async write(draft: ActionDraft, delivery: ActionDelivery = {}): Promise<Message> {
    if (draft.sourceEventId) {
      const stored = await this.actions.findBySourceEvent(draft.appId, draft.sourceEventId);
      if (stored) return this.views.render(draft.appId, stored);
    }
    let message: Message;
    try {
      message = await this.tx.run(async (tx) => {
        try {
          return await this.store(tx, draft);
        } catch (err) {
          if (isSourceEventTaken(err)) throw new SourceEventTaken();
          throw err;
        }
      });
    } catch (err) {
      // The racing writer committed first; this transaction rolled back, its seq unused.
      if (!(err instanceof SourceEventTaken) || !draft.sourceEventId) throw err;
      const stored = await this.actions.findBySourceEvent(draft.appId, draft.sourceEventId);
      if (!stored) throw err;
      return this.views.render(draft.appId, stored);
    }
    this.deliver(draft.appId, message, delivery);
    return message;
  }

  deliver(appId: string, message: Message, { deviceId, alsoTo }: ActionDelivery = {}): void {
    this.delivery.deliver(appId, message, deviceId, alsoTo);
  }
}
