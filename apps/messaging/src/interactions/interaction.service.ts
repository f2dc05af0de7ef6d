import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import { EVENTS, Interaction, MessageInteracted } from '@parley/contracts';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageDelivery } from '../messages/message-delivery';
import { MessageRow } from '../messages/message.entity';
import { userEntity } from '../messages/message.mapper';
import { MessageViews } from '../messages/message-views';
import { goalOf, isGoalCompleted } from './interaction-goal';
import { InteractionRepository, InteractionRow } from './interaction.repository';

/**
 * Marking interactive messages as interacted (reference §4.8 `PATCH /messages/{id}/interacted`,
 * §6.6). Whoever may read the message may interact with it; its sender only when it allows sender
 * interaction (else ERR_MESSAGE_NO_ACCESS); only interactive messages take interactions. Each
 * (user, element) is recorded once, with its first time. Goal completion is per user (their own
 * interactions against `interactionGoal`); the mark that completes it sends the
 * `interaction_completed` frame to the conversation, as the client SDK's
 * `onInteractionGoalCompleted` expects. Every mark that records something stages
 * `message.interacted`.
 */
@Injectable()
export class InteractionService {
  constructor(
    private readonly interactions: InteractionRepository,
    private readonly views: MessageViews,
    private readonly directory: ParticipantDirectory,
    private readonly delivery: MessageDelivery,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async mark(input: MessageInteracted): Promise<{ success: true; message: string }> {
    const { appId, uid, messageId } = input;
    const row = await this.views.findVisible(appId, uid, messageId);
    if (row.category !== 'interactive') {
      throw new DomainError('ERR_BAD_REQUEST', `The message ${messageId} is not interactive.`, {
        messageId: ['names a message that is not of category interactive'],
      });
    }
    if (row.deleted_at) {
      throw new DomainError('ERR_BAD_REQUEST', `The message ${messageId} is deleted.`, {
        messageId: ['names a deleted message'],
      });
    }
    if (row.sender === uid && row.data.allowSenderInteraction !== true) {
      throw new DomainError(
        'ERR_MESSAGE_NO_ACCESS',
        `The sender of the message ${messageId} may not interact with it (allowSenderInteraction is false).`,
      );
    }
    const goal = goalOf(row.data);
    const elementIds = [...new Set(input.interactions)];
    const completed = await this.tx.run(async (tx) => {
      await this.interactions.lock(tx, appId, messageId, uid);
      const before = await this.interactions.of(appId, [messageId], uid, tx);
      await this.interactions.record(tx, appId, messageId, uid, elementIds, this.clock.now());
      const after = await this.interactions.of(appId, [messageId], uid, tx);
      const wasCompleted = isGoalCompleted(goal, before.map(elementOf));
      const isCompleted = isGoalCompleted(goal, after.map(elementOf));
      await this.outbox.stage(tx, EVENTS.messaging.messageInteracted, appId, {
        messageId: row.id,
        conversationId: row.conversation_id,
        sender: row.sender,
        receiver: row.receiver,
        receiverType: row.receiver_type,
        uid,
        interactions: after.map(toInteraction),
        interactionGoalCompleted: isCompleted,
        goalJustCompleted: isCompleted && !wasCompleted,
      });
      return isCompleted && !wasCompleted ? after.map(toInteraction) : null;
    });
    if (completed) await this.deliverCompleted(row, uid, completed, input.deviceId);
    return {
      success: true,
      message: `The message id ${messageId} has been marked as interacted for the user ${uid}.`,
    };
  }

  /** The `interaction_completed` frame: who completed the goal of which message, with what. */
  private async deliverCompleted(
    row: MessageRow,
    uid: string,
    interactions: Interaction[],
    deviceId: string | undefined,
  ): Promise<void> {
    const users = await this.directory.usersForDisplay(row.app_id, [uid]);
    this.delivery.publish(
      { id: row.id, sender: row.sender, receiver: row.receiver, receiverType: row.receiver_type },
      {
        appId: row.app_id,
        type: 'interaction_completed',
        sender: uid,
        receiver: row.receiver,
        receiverType: row.receiver_type,
        messageSender: row.sender,
        ...(deviceId ? { deviceId } : {}),
        body: { messageId: row.id, user: userEntity(uid, users), interactions },
      },
    );
  }
}

const elementOf = (r: InteractionRow) => r.element_id;
const toInteraction = (r: InteractionRow): Interaction => ({
  elementId: r.element_id,
  interactedAt: toSeconds(r.interacted_at),
});
