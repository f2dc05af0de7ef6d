import { z } from 'zod';
import { NameSchema, PageQuerySchema } from '../common.schema';
import { PrincipalSchema } from './principal.schema';

export const API_KEY_SCOPES = ['fullAccess', 'authOnly'] as const;
export const ApiKeyScopeSchema = z.enum(API_KEY_SCOPES);
export type ApiKeyScope = z.infer<typeof ApiKeyScopeSchema>;

/** At most this many API keys per app (reference §1.3). */
export const MAX_API_KEYS_PER_APP = 25;

/**
 * An API key as listed. Keys are stored hashed, so only the creation reply carries the whole key;
 * elsewhere `apiKey` is the masked form (first 4 and last 4 characters).
 */
export const ApiKeySchema = z.object({
  apiKey: z.string(),
  name: z.string(),
  scope: ApiKeyScopeSchema,
  createdAt: z.number(),
  updatedAt: z.number().optional(),
});
export type ApiKey = z.infer<typeof ApiKeySchema>;
export const ApiKeyCreatedSchema = ApiKeySchema;

export const ApiKeyCreateBodySchema = z
  .object({ name: NameSchema, scope: ApiKeyScopeSchema.default('authOnly') })
  .strict();
export const ApiKeyUpdateBodySchema = z
  .object({ name: NameSchema.optional(), scope: ApiKeyScopeSchema.optional() })
  .strict();
export const ApiKeyListQuerySchema = PageQuerySchema.extend({
  scope: ApiKeyScopeSchema.optional(),
  searchKey: z.string().max(100).optional(),
});

export const ApiKeyCreateSchema = z
  .object({ appId: z.string() })
  .extend(ApiKeyCreateBodySchema.shape);
export const ApiKeyListSchema = z.object({ appId: z.string() }).extend(ApiKeyListQuerySchema.shape);
export const ApiKeyRefSchema = z.object({
  principal: PrincipalSchema,
  apiKey: z.string().max(200),
});
export const ApiKeyUpdateSchema = ApiKeyRefSchema.extend(ApiKeyUpdateBodySchema.shape);
