import { EventEnvelope } from '../event.schema';
import { MessageSchema } from './message.schema';

/**
 * A message was stored (committed): the message as the REST API returns it, with its `seq` and
 * `data.entities`. Published once per message, however many members its group has.
 */
export const MessageCreatedEventSchema = EventEnvelope.extend({ message: MessageSchema });
