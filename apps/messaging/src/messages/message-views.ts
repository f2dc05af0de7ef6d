import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import {
  groupConversationId,
  Message,
  MessageCursor,
  MessageListQuery,
  MessageListRequest,
  MessagePage,
  ThreadListRequest,
  userConversationId,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { forDisplay, ParticipantDirectory } from '../directory/participant-directory';
import { ReceiptViews } from '../receipts/receipt-views';
import { MessageRow, RenderRow } from './message.entity';
import { Participants, toMessage } from './message.mapper';
import { MessageRepository, PageRead } from './message.repository';
import { ViewerExtras } from './viewer-extras';

const notFound = (id: string) =>
  new DomainError('ERR_MESSAGE_ID_NOT_FOUND', `The message ${id} does not exist.`);

/**
 * Reading messages (reference §4.8). The app (a REST key without onBehalfOf) sees every message
 * of the app; a user sees the messages of their 1:1 conversations and of the groups they are a
 * member of now. A message the viewer may not see is ERR_MESSAGE_ID_NOT_FOUND, as if it did not
 * exist; a group's list, to a non-member, is ERR_GROUP_NOT_JOINED.
 */
@Injectable()
export class MessageViews {
  constructor(
    private readonly messages: MessageRepository,
    private readonly directory: ParticipantDirectory,
    private readonly extras: ViewerExtras,
    private readonly receipts: ReceiptViews,
  ) {}

  async get(appId: string, viewer: string | undefined, id: string): Promise<Message> {
    const row = await this.findVisible(appId, viewer, id);
    const [message] = await this.renderFor(appId, viewer, [row]);
    // Its sender also gets who received and read it (the SDK's getMessageReceipts reads it).
    if (viewer !== undefined && viewer === row.sender) {
      return this.receipts.withReceiptList(appId, message);
    }
    return message;
  }

  /** The stored message, if the viewer may see it (else ERR_MESSAGE_ID_NOT_FOUND). */
  async findVisible(appId: string, viewer: string | undefined, id: string): Promise<MessageRow> {
    const row = await this.messages.findById(appId, id);
    if (!row) throw notFound(id);
    if (viewer !== undefined && !(await this.canSee(appId, viewer, row))) throw notFound(id);
    return row;
  }

  async list({ appId, viewer, scope, query }: MessageListRequest): Promise<MessagePage> {
    let conversations: string[] | undefined;
    if (scope.kind === 'user') {
      if (viewer === undefined) throw viewerNeeded();
      conversations = [userConversationId(viewer, scope.uid)];
    } else if (scope.kind === 'group') {
      await this.checkGroupReader(appId, viewer, scope.guid);
      conversations = [groupConversationId(scope.guid)];
    } else if (viewer !== undefined) {
      const [direct, guids] = await Promise.all([
        this.messages.userConversationIds(appId, viewer),
        this.directory.memberGuids(appId, viewer),
      ]);
      conversations = [...direct, ...guids.map(groupConversationId)];
    }
    if ((query.unread || query.undelivered) && viewer === undefined) throw viewerNeeded();
    return this.page(appId, viewer, conversations, query);
  }

  /**
   * GET /messages/{id}/thread: the replies to `parentId` (with the lists' filters), for whoever
   * may see the parent; anyone else gets ERR_MESSAGE_ID_NOT_FOUND, as for the parent itself.
   */
  async thread({ appId, viewer, parentId, query }: ThreadListRequest): Promise<MessagePage> {
    const parent = await this.messages.findById(appId, parentId);
    if (!parent) throw notFound(parentId);
    if (viewer !== undefined && !(await this.canSee(appId, viewer, parent))) {
      throw notFound(parentId);
    }
    if ((query.unread || query.undelivered) && viewer === undefined) throw viewerNeeded();
    return this.page(appId, viewer, [parent.conversation_id], {
      ...query,
      parentId,
      hideReplies: false,
    });
  }

  /** One page of the conversations' messages (all the app's when undefined), as `viewer` sees it. */
  private async page(
    appId: string,
    viewer: string | undefined,
    conversations: string[] | undefined,
    query: MessageListQuery,
  ): Promise<MessagePage> {
    // The viewer's own mentions and goals: the app has none.
    if ((query.myMentionsOnly || query.onlyInteractionGoalCompleted) && viewer === undefined) {
      throw viewerNeeded();
    }
    const read: PageRead =
      conversations?.length === 0
        ? { rows: [], users: [], groups: [], marks: [] }
        : await this.messages.page(appId, conversations, query, viewer);
    // Pages are shown oldest first, whichever way they were read.
    const ordered = query.affix === 'prepend' ? [...read.rows].reverse() : read.rows;
    // As renderFor, with the users, groups and receipt marks read with the rows.
    const items = await this.renderMany(appId, ordered, viewer, {
      ...forDisplay(read),
      entities: new Map(),
    });
    this.receipts.applyMarks(viewer, items, read.marks);
    const edge = query.affix === 'prepend' ? items[0] : items[items.length - 1];
    const next: MessageCursor | undefined = edge
      ? { affix: query.affix, id: edge.id, sentAt: edge.sentAt }
      : query.id !== undefined || query.sentAt !== undefined
        ? { affix: query.affix, id: query.id, sentAt: query.sentAt } // nothing yet: ask again from here
        : undefined;
    return {
      items,
      meta: {
        current: { limit: query.limit, count: items.length },
        ...(next ? { next, cursor: next } : {}),
      },
    };
  }

  /** `viewer`: the user it is shown to (their reactions, mentions, interactions); none: the app. */
  render(appId: string, row: MessageRow, viewer?: string): Promise<Message> {
    return this.renderFor(appId, viewer, [row]).then(([m]) => m);
  }

  /**
   * Messages as `viewer` (undefined: the app) sees them: with their receipts, whose marks are
   * read while the messages render.
   */
  async renderFor(
    appId: string,
    viewer: string | undefined,
    rows: RenderRow[],
  ): Promise<Message[]> {
    const [messages, marks] = await Promise.all([
      this.renderMany(appId, rows, viewer),
      this.receipts.marksFor(
        appId,
        viewer,
        rows.map((r) => ({
          conversationId: r.conversation_id,
          seq: Number(r.seq),
          sender: r.sender,
          receiverType: r.receiver_type,
        })),
      ),
    ]);
    this.receipts.applyMarks(viewer, messages, marks);
    return messages;
  }

  /**
   * Messages with their entities, from the read models (one look-up for the page, none when the
   * caller read `participants` with the rows).
   */
  async renderMany(
    appId: string,
    rows: RenderRow[],
    viewer?: string,
    participants?: Participants,
  ): Promise<Message[]> {
    const messages = await this.withQuotes(
      appId,
      rows,
      await this.renderPlain(appId, rows, undefined, participants),
    );
    await this.extras.apply(appId, rows, messages, viewer);
    return messages;
  }

  /**
   * `messages` (the rendering of `rows`) with the messages they quote as `quotedMessage`: as
   * those are now (an edit or an erasure shows), without their own quoted message. A quoted
   * message that is gone leaves `quotedMessageId` alone.
   */
  async withQuotes(
    appId: string,
    rows: RenderRow[],
    messages: Message[],
    db?: Pick<EntityManager, 'query'>,
  ): Promise<Message[]> {
    const ids = [
      ...new Set(
        rows.flatMap((r) => (r.quoted_message_id == null ? [] : [String(r.quoted_message_id)])),
      ),
    ];
    if (!ids.length) return messages;
    const quoted = await this.renderPlain(appId, await this.messages.findByIds(appId, ids, db), db);
    const byId = new Map(quoted.map((m) => [m.id, m]));
    return messages.map((m) => {
      const q = m.quotedMessageId === undefined ? undefined : byId.get(m.quotedMessageId);
      return q ? { ...m, quotedMessage: q } : m;
    });
  }

  /**
   * `db`: the caller's transaction, when it renders inside one (a pool of one connection waits);
   * `participants`: the users and groups `rows` name, when the caller has read them already.
   */
  private async renderPlain(
    appId: string,
    rows: RenderRow[],
    db?: Pick<EntityManager, 'query'>,
    participants?: Participants,
  ): Promise<Message[]> {
    if (!rows.length) return [];
    const named = participants ?? (await this.participantsOf(appId, rows, [], db));
    return rows.map((r) => toMessage(r, named));
  }

  /** The users and groups that `rows` (and `alsoUids`) name, as the read models know them. */
  async participantsOf(
    appId: string,
    rows: RenderRow[],
    alsoUids: string[] = [],
    db?: Pick<EntityManager, 'query'>,
  ): Promise<Participants> {
    const uids = rows.flatMap((r) => [
      ...(r.receiver_type === 'user' ? [r.sender, r.receiver] : [r.sender]),
      ...r.mentioned_uids,
    ]);
    const guids = rows.flatMap((r) => (r.receiver_type === 'group' ? [r.receiver] : []));
    const [users, groups] = await Promise.all([
      this.directory.usersForDisplay(appId, [...uids, ...alsoUids], db),
      this.directory.groupsForDisplay(appId, guids, db),
    ]);
    return { users, groups };
  }

  private async canSee(appId: string, viewer: string, row: MessageRow): Promise<boolean> {
    if (row.receiver_type === 'user') return takesPart(viewer, row);
    const membership = await this.directory.membership(appId, row.receiver, viewer);
    return membership.group !== null && membership.state === 'member';
  }

  /** A group's messages are for its members (and the app); an unknown group is not found. */
  private async checkGroupReader(appId: string, viewer: string | undefined, guid: string) {
    if (viewer === undefined) {
      if (!(await this.directory.group(appId, guid))) throw guidNotFound(guid);
      return;
    }
    const membership = await this.directory.membership(appId, guid, viewer);
    if (!membership.group) throw guidNotFound(guid);
    if (membership.state !== 'member') {
      throw new DomainError('ERR_GROUP_NOT_JOINED', `You are not a member of the group ${guid}.`);
    }
  }
}

/**
 * Whether `viewer` is one of the two users of a 1:1 message's conversation (the app may be the
 * sender of an action message in it, so the conversation id decides, not sender and receiver).
 */
export function takesPart(viewer: string, row: MessageRow): boolean {
  return [row.sender, row.receiver].some(
    (uid) => userConversationId(viewer, uid) === row.conversation_id,
  );
}

const guidNotFound = (guid: string) =>
  new DomainError('ERR_GUID_NOT_FOUND', `The guid ${guid} does not exist.`);

const viewerNeeded = () =>
  new DomainError(
    'ERR_BAD_REQUEST',
    'A 1:1 conversation is read by one of its users: use an auth token, or onBehalfOf.',
    { onBehalfOf: ['is required when this API is called with the REST API key'] },
  );
