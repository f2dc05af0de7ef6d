import { z } from 'zod';
import { IdSchema } from '../common.schema';

/**
 * The real-time JWT (ARCHITECTURE.md §7): `PUT /v3.0/me` hands it out, the WebSocket `auth` frame
 * carries it back. Identity signs and verifies it; it stands for one auth token, so deleting the
 * token (or deactivating the user) makes the JWT useless at once, whatever its expiry.
 */
export const JwtClaimsSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  /** sha-256 of the auth token it was issued for (what revocation events carry). */
  tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
  /** Unix seconds. */
  iat: z.number().int(),
  /** Unix seconds. */
  exp: z.number().int(),
});
export type JwtClaims = z.infer<typeof JwtClaimsSchema>;

/** Issue a JWT for a user's auth token (the token must be theirs and alive). */
export const JwtIssueSchema = z.object({
  appId: z.string(),
  uid: IdSchema,
  authToken: z.string().min(1).max(300),
});
export const JwtIssuedSchema = z.object({ jwt: z.string() });

/** A JWT is at most a few hundred bytes; anything much longer is not one of ours. */
export const MAX_JWT_LENGTH = 2048;

export const JwtVerifySchema = z.object({ jwt: z.string().min(1).max(MAX_JWT_LENGTH) });

/** Who a verified JWT stands for: one user on one auth token. */
export const RealtimePrincipalSchema = z.object({
  appId: z.string(),
  uid: z.string(),
  tokenHash: z.string(),
});
export type RealtimePrincipal = z.infer<typeof RealtimePrincipalSchema>;
