import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { MessageSchema } from './message.schema';

/**
 * A message was stored (committed): the message as the REST API returns it, with its `seq` and
 * `data.entities`. Published once per message, however many members its group has.
 */
export const MessageCreatedEventSchema = EventEnvelope.extend({ message: MessageSchema });

/**
 * A message was edited (`message`: after the edit, with `editedAt`/`editedBy`) by `by` (a uid or
 * `app_system`); `actionMessage` is the `edited` action message stored with it (also published
 * as `message.created`).
 */
export const MessageEditedEventSchema = EventEnvelope.extend({
  message: MessageSchema,
  actionMessage: MessageSchema,
  by: z.string(),
});

/**
 * A message was deleted by `by`: soft (`message` keeps its content, with `deletedAt`/`deletedBy`)
 * or `permanent` (its content, tags and edit history are erased: `message` is what is left).
 */
export const MessageDeletedEventSchema = EventEnvelope.extend({
  message: MessageSchema,
  actionMessage: MessageSchema,
  by: z.string(),
  permanent: z.boolean(),
});
