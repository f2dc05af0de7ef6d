import { z } from 'zod';
import {
  BoolLike,
  CsvArray,
  IdSchema,
  MetadataSchema,
  NameSchema,
  PageQuerySchema,
  TagsSchema,
  UrlSchema,
} from '../common.schema';
import { GroupSnapshotSchema, MemberScopeSchema } from './member-events.schema';

export const GROUP_TYPES = ['public', 'password', 'private'] as const;
export type GroupType = (typeof GROUP_TYPES)[number];

/** `public`, `password` or `private`; CometChat's SDKs also say `protected` for `password` (reference §5.2). */
export const GroupTypeSchema = z
  .enum([...GROUP_TYPES, 'protected'])
  .transform((t): GroupType => (t === 'protected' ? 'password' : t));

/**
 * A group as the REST API returns it (reference §5.2): the snapshot every viewer shares, plus, when
 * a user looks (onBehalfOf or a user's token), their own `scope`, `hasJoined` and `joinedAt`.
 * The password is never part of it.
 */
export const GroupSchema = GroupSnapshotSchema.extend({
  scope: MemberScopeSchema.optional(),
  hasJoined: z.boolean().optional(),
  joinedAt: z.number().int().optional(),
});
export type Group = z.infer<typeof GroupSchema>;

/** `group_<guid>`: a group's conversation id (reference §2.4). */
export const groupConversationId = (guid: string) => `group_${guid}`;

/** Group passwords: at most 100 characters (reference §6.1). Empty means none. */
export const GroupPasswordSchema = z.string().max(100, 'must be at most 100 characters');

const UidArray = z.array(IdSchema).max(25, 'at most 25 uids');

/** Initial members of a new group, by scope; a uid in several arrays gets the highest scope. */
export const GroupMembersInputSchema = z
  .object({
    admins: UidArray.optional(),
    moderators: UidArray.optional(),
    participants: UidArray.optional(),
    usersToBan: UidArray.optional(),
  })
  .strict()
  .refine(
    (m) =>
      (m.admins?.length ?? 0) +
        (m.moderators?.length ?? 0) +
        (m.participants?.length ?? 0) +
        (m.usersToBan?.length ?? 0) <=
      25,
    'at most 25 uids in total',
  );
export type GroupMembersInput = z.output<typeof GroupMembersInputSchema>;
export const GROUP_MEMBER_ARRAYS = ['admins', 'moderators', 'participants', 'usersToBan'] as const;
export type GroupMemberArray = (typeof GROUP_MEMBER_ARRAYS)[number];

/**
 * Fields of a serialized SDK Group object that the client SDK sends along when it creates or
 * updates a group (`hasJoined`, `membersCount`, ...): accepted and ignored, since the server owns
 * them.
 */
const ignored = z
  .unknown()
  .optional()
  .transform(() => undefined);
const SdkGroupEcho = {
  hasJoined: ignored,
  membersCount: ignored,
  isBanned: ignored,
  scope: ignored,
  joinedAt: ignored,
  conversationId: ignored,
  createdAt: ignored,
  updatedAt: ignored,
  updatedBy: ignored,
};

const GroupFields = {
  name: NameSchema,
  type: GroupTypeSchema,
  password: GroupPasswordSchema.optional(),
  icon: UrlSchema.optional(),
  description: z.string().max(255, 'must be at most 255 characters').optional(),
  metadata: MetadataSchema.optional(),
  owner: IdSchema.optional(),
  tags: TagsSchema.optional(),
};

/** POST /groups (reference §4.6). */
export const GroupCreateBodySchema = z
  .object({ guid: IdSchema, ...GroupFields, members: GroupMembersInputSchema.optional() })
  .extend(SdkGroupEcho)
  .strict();

export const GROUP_UNSETTABLE = ['icon', 'description', 'metadata'] as const;
/** PUT /groups/{guid}; `guid` in the body (the SDK sends its whole Group) is ignored: the path names the group. */
export const GroupUpdateBodySchema = z
  .object({
    ...GroupFields,
    name: NameSchema.optional(),
    type: GroupTypeSchema.optional(),
    unset: z.array(z.enum(GROUP_UNSETTABLE)).optional(),
    guid: ignored,
  })
  .extend(SdkGroupEcho)
  .strict();

