import { z } from 'zod';
import { EventEnvelope } from '../event.schema';

export const MemberScopeSchema = z.enum(['admin', 'moderator', 'participant']);
export type MemberScope = z.infer<typeof MemberScopeSchema>;

/**
 * The group as every viewer sees it when the event happened (after the change: `membersCount`
 * already counts it), in CometChat's shape (reference §5.2, Unix seconds, absent fields omitted).
 * No viewer-specific fields (`scope`, `hasJoined`, `joinedAt`) and never the password.
 */
export const GroupSnapshotSchema = z.object({
  guid: z.string(),
  name: z.string(),
  type: z.enum(['public', 'password', 'private']),
  owner: z.string(),
  membersCount: z.number().int(),
  conversationId: z.string(),
  icon: z.string().optional(),
  description: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
  createdAt: z.number().int().optional(),
  updatedAt: z.number().int().optional(),
  updatedBy: z.string().optional(),
});
export type GroupSnapshot = z.infer<typeof GroupSnapshotSchema>;

/**
 * What every membership event carries: the group, who acted (`actor`: a uid, or `app_system` for
 * the REST key without onBehalfOf) and on whom (`uid`). Messaging turns each event into exactly
 * one action message (reference §6.4: `by` = actor, `on` = uid, `for` = group); gateways use them
 * to change the live group subscriptions of `uid`.
 */
const MemberEventBase = EventEnvelope.extend({
  guid: z.string(),
  group: GroupSnapshotSchema,
  actor: z.string(),
  uid: z.string(),
  /**
   * Set by a data import (`actor` = `app_system`): consumers update their membership models but
   * post no action message, since the change is history brought over, not something that happened.
   */
  imported: z.literal(true).optional(),
});

/** `uid` became a member: added by `actor` (add members, group creation, data import). */
export const MemberAddedEventSchema = MemberEventBase.extend({
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
/** `uid` joined by themself (`actor` = `uid`), as a participant. */
export const MemberJoinedEventSchema = MemberEventBase.extend({
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
/** `uid` left (`actor` = `uid`) or was kicked by `actor`; `scope`/`joinedAt` are what they had. */
export const MemberRemovedEventSchema = MemberEventBase.extend({
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
/**
 * `actor` banned `uid`. When `uid` was a member, the membership is gone with the ban: `scope` and
 * `joinedAt` are what they had; both are null when they were not a member.
 */
export const MemberBannedEventSchema = MemberEventBase.extend({
  scope: MemberScopeSchema.nullable(),
  joinedAt: z.number().int().nullable(),
  bannedAt: z.number().int(),
});
/** `actor` lifted `uid`'s ban; `uid` is not a member and may join again. */
export const MemberUnbannedEventSchema = MemberEventBase;
/** `actor` changed `uid`'s scope from `oldScope` to `newScope` (`scope` = `newScope`). */
export const MemberScopeChangedEventSchema = MemberEventBase.extend({
  scope: MemberScopeSchema,
  oldScope: MemberScopeSchema,
  newScope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
/**
 * `actor` handed the group to `uid` (= `group.owner`), who is an admin member (`scope`). The old
 * owner stays a member with the admin scope. When the new owner's scope rose, a
 * `member.scopeChanged` event precedes this one in the same transaction.
 */
export const OwnerChangedEventSchema = MemberEventBase.extend({
  oldOwner: z.string(),
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
