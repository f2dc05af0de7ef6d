import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import {
  EVENTS,
  MAX_DISTINCT_REACTIONS,
  Message,
  Reaction,
  ReactionChange,
  ReactionListRequest,
  ReactionPage,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { UserProfile } from '../directory/directory.entity';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageDelivery } from '../messages/message-delivery';
import { MessageRow } from '../messages/message.entity';
import { userEntity } from '../messages/message.mapper';
import { MessageViews } from '../messages/message-views';
import { toReactionCount } from '../messages/viewer-extras';
import { ReactionRepository, ReactionRow } from './reaction.repository';

type Change = 'added' | 'removed';

/**
 * Reactions to messages (reference §4.8, §5.6, §6.1). Whoever may read a message (its 1:1
 * participants, its group's current members) may react to it, once per reaction, unless it is
 * deleted or an action or call message; a message has
 * at most 25 distinct reactions (a new one beyond that is ERR_BAD_REQUEST). Adding a reaction the
 * user has, or removing one they have not, changes nothing and publishes nothing. A change commits
 * with its `reaction.added|removed` event in the outbox; then the `reaction` frame goes to the
 * conversation's delivery subjects. The reply is the message as the reacting user sees it.
 */
@Injectable()
export class ReactionService {
  constructor(
    private readonly reactions: ReactionRepository,
    private readonly views: MessageViews,
    private readonly directory: ParticipantDirectory,
    private readonly delivery: MessageDelivery,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  add(input: ReactionChange): Promise<Message> {
    return this.change(input, 'added');
  }

  remove(input: ReactionChange): Promise<Message> {
    return this.change(input, 'removed');
  }

  async list({
    appId,
    viewer,
    messageId,
    reaction,
    query,
  }: ReactionListRequest): Promise<ReactionPage> {
    await this.views.findVisible(appId, viewer, messageId);
    const rows = await this.reactions.list(appId, messageId, reaction, query);
    const ordered = query.affix === 'prepend' ? [...rows].reverse() : rows;
    const items = await this.toReactions(appId, ordered);
    const first = items[0];
    const last = items[items.length - 1];
    const again = query.id !== undefined ? { affix: query.affix, id: query.id } : undefined;
    return {
      items,
      meta: {
        current: { limit: query.limit, count: items.length },
        ...(last
          ? { next: { affix: 'append' as const, id: last.id } }
          : query.affix === 'append' && again
            ? { next: again }
            : {}),
        ...(first
          ? { previous: { affix: 'prepend' as const, id: first.id } }
          : query.affix === 'prepend' && again
            ? { previous: again }
            : {}),
      },
    };
  }

  private async change(input: ReactionChange, change: Change): Promise<Message> {
    const { appId, uid, messageId, reaction } = input;
    const row = await this.views.findVisible(appId, uid, messageId);
    if (change === 'added') checkReactable(row);
    // Read before the transaction: inside it, every statement must use the transaction's own
    // connection (transactions queued on the message's lock hold the others).
    const reactor = await this.directory.usersForDisplay(appId, [uid]);
    const done = await this.tx.run(async (tx) => {
      if (!(await this.reactions.lockMessage(tx, appId, messageId))) {
        throw new DomainError(
          'ERR_MESSAGE_ID_NOT_FOUND',
          `The message ${messageId} does not exist.`,
        );
      }
      if (change === 'added') await this.checkRoom(tx, appId, messageId, reaction);
      const now = this.clock.now();
      const changed =
        change === 'added'
          ? await this.reactions.add(tx, appId, messageId, reaction, uid, now)
          : await this.reactions.remove(tx, appId, messageId, reaction, uid, now);
      if (!changed) return null;
      const r = toReaction(changed, reactor);
      const counts = await this.reactions.counts(appId, [messageId], undefined, tx);
      await this.outbox.stage(
        tx,
        EVENTS.messaging[change === 'added' ? 'reactionAdded' : 'reactionRemoved'],
        appId,
        {
          reaction: r,
          message: {
            id: row.id,
            conversationId: row.conversation_id,
            sender: row.sender,
            receiver: row.receiver,
            receiverType: row.receiver_type,
            ...(row.parent_id !== null ? { parentId: String(row.parent_id) } : {}),
            reactions: counts.map(toReactionCount),
          },
        },
      );
      return r;
    });
    if (done) this.deliver(row, done, change, input.deviceId);
    const fresh = await this.views.findVisible(appId, uid, messageId);
    return this.views.render(appId, fresh, uid);
  }

  /** A new distinct reaction needs room: at most 25 per message. */
  private async checkRoom(tx: EntityManager, appId: string, messageId: string, reaction: string) {
    const distinct = await this.reactions.distinctReactions(tx, appId, messageId);
    if (!distinct.includes(reaction) && distinct.length >= MAX_DISTINCT_REACTIONS) {
      throw new DomainError(
        'ERR_BAD_REQUEST',
        `A message has at most ${MAX_DISTINCT_REACTIONS} distinct reactions.`,
        { reaction: [`the message has ${MAX_DISTINCT_REACTIONS} distinct reactions already`] },
      );
    }
  }

  /** The `reaction` frame (realtime protocol §5): the reaction, where its message is. */
  private deliver(row: MessageRow, r: Reaction, change: Change, deviceId: string | undefined) {
    this.delivery.publish(
      { id: row.id, sender: row.sender, receiver: row.receiver, receiverType: row.receiver_type },
      {
        appId: row.app_id,
        type: 'reaction',
        sender: r.uid,
        receiver: row.receiver,
        receiverType: row.receiver_type,
        ...(deviceId ? { deviceId } : {}),
        body: {
          action: change === 'added' ? 'message_reaction_added' : 'message_reaction_removed',
          ...r,
          conversationId: row.conversation_id,
          ...(row.parent_id !== null ? { parentId: String(row.parent_id) } : {}),
        },
      },
    );
  }

  private async toReactions(appId: string, rows: ReactionRow[]): Promise<Reaction[]> {
    const users = await this.directory.usersForDisplay(
      appId,
      rows.map((r) => r.uid),
    );
    return rows.map((r) => toReaction(r, users));
  }
}

/** Messages of users take reactions while not deleted; Parley's action and call records do not. */
function checkReactable(row: MessageRow): void {
  if (row.category === 'action' || row.category === 'call') {
    throw new DomainError(
      'ERR_MESSAGE_ACTION_NOT_ALLOWED',
      `The message ${row.id} is an ${row.category} message: it takes no reactions.`,
    );
  }
  if (row.deleted_at) {
    throw new DomainError('ERR_BAD_REQUEST', `The message ${row.id} is deleted.`, {
      messageId: ['names a deleted message'],
    });
  }
}

/** A stored reaction in the reference's shape (§5.6), `reactedBy` from the users given. */
function toReaction(r: ReactionRow, users: ReadonlyMap<string, UserProfile>): Reaction {
  return {
    id: String(r.id),
    messageId: String(r.message_id),
    reaction: r.reaction,
    uid: r.uid,
    reactedAt: toSeconds(r.reacted_at),
    reactedBy: userEntity(r.uid, users),
  };
}
