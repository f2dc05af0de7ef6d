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

/** A user as the REST API returns it (reference §5.1). Optional fields are omitted when unset. */
export const UserSchema = z.object({
  uid: z.string(),
  name: z.string(),
  avatar: z.string().optional(),
  link: z.string().optional(),
  role: z.string(),
  status: z.enum(['available', 'offline']),
  statusMessage: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  tags: z.array(z.string()).optional(),
  lastActiveAt: z.number().optional(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
  deactivatedAt: z.number().optional(),
  authToken: z.string().optional(),
  // Seen by a viewer (onBehalfOf or a user's token): the 1:1 conversation and the block flags.
  conversationId: z.string().optional(),
  blockedByMe: z.boolean().optional(),
  blockedByMeAt: z.number().optional(),
  hasBlockedMe: z.boolean().optional(),
  blockedAt: z.number().optional(),
});
export type User = z.infer<typeof UserSchema>;

const UserFields = {
  name: NameSchema,
  avatar: UrlSchema.optional(),
  link: UrlSchema.optional(),
  role: IdSchema.optional(),
  statusMessage: z.string().max(255).optional(),
  metadata: MetadataSchema.optional(),
  tags: TagsSchema.optional(),
};

export const UserCreateBodySchema = z
  .object({ uid: IdSchema, ...UserFields, withAuthToken: BoolLike.optional() })
  .strict();

export const USER_UNSETTABLE = ['avatar', 'link', 'metadata', 'statusMessage', 'tags'] as const;
export const UserUpdateBodySchema = z
  .object({
    ...UserFields,
    name: NameSchema.optional(),
    unset: z.array(z.enum(USER_UNSETTABLE)).optional(),
  })
  .strict();

/**
 * A user's profile: every field of an update but the role (a set of permissions, the app's to
 * give). What a user may change about themselves (`PUT /v3.0/me`, the SDK's
 * `updateCurrentUserDetails`) and what the auth key may change (the SDK's `updateUser`). The SDK
 * sends its whole User object, so other keys (`uid`, `status`, block flags, ...) are dropped.
 */
export const UserProfileBodySchema = z.object(UserUpdateBodySchema.omit({ role: true }).shape);
export type UserProfileBody = z.output<typeof UserProfileBodySchema>;

export const UserDeleteBodySchema = z.object({ permanent: BoolLike.optional() }).strict();

const csvOf = <T extends z.ZodType<unknown, string>>(item: T, max: number) =>
  CsvArray.pipe(z.array(item).max(max));

/** GET /users filters (reference §4.2). Arrays are comma-separated or repeated. */
export const UserListQuerySchema = PageQuerySchema.extend({
  /** Prefix of the uid or (case-insensitively) the name. */
  searchKey: z.string().max(100).optional(),
  /** Where searchKey looks: `name`, `uid` or both (the default). */
  searchIn: csvOf(z.enum(['name', 'uid']), 2).optional(),
  /** `available` (online) or `offline`; the SDK says `online` for `available`. */
  status: z.enum(['available', 'online', 'offline']).optional(),
  role: IdSchema.optional(),
  roles: csvOf(IdSchema, 25).optional(),
  /** Users having any of these tags. */
  tags: csvOf(z.string().max(100), 25).optional(),
  /** Include each user's tags in the list. */
  withTags: BoolLike.optional(),
  withDeactivated: BoolLike.optional(),
  onlyDeactivated: BoolLike.optional(),
  /** Accepted for compatibility: `meta.pagination.total` is always the exact count. */
  count: BoolLike.optional(),
});
export type UserListQuery = z.output<typeof UserListQuerySchema>;

/** Bulk deactivation and reactivation (reference §4.2: DELETE /users, PUT /users). */
const UidList = z.array(IdSchema).min(1).max(100);
export const UsersDeactivateBodySchema = z.object({ uidsToDeactivate: UidList }).strict();
export const UsersActivateBodySchema = z.object({ uidsToActivate: UidList }).strict();
export const UsersDeactivateSchema = z.object({ appId: z.string(), uids: UidList });

export const UserCreateSchema = z.object({ appId: z.string() }).extend(UserCreateBodySchema.shape);
export const UserRefSchema = z.object({ appId: z.string(), uid: IdSchema });
export const UserUpdateSchema = UserRefSchema.extend(UserUpdateBodySchema.shape);
export const UserDeleteSchema = UserRefSchema.extend({ permanent: z.boolean().optional() });
/** `viewer`: the user looking (onBehalfOf or a user's token); absent when the app itself asks. */
export const UserListSchema = z
  .object({ appId: z.string(), viewer: IdSchema.optional() })
  .extend(UserListQuerySchema.shape);
export const UserGetSchema = UserRefSchema.extend({ viewer: IdSchema.optional() });
/** Many users at once (for other services: group members, message entities). Unknown ones are absent. */
export const UserGetManySchema = z.object({
  appId: z.string(),
  uids: z.array(z.string()).max(1000),
});

/** Parsed RPC requests, as the users service receives them. */
export type UserCreate = z.output<typeof UserCreateSchema>;
export type UserUpdate = z.output<typeof UserUpdateSchema>;
