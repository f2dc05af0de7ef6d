import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { UserSchema } from './user.schema';

/** Events carry the user as stored; never a credential. */
export const UserEventSchema = EventEnvelope.extend({
  user: UserSchema.omit({ authToken: true }).strict(),
});
export const UserDeletedEventSchema = EventEnvelope.extend({
  uid: z.string(),
  permanent: z.boolean(),
});
