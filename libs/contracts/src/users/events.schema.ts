import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { UserSchema } from './user.schema';

export const UserEventSchema = EventEnvelope.extend({ user: UserSchema });
export const UserDeletedEventSchema = EventEnvelope.extend({ uid: z.string(), permanent: z.boolean() });
