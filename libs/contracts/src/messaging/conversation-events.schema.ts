import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { ConversationSchema } from './conversation.schema';

/**
 * `uid` received (`receipt.delivered`) or read (`receipt.read`) the conversation up to `seq`, whose
 * message is `messageId` (sent by `messageSender`), at `at` (Unix seconds). One event per forward
 * move of the position; marks that move nothing publish nothing.
 */
export const ReceiptEventSchema = EventEnvelope.extend({
  uid: z.string(),
  conversationId: z.string(),
  receiverType: z.enum(['user', 'group']),
  /** The other user of a 1:1 conversation, or the group. */
  receiver: z.string(),
  messageId: z.string(),
  messageSender: z.string(),
  seq: z.number().int(),
  at: z.number().int(),
});

/**
 * `uid`'s view of a conversation changed by their own hand: tagged, deleted for them, or marked
 * unread. `conversation` is what they see now, without `lastMessage` (absent after a delete).
 */
export const ConversationUpdatedEventSchema = EventEnvelope.extend({
  uid: z.string(),
  conversationId: z.string(),
  change: z.enum(['tagged', 'deleted', 'markedUnread']),
  conversation: ConversationSchema.optional(),
});