const csvOf = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  CsvArray.pipe(z.array(item).max(max));

/** GET /groups filters (reference §4.6). Arrays are comma-separated or repeated. */
export const GroupListQuerySchema = PageQuerySchema.extend({
  /** Prefix of the guid or (case-insensitively) the name. */
  searchKey: z.string().max(100).optional(),
  /** Where searchKey looks: `name`, `guid` or both (the default). */
  searchIn: csvOf(z.enum(['name', 'guid']), 2).optional(),
  /** Order of a page list (default `guid`); ignored in cursor mode, which orders by `updatedAt`. */
  sortBy: z.enum(['name', 'guid', 'createdAt']).optional(),
  sortOrder: z.enum(['asc', 'desc']).optional(),
  type: GroupTypeSchema.optional(),
  types: csvOf(GroupTypeSchema, 4).optional(),
  /** Groups having any of these tags. */
  tags: csvOf(z.string().max(100), 25).optional(),
  /** Include each group's tags in the list. */
  withTags: BoolLike.optional(),
  /** Only the viewer's groups (needs a user: onBehalfOf or a user's token); `false` means no filter. */
  hasJoined: BoolLike.optional(),
  /**
   * Cursor mode (either given): groups by `updatedAt`, `append` = updated at or after `updatedAt`
   * (oldest first), `prepend` (the default) = updated at or before it (newest first).
   */
  affix: z.enum(['append', 'prepend']).optional(),
  updatedAt: z.coerce.number().int().min(0).max(9_999_999_999).optional(),
});
export type GroupListQuery = z.output<typeof GroupListQuerySchema>;

/** `meta.cursor` of a cursor-mode list: the `updatedAt` to ask from for the next page. */
export const GroupCursorSchema = z.object({
  updatedAt: z.number().int(),
  affix: z.enum(['append', 'prepend']),
});
export type GroupCursor = z.infer<typeof GroupCursorSchema>;

/**
 * One uid's outcome in a bulk member operation (reference §2.1, §4.7): `{success:true, data?}` or
 * `{success:false, error}`.
 */
export const MemberItemResultSchema = z.union([
  z.object({ success: z.literal(true), data: z.unknown().optional() }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type MemberItemResult = z.output<typeof MemberItemResultSchema>;
/** `{admins: {<uid>: result}, moderators: ..., participants: ..., usersToBan: ...}`: the arrays given. */
export const GroupMemberResultsSchema = z.partialRecord(
  z.enum(GROUP_MEMBER_ARRAYS),
  z.record(z.string(), MemberItemResultSchema),
);
export type GroupMemberResults = z.output<typeof GroupMemberResultsSchema>;

/** The created group; with `members` when the request had initial members. */
export const GroupCreatedSchema = GroupSchema.extend({
  members: GroupMemberResultsSchema.optional(),
});
export type GroupCreated = z.infer<typeof GroupCreatedSchema>;

/**
 * RPC requests. `actor` (writes) and `viewer` (reads): the user acting or looking (onBehalfOf, or
 * a user's token); absent when the app itself calls (a REST key without onBehalfOf).
 */
export const GroupCreateSchema = z
  .object({ appId: z.string(), actor: IdSchema.optional() })
  .extend(GroupCreateBodySchema.shape);
export const GroupRefSchema = z.object({ appId: z.string(), guid: IdSchema });
export const GroupGetSchema = GroupRefSchema.extend({ viewer: IdSchema.optional() });
export const GroupUpdateSchema = GroupRefSchema.extend({ actor: IdSchema.optional() }).extend(
  GroupUpdateBodySchema.omit({ guid: true }).shape,
);
export const GroupDeleteSchema = GroupRefSchema.extend({ actor: IdSchema.optional() });
export const GroupListSchema = z
  .object({ appId: z.string(), viewer: IdSchema.optional() })
  .extend(GroupListQuerySchema.shape);

export type GroupCreate = z.output<typeof GroupCreateSchema>;
export type GroupUpdate = z.output<typeof GroupUpdateSchema>;
export type GroupList = z.output<typeof GroupListSchema>;
