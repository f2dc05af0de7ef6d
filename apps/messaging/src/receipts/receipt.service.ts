import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import {
  EVENTS,
  MessageReceipt,
  Page,
  pagination,
  ReceiptListRequest,
  ReceiptMark,
} from '@parley/contracts';
import {
  ConversationAccess,
  conversationNotAccessible,
} from '../conversations/conversation-access';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ParticipantDirectory } from '../directory/participant-directory';
import { userEntity } from '../messages/message.mapper';
import { MessageRepository } from '../messages/message.repository';
import { MessageViews } from '../messages/message-views';
import { ReceiptAction, ReceiptDelivery, ReceiptMoved } from './receipt-delivery';
import { ReceiptViews } from './receipt-views';
import { Position } from './receipt.entity';
import {
  GROUP_MARK_UID,
  ReceiptRepository,
  WHOLE_GROUP_RECEIPTS_MAX_MEMBERS,
} from './receipt.repository';

const success = (message: string) => ({ success: true as const, message });

/**
 * Delivered and read marks (reference §4.9, §6.7): a user has received or read their conversation
 * up to a message (absent: all of it). Read implies delivered; positions only move forward, so a
 * repeated or older mark changes nothing and publishes nothing. Each move is recorded with its time
 * (receipt_marks), published as `receipt.delivered`/`receipt.read` through the outbox, and sent as
 * a `receipts` frame.
 */
@Injectable()
export class ReceiptService {
  constructor(
    private readonly positions: ReceiptRepository,
    private readonly conversations: ConversationRepository,
    private readonly messages: MessageRepository,
    private readonly access: ConversationAccess,
    private readonly directory: ParticipantDirectory,
    private readonly views: MessageViews,
    private readonly receiptViews: ReceiptViews,
    private readonly delivery: ReceiptDelivery,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async mark(req: ReceiptMark) {
    const { appId, viewer, kind } = req;
    const c = await this.access.resolve(appId, viewer, req.with);
    const conversation = await this.conversations.find(appId, c.conversationId);
    if (!conversation) throw conversationNotAccessible(c.conversationId);
    let boundary: { id: string; sender: string; seq: number } | null;
    if (req.messageId !== undefined) {
      const m = await this.messages.findById(appId, req.messageId);
      if (!m || m.conversation_id !== c.conversationId) {
        throw new DomainError(
          'ERR_MESSAGE_ID_NOT_FOUND',
          `The message ${req.messageId} is not in the conversation ${c.conversationId}.`,
        );
      }
      boundary = { id: String(m.id), sender: m.sender, seq: Number(m.seq) };
    } else {
      const seq = Number(conversation.last_seq);
      const m = await this.conversations.messageIdAt(appId, c.conversationId, seq);
      boundary = m && { id: String(m.id), sender: m.sender, seq };
    }
    const done = success(`The conversation ${c.conversationId} is marked as ${kind}.`);
    if (!boundary) return done;
    const { seq } = boundary;

    const moved = await this.tx.run(async (tx) => {
      const now = this.clock.now();
      const at = toSeconds(now);
      const id = c.conversationId;
      const pos = await this.positions.lockPosition(tx, appId, id, viewer, c.start, now);
      const next: Position = { ...pos };
      if (kind === 'read') next.readSeq = Math.max(pos.readSeq, seq);
      next.deliveredSeq = Math.max(pos.deliveredSeq, next.readSeq, seq);
      if (next.readSeq > pos.readSeq && pos.ownAfterRead > 0) {
        next.ownAfterRead = await this.positions.countOwnAfter(tx, appId, id, viewer, next.readSeq);
      }
      const kinds: Array<'delivered' | 'read'> = [];
      if (next.deliveredSeq > pos.deliveredSeq) kinds.push('delivered');
      if (next.readSeq > pos.readSeq) kinds.push('read');
      if (!kinds.length) return [];
      await this.positions.savePosition(tx, appId, id, viewer, next, now);
      for (const k of kinds) {
        const from = k === 'read' ? pos.readSeq : pos.deliveredSeq;
        await this.positions.addMark(tx, appId, id, viewer, k, from, seq, now);
        await this.outbox.stage(
          tx,
          k === 'read' ? EVENTS.messaging.receiptRead : EVENTS.messaging.receiptDelivered,
          appId,
          {
            uid: viewer,
            conversationId: id,
            receiverType: c.receiverType,
            receiver: c.receiver,
            messageId: boundary.id,
            messageSender: boundary.sender,
            seq,
            at,
          },
        );
      }
      const frames: Array<{ kind: ReceiptAction; at: number; id: string; sender: string }> =
        kinds.map((k) => ({ kind: k, at, id: boundary.id, sender: boundary.sender }));
      if (c.receiverType === 'group') {
        // The whole group's position may have moved with this member's (small groups only).
        for (const k of kinds) {
          const group = await this.positions.groupPosition(
            tx,
            appId,
            c.receiver,
            k,
            WHOLE_GROUP_RECEIPTS_MAX_MEMBERS,
          );
          if (!group || group.lowest <= group.recorded) continue;
          const { lowest, recorded } = group;
          await this.positions.addMark(tx, appId, id, GROUP_MARK_UID, k, recorded, lowest, now);
          const reached = await this.conversations.messageIdAt(appId, id, lowest, tx);
          if (reached) {
            const kind = k === 'read' ? 'readByAll' : 'deliveredToAll';
            frames.push({ kind, at, id: String(reached.id), sender: reached.sender });
          }
        }
      }
      return frames;
    });
    if (moved.length) {
      const users = await this.directory.usersForDisplay(appId, [viewer]);
      for (const f of moved) {
        const frame: ReceiptMoved = {
          appId,
          kind: f.kind,
          reader: viewer,
          readerEntity: userEntity(viewer, users),
          receiverType: c.receiverType,
          receiver: c.receiver,
          messageId: f.id,
          messageSender: f.sender,
          at: f.at,
          deviceId: req.deviceId,
        };
        this.delivery.deliver(frame);
      }
    }
    return done;
  }

  /** Who has received and read message `id` (its sender aside), for whoever may see it. */
  async list({ appId, viewer, id, query }: ReceiptListRequest): Promise<Page<MessageReceipt>> {
    const message = await this.views.get(appId, viewer, id);
    const { items, total } = await this.receiptViews.receiptPage(
      appId,
      message,
      query.perPage,
      (query.page - 1) * query.perPage,
    );
    return { items, pagination: pagination(total, items.length, query) };
  }
}
