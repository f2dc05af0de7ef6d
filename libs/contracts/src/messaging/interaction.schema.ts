import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { IdSchema } from '../common.schema';
import { MessageIdSchema, RECEIVER_TYPES } from './message.schema';

/** An interactive message's goal types (reference §6.6). */
export const INTERACTION_GOAL_TYPES = ['none', 'anyAction', 'anyOf', 'allOf'] as const;
export type InteractionGoalType = (typeof INTERACTION_GOAL_TYPES)[number];

/** `data.interactionGoal` of an interactive message, as stored (elementIds always present). */
export interface InteractionGoal {
  type: InteractionGoalType;
  elementIds: string[];
}

/** At most this many elementIds in one mark. */
export const MAX_INTERACTIONS_PER_MARK = 100;

/**
 * PATCH /messages/{id}/interacted (reference §4.8, §6.6): `{interactions: [elementId, ...]}`; the
 * client SDK sends one elementId at a time.
 */
export const InteractedBodySchema = z.object({
  interactions: z
    .array(z.string().trim().min(1, 'must not be empty').max(100, 'is at most 100 characters'))
    .min(1, 'names at least one elementId')
    .max(MAX_INTERACTIONS_PER_MARK),
});

/** rpc.messaging.message.interacted: `uid` interacted with these elements of the message. */
export const MessageInteractedSchema = z.object({
  appId: z.string(),
  uid: IdSchema,
  deviceId: z.string().max(255).optional(),
  messageId: MessageIdSchema,
  interactions: InteractedBodySchema.shape.interactions,
});
export type MessageInteracted = z.output<typeof MessageInteractedSchema>;

/** One recorded interaction (the SDK's Interaction: elementId, interactedAt in Unix seconds). */
export const InteractionSchema = z.object({
  elementId: z.string(),
  interactedAt: z.number().int(),
});
export type Interaction = z.infer<typeof InteractionSchema>;

/**
 * evt.messaging.<appId>.message.interacted: `uid` marked elements of an interactive message;
 * `interactions` are all of that user's on it, `interactionGoalCompleted` whether they meet the
 * message's goal now, `goalJustCompleted` whether this mark completed it.
 */
export const MessageInteractedEventSchema = EventEnvelope.extend({
  messageId: z.string(),
  conversationId: z.string(),
  sender: z.string(),
  receiver: z.string(),
  receiverType: z.enum(RECEIVER_TYPES),
  uid: z.string(),
  interactions: z.array(InteractionSchema),
  interactionGoalCompleted: z.boolean(),
  goalJustCompleted: z.boolean(),
});
