import { z } from 'zod';
import { AppIdSchema, NameSchema } from '../common.schema';
import { ApiKeyCreatedSchema } from './api-key.schema';

export const AppLimitsSchema = z
  .object({
    /** Requests per minute for core operations (user login/token, create/delete user, create/join group). */
    coreRequestsPerMinute: z.number().int().min(1).max(10_000_000),
    /** Requests per minute for every other operation. */
    standardRequestsPerMinute: z.number().int().min(1).max(10_000_000),
    /** Messages one user may send per minute (their token or `onBehalfOf`), on top of the above. */
    userMessagesPerMinute: z.number().int().min(1).max(10_000_000),
    /** Logins (auth tokens made with the Auth key, `PUT /me`) per client IP address per minute. */
    loginsPerIpPerMinute: z.number().int().min(1).max(10_000_000),
  })
  .partial();
export type AppLimits = z.infer<typeof AppLimitsSchema>;

export const DEFAULT_APP_LIMITS = {
  coreRequestsPerMinute: 10_000,
  standardRequestsPerMinute: 20_000,
  userMessagesPerMinute: 600,
  loginsPerIpPerMinute: 300,
} as const;

export const AppSchema = z.object({
  appId: z.string(),
  name: z.string(),
  limits: z.object({
    coreRequestsPerMinute: z.number(),
    standardRequestsPerMinute: z.number(),
    userMessagesPerMinute: z.number(),
    loginsPerIpPerMinute: z.number(),
  }),
  createdAt: z.number(),
  updatedAt: z.number(),
});
export type App = z.infer<typeof AppSchema>;

export const AppCreateSchema = z
  .object({ name: NameSchema, appId: AppIdSchema.optional() })
  .strict();
export const AppCreatedSchema = AppSchema.extend({ apiKeys: z.array(ApiKeyCreatedSchema) });
export type AppCreated = z.infer<typeof AppCreatedSchema>;

export const AppRefSchema = z.object({ appId: z.string() });
export const AppUpdateSchema = z
  .object({ appId: z.string(), name: NameSchema.optional(), limits: AppLimitsSchema.optional() })
  .strict();
export const AppListSchema = z.object({});
