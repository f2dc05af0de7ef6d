import { Injectable } from '@nestjs/common';
import { MessageBus, rootLogger } from '@parley/common';
import {
  APP_SYSTEM_UID,
  DeliveryFrame,
  deliverToUserSubject,
  ReceiptKind,
} from '@parley/contracts';

/** The receipts frame's actions: one member's, or the whole group's (`deliveredToAll`, `readByAll`). */
export type ReceiptAction = ReceiptKind | 'deliveredToAll' | 'readByAll';

/** A forward move of a receipt position, as the `receipts` frame tells it. */
export interface ReceiptMoved {
  appId: string;
  kind: ReceiptAction;
  /** Who received or read. */
  reader: string;
  readerEntity: Record<string, unknown>;
  receiverType: 'user' | 'group';
  /** The other user of a 1:1 conversation, or the group. */
  receiver: string;
  messageId: string;
  messageSender: string;
  at: number;
  deviceId?: string;
}

/**
 * The real-time copy of a receipt (realtime reference §5): a `receipts` frame on core NATS to the
 * user it concerns: in a 1:1 conversation the other user; in a group the sender of the message
 * the mark reached (also for `deliveredToAll`/`readByAll`, when a member's mark completes the
 * group's). `sender` is the reader, `receiver` the other user or the group, as the client
 * SDK's own receipt frames have them. Best effort, after commit.
 */
@Injectable()
export class ReceiptDelivery {
  private readonly log = rootLogger().child({ component: 'delivery' });

  constructor(private readonly bus: MessageBus) {}

  deliver(r: ReceiptMoved): void {
    const to = r.receiverType === 'user' ? r.receiver : r.messageSender;
    if (to === r.reader || to === APP_SYSTEM_UID) return;
    const frame: DeliveryFrame & { messageSender: string } = {
      appId: r.appId,
      type: 'receipts',
      sender: r.reader,
      receiver: r.receiver,
      receiverType: r.receiverType,
      ...(r.deviceId ? { deviceId: r.deviceId } : {}),
      messageSender: r.messageSender,
      body: { action: r.kind, messageId: r.messageId, user: r.readerEntity, timestamp: r.at },
    };
    try {
      this.bus.publish(deliverToUserSubject(r.appId, to), frame);
    } catch (err) {
      this.log.warn({ err, messageId: r.messageId }, 'real-time receipt delivery failed');
    }
  }
}
