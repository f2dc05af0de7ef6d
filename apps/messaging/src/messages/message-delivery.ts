import { Injectable } from '@nestjs/common';
import { MessageBus, rootLogger } from '@parley/common';
import {
  APP_SYSTEM_UID,
  DeliveryFrame,
  deliverToGroupSubject,
  deliverToUserSubject,
  Message,
} from '@parley/contracts';

/**
 * The real-time copy of a stored message (ARCHITECTURE.md §3 step 4, §4): one `message` frame on
 * core NATS, to `deliver.<appId>.g.<guid>` for a group (one publish, whatever its size), or to
 * `deliver.<appId>.u.<uid>` of the receiver and of the sender (their other devices) for a 1:1
 * message. Best effort, after commit: the record is PostgreSQL, and clients sync by seq.
 */
@Injectable()
export class MessageDelivery {
  private readonly log = rootLogger().child({ component: 'delivery' });

  constructor(private readonly bus: MessageBus) {}

  /** `alsoTo`: users who hear it on their own subject too (e.g. one just removed from the group). */
  deliver(
    appId: string,
    message: Message,
    deviceId: string | undefined,
    alsoTo: readonly string[] = [],
  ): void {
    const frame: DeliveryFrame = {
      appId,
      type: 'message',
      sender: message.sender,
      receiver: message.receiver,
      receiverType: message.receiverType,
      ...(deviceId ? { deviceId } : {}),
      body: message,
    };
    this.publish(message, frame, alsoTo);
  }

  /**
   * Publishes a frame about a message (the message itself, a reaction, an interaction) to its
   * conversation: the group's subject, or both users' of a 1:1 conversation; and to `alsoTo`.
   */
  publish(message: ConversationOf, frame: DeliveryFrame, alsoTo: readonly string[] = []): void {
    const group = message.receiverType === 'group';
    const uids = group ? alsoTo : [message.receiver, message.sender, ...alsoTo];
    const subjects = [
      ...(group ? [deliverToGroupSubject(frame.appId, message.receiver)] : []),
      ...[...new Set(uids)]
        .filter((uid) => uid !== APP_SYSTEM_UID)
        .map((uid) => deliverToUserSubject(frame.appId, uid)),
    ];
    try {
      for (const subject of subjects) this.bus.publish(subject, frame);
    } catch (err) {
      this.log.warn(
        { err, messageId: message.id, type: frame.type },
        'real-time delivery failed; clients sync by seq',
      );
    }
  }
}

/** Where a message is: what its frames are delivered by. */
export type ConversationOf = Pick<Message, 'id' | 'sender' | 'receiver' | 'receiverType'>;
