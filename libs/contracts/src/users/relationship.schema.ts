import { z } from 'zod';
import { IdSchema, PageQuerySchema } from '../common.schema';
import { UserSchema } from './user.schema';

/** Friends per user (reference §6.1; the older page's 500 is superseded). */
export const MAX_FRIENDS_PER_USER = 1000;
/** Uids per add/remove/block/unblock call, like the 25 members of a group add (reference §6.1). */
export const MAX_UIDS_PER_RELATIONSHIP_CALL = 25;

const UidList = z
  .array(IdSchema)
  .min(1, 'must name at least one uid')
  .max(MAX_UIDS_PER_RELATIONSHIP_CALL, `at most ${MAX_UIDS_PER_RELATIONSHIP_CALL} uids per call`);

/** One item of a bulk reply (reference §2.1): a failure carries its error instead of failing the call. */
export const RelationshipItemResultSchema = z.union([
  z.object({ success: z.literal(true), message: z.string() }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type RelationshipItemResult = z.infer<typeof RelationshipItemResultSchema>;
/** Per-uid results, keyed by the (lower-cased) uid. */
export const RelationshipResultsSchema = z.record(z.string(), RelationshipItemResultSchema);
export type RelationshipResults = z.infer<typeof RelationshipResultsSchema>;

// ---- Friends (reference §4.5) ----

export const FriendsAddBodySchema = z.object({ accepted: UidList }).strict();
export const FriendsRemoveBodySchema = z.object({ friends: UidList }).strict();
export const FriendListQuerySchema = PageQuerySchema.extend({
  /** Prefix of the friend's uid or (case-insensitively) name. */
  searchKey: z.string().max(100).optional(),
});

/** `POST /users/{uid}/friends` answers `{accepted: {<uid>: result}}`. */
export const FriendsAddedSchema = z.object({ accepted: RelationshipResultsSchema });
export type FriendsAdded = z.infer<typeof FriendsAddedSchema>;

// ---- Blocked users (reference §4.5, §5.1) ----

export const BLOCK_DIRECTIONS = ['blockedByMe', 'hasBlockedMe', 'both'] as const;
export type BlockDirection = (typeof BLOCK_DIRECTIONS)[number];

export const BlockedUidsBodySchema = z.object({ blockedUids: UidList }).strict();
export const BlockedListQuerySchema = PageQuerySchema.extend({
  /** Whose blocks to list, seen from the user: theirs (default), those against them, or both. */
  direction: z.enum(BLOCK_DIRECTIONS).default('blockedByMe'),
  searchKey: z.string().max(100).optional(),
});

/**
 * The block fields of a user seen by a viewer (reference §5.1). `blockedByMeAt` is when the viewer
 * blocked the user; `blockedAt` is when the block that relates them was made: the viewer's own when
 * there is one (so it equals `blockedByMeAt`, as in CometChat's examples), otherwise the user's
 * block of the viewer. Unix seconds; absent when there is no such block.
 */
export const BlockFieldsSchema = z.object({
  blockedByMe: z.boolean(),
  blockedByMeAt: z.number().optional(),
  hasBlockedMe: z.boolean(),
  blockedAt: z.number().optional(),
});
export type BlockFields = z.infer<typeof BlockFieldsSchema>;

/** A user in a blocked-users list: the user, its block fields and the 1:1 conversation id. */
export const BlockedUserSchema = UserSchema.extend(BlockFieldsSchema.shape).extend({
  conversationId: z.string(),
});
export type BlockedUser = z.infer<typeof BlockedUserSchema>;

/** The 1:1 conversation id of two users: the smaller uid first (reference §2.4). */
export function userConversationId(a: string, b: string): string {
  return a < b ? `${a}_user_${b}` : `${b}_user_${a}`;
}

// ---- RPC payloads (the users service receives these) ----

const Owner = z.object({ appId: z.string(), uid: IdSchema });
export const FriendAddSchema = Owner.extend(FriendsAddBodySchema.shape);
export const FriendRemoveSchema = Owner.extend(FriendsRemoveBodySchema.shape);
export const FriendListSchema = Owner.extend(FriendListQuerySchema.shape);
/** Block or unblock: `uid` is the blocker. */
export const BlockChangeSchema = Owner.extend(BlockedUidsBodySchema.shape);
export const BlockListSchema = Owner.extend(BlockedListQuerySchema.shape);
