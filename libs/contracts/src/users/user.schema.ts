import { z } from 'zod';
import {
  BoolLike,
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

export const UserDeleteBodySchema = z.object({ permanent: BoolLike.optional() }).strict();

export const UserListQuerySchema = PageQuerySchema.extend({
  searchKey: z.string().max(100).optional(),
});

export const UserCreateSchema = z.object({ appId: z.string() }).extend(UserCreateBodySchema.shape);
export const UserRefSchema = z.object({ appId: z.string(), uid: IdSchema });
export const UserUpdateSchema = UserRefSchema.extend(UserUpdateBodySchema.shape);
export const UserDeleteSchema = UserRefSchema.extend({ permanent: z.boolean().optional() });
export const UserListSchema = z.object({ appId: z.string() }).extend(UserListQuerySchema.shape);

/** Parsed RPC requests, as the users service receives them. */
export type UserCreate = z.output<typeof UserCreateSchema>;
export type UserUpdate = z.output<typeof UserUpdateSchema>;
