import { z } from 'zod';
import { IdSchema, MetadataSchema, NameSchema, TagsSchema, UrlSchema } from '../common.schema';
import { GroupPasswordSchema, GroupSchema, GroupTypeSchema } from './group.schema';

/** A 10-digit Unix timestamp (seconds), as CometChat's import API takes them. */
const UnixSeconds = z.number().int().min(0).max(9_999_999_999);

/**
 * One group to import: keyed by guid; importing the same guid again replaces it (idempotent). Its
 * members come with POST /data_import/members.
 */
export const GroupImportItemSchema = z
  .object({
    guid: IdSchema,
    name: NameSchema,
    type: GroupTypeSchema,
    password: GroupPasswordSchema.optional(),
    owner: IdSchema.optional(),
    icon: UrlSchema.optional(),
    description: z.string().max(255, 'must be at most 255 characters').optional(),
    metadata: MetadataSchema.optional(),
    tags: TagsSchema.optional(),
    createdAt: UnixSeconds.optional(),
  })
  .strict();
export type GroupImportItem = z.output<typeof GroupImportItemSchema>;

/** POST /data_import/groups: up to 100 groups a call. */
export const GroupImportBodySchema = z
  .object({ groups: z.array(GroupImportItemSchema).min(1).max(100) })
  .strict()
  .refine((b) => new Set(b.groups.map((g) => g.guid)).size === b.groups.length, {
    message: 'each guid may appear once',
    path: ['groups'],
  });

export const GroupImportSchema = z.object({
  appId: z.string(),
  groups: z.array(GroupImportItemSchema),
});

const ItemResult = z.union([
  z.object({ success: z.literal(true), data: GroupSchema }),
  z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
/** Per-item results keyed by guid (reference §2.1 bulk endpoints). */
export const GroupImportResultSchema = z.record(z.string(), ItemResult);
export type GroupImportResult = z.output<typeof GroupImportResultSchema>;
