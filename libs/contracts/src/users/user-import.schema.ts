import { z } from 'zod';
import { IdSchema, MetadataSchema, NameSchema, TagsSchema, UrlSchema } from '../common.schema';
import { UserSchema } from './user.schema';

/** A 10-digit Unix timestamp (seconds), as CometChat's import API takes them. */
const UnixSeconds = z.number().int().min(0).max(9_999_999_999);

/** One user to import: keyed by uid; importing the same uid again updates it (idempotent). */
export const UserImportItemSchema = z
  .object({
    uid: IdSchema,
    name: NameSchema,
    avatar: UrlSchema.optional(),
    link: UrlSchema.optional(),
    role: IdSchema.optional(),
    statusMessage: z.string().max(255).optional(),
    metadata: MetadataSchema.optional(),
    tags: TagsSchema.optional(),
    createdAt: UnixSeconds.optional(),
    deactivatedAt: UnixSeconds.optional(),
  })
  .strict();
export type UserImportItem = z.output<typeof UserImportItemSchema>;

/** POST /data_import/users: up to 100 users a call. */
export const UserImportBodySchema = z
  .object({ users: z.array(UserImportItemSchema).min(1).max(100) })
  .strict()
  .refine((b) => new Set(b.users.map((u) => u.uid)).size === b.users.length, {
    message: 'each uid may appear once',
    path: ['users'],
  });

export const UserImportSchema = z.object({
  appId: z.string(),
  users: z.array(UserImportItemSchema),
});

const ItemResult = z.union([
  z.object({ success: z.literal(true), data: UserSchema }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
/** Per-item results keyed by uid (reference §2.1 bulk endpoints). */
export const UserImportResultSchema = z.record(z.string(), ItemResult);
export type UserImportResult = z.output<typeof UserImportResultSchema>;
