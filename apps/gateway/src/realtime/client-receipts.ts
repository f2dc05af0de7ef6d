import { Injectable } from '@nestjs/common';
import { MessageBus, rootLogger } from '@parley/common';
import { ClientReceiptFrameSchema, RPC } from '@parley/contracts';
import { Connection } from './connection';

/**
 * A client's `receipts` frame (the SDK's markAsDelivered/markAsRead, realtime reference §5): the
 * socket's user has received or read their conversation with `receiver` (a user or a group) up to
 * `body.messageId`. It becomes rpc.messaging.receipt.mark, which stores it and sends the
 * `receipts` frame on to whom it concerns. The SDK expects no answer: a frame that is malformed
 * or refused is dropped and logged.
 */
@Injectable()
export class ClientReceipts {
  private readonly log = rootLogger().child({ component: 'realtime' });

  constructor(private readonly bus: MessageBus) {}

  async mark(conn: Connection, raw: Record<string, unknown>): Promise<void> {
    const parsed = ClientReceiptFrameSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.debug({ appId: conn.appId, uid: conn.uid }, 'malformed receipts frame dropped');
      return;
    }
    const { receiver, receiverType, body } = parsed.data;
    try {
      await this.bus.request(RPC.messaging.receiptMark, {
        appId: conn.appId,
        viewer: conn.uid,
        with:
          receiverType === 'user'
            ? { kind: 'user', uid: receiver }
            : { kind: 'group', guid: receiver },
        kind: body.action,
        messageId: body.messageId,
        deviceId: conn.deviceId,
      });
    } catch (err) {
      this.log.debug({ err, appId: conn.appId, uid: conn.uid }, 'receipts frame refused');
    }
  }
}
