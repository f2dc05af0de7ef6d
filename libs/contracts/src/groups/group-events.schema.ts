import { z } from 'zod';
import { EventEnvelope } from '../event.schema';
import { GroupSnapshotSchema } from './member-events.schema';

/**
 * A group created or updated (`group`: as stored after the change, no viewer fields, never the
 * password), by `actor` (a uid, or `app_system` for the REST key without onBehalfOf or an import).
 * A created group's memberships follow as `member.added` events in the same transaction: its owner
 * first (`actor` = the creator, `uid` = the owner), then the initial `members`; `usersToBan` as
 * `member.banned`.
 */
export const GroupEventSchema = EventEnvelope.extend({
  group: GroupSnapshotSchema.strict(),
  actor: z.string(),
});

/**
 * The group is gone with all its memberships and bans (no `member.*` event per member): consumers
 * drop what they keep of it. `group` is its last state.
 */
export const GroupDeletedEventSchema = EventEnvelope.extend({
  guid: z.string(),
  group: GroupSnapshotSchema.strict(),
  actor: z.string(),
});
