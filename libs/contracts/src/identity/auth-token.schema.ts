import { z } from 'zod';
import { BoolLike, IdSchema, PageQuerySchema } from '../common.schema';

/**
 * An auth token: one user on one device. Tokens are stored hashed; the whole token is returned only
 * when it is created, elsewhere `authToken` is masked.
 */
export const AuthTokenSchema = z.object({
  uid: z.string(),
  authToken: z.string(),
  createdAt: z.number(),
  updatedAt: z.number().optional(),
  platform: z.string().optional(),
  userAgent: z.string().optional(),
  appInfo: z.record(z.string(), z.unknown()).optional(),
});
export type AuthToken = z.infer<typeof AuthTokenSchema>;

export const AuthTokenCreateBodySchema = z.object({ force: BoolLike.optional() }).passthrough();
export const AuthTokenUpdateBodySchema = z
  .object({
    platform: z.string().max(100).optional(),
    userAgent: z.string().max(1000).optional(),
    appInfo: z
      .record(z.string(), z.unknown())
      .refine(
        (m) => Buffer.byteLength(JSON.stringify(m)) <= 5 * 1024,
        'must be at most 5 KB as JSON',
      )
      .optional(),
  })
  .strict();

const UserRef = z.object({ appId: z.string(), uid: IdSchema });
export const AuthTokenCreateSchema = UserRef.extend({ force: z.boolean().optional() });
export const AuthTokenListSchema = UserRef.extend(PageQuerySchema.shape);
export const AuthTokenRefSchema = UserRef.extend({ authToken: z.string().max(300) });
export const AuthTokenUpdateSchema = AuthTokenRefSchema.extend(AuthTokenUpdateBodySchema.shape);
export const AuthTokenFlushSchema = UserRef;
