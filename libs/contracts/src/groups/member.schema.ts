import { z } from 'zod';
import { CsvArray, IdSchema, PageQuerySchema } from '../common.schema';
import { UserSchema } from '../users/user.schema';
import { GROUP_MEMBER_ARRAYS, GroupMemberArray, GroupMembersInputSchema } from './group.schema';
import { MemberScopeSchema } from './member-events.schema';

/** Members of one group (reference §6.1: 100,000 in v3); past it an add or join is ERR_NO_VACANCY. */
export const MAX_MEMBERS_PER_GROUP = 100_000;
/** Memberships per data-import call. */
export const MAX_MEMBERS_PER_IMPORT = 100;

// ---- Objects (reference §5.3) ----

/** A member as the REST API lists it: the user, with their scope and when they joined. */
export const GroupMemberSchema = UserSchema.extend({
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
export type GroupMember = z.infer<typeof GroupMemberSchema>;

/** A user banned from a group: not a member; `bannedAt` in Unix seconds. */
export const BannedMemberSchema = UserSchema.extend({
  isBanned: z.literal(true),
  bannedAt: z.number().int(),
});
export type BannedMember = z.infer<typeof BannedMemberSchema>;

/** The change-scope reply (reference §4.7). */
export const MemberScopeResultSchema = z.object({
  guid: z.string(),
  uid: z.string(),
  scope: MemberScopeSchema,
  joinedAt: z.number().int(),
});
export type MemberScopeResult = z.infer<typeof MemberScopeResultSchema>;

// ---- HTTP bodies and queries ----

/**
 * POST (or PUT, the SDK's `addMembersToGroup`) /groups/{guid}/members: 1 to 25 uids in all. A uid
 * in several scope arrays gets the highest scope (admin > moderator > participant), and each array
 * naming it reports the same outcome; a uid also in `usersToBan` is banned, not added.
 */
export const MembersAddBodySchema = GroupMembersInputSchema.refine(
  (b) => countUids(b) >= 1,
  'name at least one uid',
);

function countUids(b: Partial<Record<GroupMemberArray, string[]>>): number {
  return GROUP_MEMBER_ARRAYS.reduce((n, array) => n + (b[array]?.length ?? 0), 0);
}

/** True when a members POST body names members to add (otherwise, from a user, it is a join). */
export function isMembersAddBody(body: unknown): boolean {
  return (
    typeof body === 'object' &&
    body !== null &&
    GROUP_MEMBER_ARRAYS.some((k) => (body as Record<string, unknown>)[k] !== undefined)
  );
}

/**
 * A join (the SDK's `joinGroup`): the SDK posts the whole group it holds (`guid`, `name`, `type`,
 * `hasJoined`, ...); only `password` matters, the rest is ignored.
 */
export const MemberJoinBodySchema = z
  .object({ password: z.string().max(100).nullish() })
  .passthrough()
  .transform((b) => ({ password: b.password ?? undefined }));

export const MemberScopeBodySchema = z
  .object({ scope: MemberScopeSchema.default('participant') })
  .strict();

/**
 * PATCH (the SDK's `transferOwnership`) or PUT /groups/{guid}/owner: the new owner, as `uid`
 * (API.md §2) or `owner`.
 */
export const OwnerTransferBodySchema = z
  .object({ uid: IdSchema.optional(), owner: IdSchema.optional() })
  .strict()
  .refine((b) => (b.uid ?? b.owner) !== undefined, {
    message: 'is required',
    path: ['uid'],
  })
  .transform((b) => ({ uid: (b.uid ?? b.owner) as string }));

/** GET /groups/{guid}/members. */
export const MemberListQuerySchema = PageQuerySchema.extend({
  scopes: CsvArray.pipe(z.array(MemberScopeSchema).max(3)).optional(),
  /** `available` (online; the SDK says `online`) or `offline`. */
  status: z.enum(['available', 'online', 'offline']).optional(),
  /** Prefix of the member's uid (names live with the users, not with memberships). */
  searchKey: z.string().max(100).optional(),
  /**
   * Parley's keyset cursor: members whose uid sorts after this one (`page` is then ignored). Deep
   * pages of a large group cost the same as the first.
   */
  after: z
    .string()
    .max(100)
    .transform((s) => s.toLowerCase())
    .optional(),
});
export type MemberListQuery = z.output<typeof MemberListQuerySchema>;

export const BannedListQuerySchema = PageQuerySchema;

// ---- Data import ----

/** One membership to import (reference §4.11 data import); importing it again updates it. */
export const MemberImportItemSchema = z
  .object({
    guid: IdSchema,
    uid: IdSchema,
    scope: MemberScopeSchema.default('participant'),
    /** Unix seconds; now when absent. */
    joinedAt: z.number().int().min(0).max(9_999_999_999).optional(),
    /** Import a ban instead of a membership. */
    isBanned: z.boolean().optional(),
  })
  .strict();
export type MemberImportItem = z.output<typeof MemberImportItemSchema>;

/** The key of an import item in the reply: CometChat's memberId, `<guid>_member_<uid>`. */
export const memberImportKey = (guid: string, uid: string) => `${guid}_member_${uid}`;

export const MemberImportBodySchema = z
  .object({ members: z.array(MemberImportItemSchema).min(1).max(MAX_MEMBERS_PER_IMPORT) })
  .strict()
  .refine(
    (b) => new Set(b.members.map((m) => memberImportKey(m.guid, m.uid))).size === b.members.length,
    { message: 'each (guid, uid) may appear once', path: ['members'] },
  );

/** An imported membership as stored (`scope`, `joinedAt`), or an imported ban (`bannedAt`). */
export const MemberImportedSchema = z.object({
  guid: z.string(),
  uid: z.string(),
  isBanned: z.boolean(),
  scope: MemberScopeSchema.optional(),
  joinedAt: z.number().int().optional(),
  bannedAt: z.number().int().optional(),
});
export type MemberImported = z.infer<typeof MemberImportedSchema>;

/** Per-item results keyed by `<guid>_member_<uid>`; a success carries what is stored. */
export const MemberImportResultSchema = z.record(
  z.string(),
  z.union([
    z.object({ success: z.literal(true), data: MemberImportedSchema }),
    z.object({
      success: z.literal(false),
      error: z.object({ code: z.string(), message: z.string() }),
    }),
  ]),
);
export type MemberImportResult = z.infer<typeof MemberImportResultSchema>;

// ---- RPC requests (rpc.groups.member.*, rpc.groups.ban.*, rpc.groups.owner.*) ----

/** `actor`: the user acting (a user token or onBehalfOf); absent when the app itself acts. */
const GroupRef = z.object({ appId: z.string(), guid: IdSchema });
const Acting = GroupRef.extend({ actor: IdSchema.optional() });

export const MemberAddSchema = Acting.extend(MembersAddBodySchema.shape).refine(
  (b) => countUids(b) >= 1 && countUids(b) <= 25,
  'name 1 to 25 uids in all',
);
export type MemberAdd = z.output<typeof MemberAddSchema>;
export const MemberJoinSchema = GroupRef.extend({
  uid: IdSchema,
  password: z.string().max(100).optional(),
});
export const MemberLeaveSchema = GroupRef.extend({ uid: IdSchema });
/** `viewer`: the user looking; absent when the app itself asks (it sees every group's members). */
export const MemberListSchema = GroupRef.extend({ viewer: IdSchema.optional() }).extend(
  MemberListQuerySchema.shape,
);
export const MemberScopeSetSchema = Acting.extend({ uid: IdSchema, scope: MemberScopeSchema });
export const MemberTargetSchema = Acting.extend({ uid: IdSchema });
export const BannedListSchema = GroupRef.extend({ viewer: IdSchema.optional() }).extend(
  BannedListQuerySchema.shape,
);
export const MemberImportSchema = z.object({
  appId: z.string(),
  members: z.array(MemberImportItemSchema),
});
export type MemberListRequest = z.output<typeof MemberListSchema>;
