import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { IdSchema } from '../common.schema';
import { MessageIdSchema, RECEIVER_TYPES } from './message.schema';

/** Reference §6.1: at most 25 distinct reactions on a message, each at most 45 characters. */
export const MAX_DISTINCT_REACTIONS = 25;
export const MAX_REACTION_CHARS = 45;

/**
 * A reaction: an emoji or any short text (the client SDK URL-encodes it into the path), 1..45
 * characters (code points) once trimmed, no control characters.
 */
export const ReactionValueSchema = z
  .string()
  .trim()
  .refine((s) => s.length > 0, 'must not be empty')
  .refine((s) => [...s].length <= MAX_REACTION_CHARS, `is at most ${MAX_REACTION_CHARS} characters`)
  // eslint-disable-next-line no-control-regex
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), 'must not contain control characters');

/** One user's reaction (reference §5.6): `reactedBy` is the user's entity, `reactedAt` Unix s. */
export const ReactionSchema = z.object({
  id: z.string(),
  messageId: z.string(),
  reaction: z.string(),
  uid: z.string(),
  reactedAt: z.number().int(),
  reactedBy: z.record(z.string(), z.unknown()),
});
export type Reaction = z.infer<typeof ReactionSchema>;

/** A message's reactions in `data.reactions`: one entry per distinct reaction, first used first. */
export const ReactionCountSchema = z.object({
  reaction: z.string(),
  count: z.number().int(),
  reactedByMe: z.boolean(),
});
export type ReactionCount = z.infer<typeof ReactionCountSchema>;

/** rpc.messaging.reaction.add / .remove: `uid` reacts (a user; the app cannot react). */
export const ReactionChangeSchema = z.object({
  appId: z.string(),
  uid: IdSchema,
  deviceId: z.string().max(255).optional(),
  messageId: MessageIdSchema,
  reaction: ReactionValueSchema,
});
export type ReactionChange = z.output<typeof ReactionChangeSchema>;

/**
 * GET /messages/{id}/reactions[/{reaction}] (reference §4.8; the client SDK's ReactionsRequest):
 * `limit` (default 10, at most 100), `affix` `append` (the default: oldest first, after `id`) or
 * `prepend` (before `id`), `id` an exclusive reaction-id cursor.
 */
export const ReactionListQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).optional(),
    perPage: z.coerce.number().int().min(1).max(100).optional(),
    affix: z.enum(['append', 'prepend']).default('append'),
    id: MessageIdSchema.optional(),
  })
  .transform((q) => ({ limit: q.limit ?? q.perPage ?? 10, affix: q.affix, id: q.id }));
export type ReactionListQuery = z.output<typeof ReactionListQuerySchema>;

/** rpc.messaging.reaction.list. `viewer` absent means the app itself. */
export const ReactionListSchema = z.object({
  appId: z.string(),
  viewer: IdSchema.optional(),
  messageId: MessageIdSchema,
  reaction: ReactionValueSchema.optional(),
  query: ReactionListQuerySchema,
});
export type ReactionListRequest = z.output<typeof ReactionListSchema>;

const ReactionCursorSchema = z.object({
  affix: z.enum(['append', 'prepend']),
  id: z.string(),
});

/**
 * A page of reactions, oldest first, with `meta.current {limit, count}`, `meta.next` (after the
 * page's last, `append`) and `meta.previous` (before its first, `prepend`): the SDK passes them back
 * as they are to fetch the next or the previous page.
 */
export const ReactionPageSchema = z.object({
  items: z.array(ReactionSchema),
  meta: z.object({
    current: z.object({ limit: z.number().int(), count: z.number().int() }),
    next: ReactionCursorSchema.optional(),
    previous: ReactionCursorSchema.optional(),
  }),
});
export type ReactionPage = z.infer<typeof ReactionPageSchema>;

/** The message a reaction is on, as events name it. */
export const ReactedMessageSchema = z.object({
  id: z.string(),
  conversationId: z.string(),
  sender: z.string(),
  receiver: z.string(),
  receiverType: z.enum(RECEIVER_TYPES),
  parentId: z.string().optional(),
  /** The message's reactions after the change (`reactedByMe` false: no viewer). */
  reactions: z.array(ReactionCountSchema),
});

/** evt.messaging.<appId>.reaction.added|removed: the reaction and the message it is on. */
export const ReactionEventSchema = EventEnvelope.extend({
  reaction: ReactionSchema,
  message: ReactedMessageSchema,
});
