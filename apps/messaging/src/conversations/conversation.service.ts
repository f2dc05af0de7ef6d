import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import {
  Conversation,
  ConversationListRequest,
  ConversationRef,
  EVENTS,
  MarkUnread,
  Page,
  pagination,
  UnreadCount,
  UnreadCountsRequest,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { MessageRepository } from '../messages/message.repository';
import { MessageViews } from '../messages/message-views';
import { ReceiptRepository } from '../receipts/receipt.repository';
import { ConversationAccess, conversationNotAccessible } from './conversation-access';
import { UserConversationRow } from './conversation.entity';
import { toConversation } from './conversation.mapper';
import { ConversationRepository, UserConversationFilter } from './conversation.repository';

/**
 * A user's conversations (reference §4.9): listed and read with exact unread counts (see
 * ConversationRepository), tagged, deleted for them alone (hidden, with the messages up to then,
 * until a new message comes), and marked unread from a message on. Changes by the user's hand are
 * published as `conversation.updated`.
 */
@Injectable()
export class ConversationService {
  constructor(
    private readonly conversations: ConversationRepository,
    private readonly positions: ReceiptRepository,
    private readonly messages: MessageRepository,
    private readonly access: ConversationAccess,
    private readonly views: MessageViews,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async list({ appId, viewer, query }: ConversationListRequest): Promise<Page<Conversation>> {
    const rows = await this.conversations.forUser(appId, viewer, {
      conversationType: query.conversationType,
      unread: query.unread,
      tags: query.tags,
      userTags: query.userTags,
      groupTags: query.groupTags,
      searchKey: query.searchKey?.trim() || undefined,
      limit: query.perPage,
      offset: (query.page - 1) * query.perPage,
    });
    const items = await this.render(appId, viewer, rows);
    return { items, pagination: pagination(Number(rows[0]?.total ?? 0), items.length, query) };
  }

  async get({ appId, viewer, with: target }: ConversationRef): Promise<Conversation> {
    const { conversationId } = await this.access.resolve(appId, viewer, target);
    return this.current(appId, viewer, conversationId);
  }

  async tag(ref: ConversationRef & { tags: string[] }): Promise<Conversation> {
    const { appId, viewer } = ref;
    const c = await this.access.resolve(appId, viewer, ref.with);
    if (!(await this.conversations.find(appId, c.conversationId))) {
      throw conversationNotAccessible(c.conversationId);
    }
    await this.tx.run(async (tx) => {
      const now = this.clock.now();
      await this.positions.setTags(tx, appId, c.conversationId, viewer, ref.tags, c.start, now);
      await this.stageUpdated(tx, appId, viewer, c.conversationId, 'tagged');
    });
    return this.current(appId, viewer, c.conversationId);
  }

  async delete({ appId, viewer, with: target }: ConversationRef) {
    const c = await this.access.resolve(appId, viewer, target);
    const shown = await this.conversations.forUser(appId, viewer, {
      conversationId: c.conversationId,
    });
    if (!shown.length) throw conversationNotAccessible(c.conversationId);
    const lastSeq = Number(shown[0].last_seq);
    await this.tx.run(async (tx) => {
      const now = this.clock.now();
      await this.positions.lockPosition(tx, appId, c.conversationId, viewer, c.start, now);
      await this.positions.clear(tx, appId, c.conversationId, viewer, lastSeq);
      await this.outbox.stage(tx, EVENTS.messaging.conversationUpdated, appId, {
        uid: viewer,
        conversationId: c.conversationId,
        change: 'deleted',
      });
    });
    return { success: true as const, message: `The conversation ${c.conversationId} is deleted.` };
  }

  /**
   * Message `messageId` and every later one become unread for the viewer (their own messages
   * excepted): the read position moves back to just before it, never before a group member's
   * join. A message already unread changes nothing.
   */
  async markUnread({ appId, viewer, with: target, messageId }: MarkUnread): Promise<Conversation> {
    const c = await this.access.resolve(appId, viewer, target);
    const message = await this.messages.findById(appId, messageId);
    if (!message || message.conversation_id !== c.conversationId) {
      throw new DomainError(
        'ERR_MESSAGE_ID_NOT_FOUND',
        `The message ${messageId} is not in the conversation ${c.conversationId}.`,
      );
    }
    const { conversationId } = c;
    await this.tx.run(async (tx) => {
      const now = this.clock.now();
      const pos = await this.positions.lockPosition(
        tx,
        appId,
        conversationId,
        viewer,
        c.start,
        now,
      );
      const readSeq = Math.max(Math.min(pos.readSeq, Number(message.seq) - 1), c.start);
      if (readSeq >= pos.readSeq) return; // already unread
      const ownAfterRead = await this.positions.countOwnAfter(
        tx,
        appId,
        conversationId,
        viewer,
        readSeq,
      );
      await this.positions.savePosition(
        tx,
        appId,
        conversationId,
        viewer,
        { readSeq, deliveredSeq: pos.deliveredSeq, ownAfterRead },
        now,
      );
      await this.positions.clipReadMarks(tx, appId, conversationId, viewer, readSeq);
      await this.stageUpdated(tx, appId, viewer, conversationId, 'markedUnread');
    });
    return this.current(appId, viewer, conversationId);
  }

  /** Unread (or undelivered) counts per conversation, in the client SDK's shape. */
  async unreadCounts(req: UnreadCountsRequest): Promise<{ items: UnreadCount[] }> {
    const { appId, viewer } = req;
    const filter: UserConversationFilter = { conversationType: req.receiverType };
    if (req.with) {
      const c = await this.access.resolve(appId, viewer, req.with);
      filter.conversationId = c.conversationId;
    } else if (req.undelivered) filter.undelivered = true;
    else filter.unread = true;
    const rows = await this.conversations.forUser(appId, viewer, filter);
    return {
      items: rows.map((r) => ({
        entityId: r.with_id,
        entityType: r.conversation_type,
        count: Number(req.undelivered ? r.undelivered : r.unread),
      })),
    };
  }

  /** The conversation as the viewer sees it now. */
  private async current(appId: string, viewer: string, conversationId: string) {
    const [row] = await this.conversations.forUser(appId, viewer, { conversationId });
    if (!row) throw conversationNotAccessible(conversationId);
    const [conversation] = await this.render(appId, viewer, [row]);
    return conversation;
  }

  /**
   * Stages `conversation.updated` with the conversation as the change leaves it (read through the
   * transaction, which alone sees the change; without `lastMessage`, which the change does not
   * touch, so the transaction needs no other connection).
   */
  private async stageUpdated(
    tx: EntityManager,
    appId: string,
    viewer: string,
    conversationId: string,
    change: 'tagged' | 'markedUnread',
  ): Promise<void> {
    const [row] = await this.conversations.forUser(appId, viewer, { conversationId }, tx);
    if (!row) throw conversationNotAccessible(conversationId);
    await this.outbox.stage(tx, EVENTS.messaging.conversationUpdated, appId, {
      uid: viewer,
      conversationId,
      change,
      conversation: toConversation(row),
    });
  }

  private async render(appId: string, viewer: string, rows: UserConversationRow[]) {
    const ids = rows.flatMap((r) => (r.last_message_id === null ? [] : [r.last_message_id]));
    const lastRows = await this.conversations.messagesByIds(appId, ids);
    const rendered = await this.views.renderFor(appId, viewer, lastRows);
    const byId = new Map(rendered.map((m) => [m.id, m]));
    return rows.map((r) =>
      toConversation(
        r,
        r.last_message_id === null ? undefined : byId.get(String(r.last_message_id)),
      ),
    );
  }
}
