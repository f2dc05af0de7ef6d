import { z } from 'zod';
import { IdSchema, MetadataSchema, NameSchema, PageQuerySchema } from '../common.schema';

/** At most this many roles per app, `default` included (reference §6.1). */
export const MAX_ROLES_PER_APP = 25;

/** The role every app has and every user holds unless given another; it cannot be deleted. */
export const DEFAULT_ROLE = 'default';

/** Who a role's users may list and message (reference §6.3). */
export const ROLE_AUDIENCES = ['all', 'friendsOnly'] as const;
export const RoleAudienceSchema = z.enum(ROLE_AUDIENCES);
export type RoleAudience = z.infer<typeof RoleAudienceSchema>;

export const RoleSettingsSchema = z.object({
  listUsers: RoleAudienceSchema,
  sendMessagesTo: RoleAudienceSchema,
});
export type RoleSettings = z.infer<typeof RoleSettingsSchema>;

/** What a role allows when nothing was set, and what `unset: ["settings"]` returns to. */
export const DEFAULT_ROLE_SETTINGS: RoleSettings = { listUsers: 'all', sendMessagesTo: 'all' };

/** A role as the REST API returns it (reference §5.6). Optional fields are omitted when unset. */
export const RoleSchema = z.object({
  role: z.string(),
  name: z.string(),
  description: z.string().optional(),
  metadata: z.record(z.string(), z.unknown()).optional(),
  settings: RoleSettingsSchema,
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type Role = z.infer<typeof RoleSchema>;

const DescriptionSchema = z.string().trim().max(255, 'must be at most 255 characters');

/** Either setting may be left out; it keeps its current value (update) or is `all` (create). */
const RoleSettingsChangeSchema = z
  .object({
    listUsers: RoleAudienceSchema.optional(),
    sendMessagesTo: RoleAudienceSchema.optional(),
  })
  .strict();

export const RoleCreateBodySchema = z
  .object({
    role: IdSchema,
    name: NameSchema,
    description: DescriptionSchema.optional(),
    metadata: MetadataSchema.optional(),
    settings: RoleSettingsChangeSchema.optional(),
  })
  .strict();

export const ROLE_UNSETTABLE = ['settings', 'description', 'metadata'] as const;
export const RoleUpdateBodySchema = z
  .object({
    name: NameSchema.optional(),
    description: DescriptionSchema.optional(),
    metadata: MetadataSchema.optional(),
    settings: RoleSettingsChangeSchema.optional(),
    unset: z.array(z.enum(ROLE_UNSETTABLE)).optional(),
  })
  .strict();

export const RoleListQuerySchema = PageQuerySchema;

export const RoleCreateSchema = z.object({ appId: z.string() }).extend(RoleCreateBodySchema.shape);
export const RoleRefSchema = z.object({ appId: z.string(), role: IdSchema });
export const RoleUpdateSchema = RoleRefSchema.extend(RoleUpdateBodySchema.shape);
export const RoleListSchema = z.object({ appId: z.string() }).extend(RoleListQuerySchema.shape);

/** Parsed RPC requests, as the users service receives them. */
export type RoleCreate = z.output<typeof RoleCreateSchema>;
export type RoleUpdate = z.output<typeof RoleUpdateSchema>;
