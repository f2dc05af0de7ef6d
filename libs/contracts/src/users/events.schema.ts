import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { UserSchema } from './user.schema';
import { RoleSchema } from './role.schema';

/** Events carry the user as stored; never a credential. */
export const UserEventSchema = EventEnvelope.extend({
  user: UserSchema.omit({ authToken: true }).strict(),
});
export const UserDeletedEventSchema = EventEnvelope.extend({
  uid: z.string(),
  permanent: z.boolean(),
  /** A permanent delete's erasure: each service reports its part under this id. */
  erasureId: z.string().optional(),
});

/** A role as stored after its creation or update. */
export const RoleEventSchema = EventEnvelope.extend({ role: RoleSchema.strict() });
/** The role is gone; the users who held it now hold `default`. */
export const RoleDeletedEventSchema = EventEnvelope.extend({ role: z.string() });

/** A friendship formed or ended; symmetric, so one event per pair (`uid` is who asked). */
export const FriendEventSchema = EventEnvelope.extend({ uid: z.string(), friendUid: z.string() });
/** `blocker` blocked or unblocked `blocked`. */
export const BlockEventSchema = EventEnvelope.extend({ blocker: z.string(), blocked: z.string() });

/** Bulk deactivation or reactivation: the uids whose state changed. */
export const UsersActivationEventSchema = EventEnvelope.extend({
  uids: z.array(z.string()).min(1),
});
