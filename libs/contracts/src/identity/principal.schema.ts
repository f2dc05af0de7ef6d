import { z } from 'zod';

/**
 * Who is calling, as established by the gateway from a credential.
 * - fullAccess: REST API key; may act as the app (`app_system`) or as `uid` via onBehalfOf.
 * - authOnly: Auth key; may only create users and auth tokens.
 * - user: an auth token; `uid` is the user.
 */
export const PrincipalSchema = z.object({
  appId: z.string(),
  kind: z.enum(['fullAccess', 'authOnly', 'user']),
  uid: z.string().optional(),
  /** sha-256 of the API key in use (to refuse a key acting on itself). */
  apiKeyHash: z.string().optional(),
});
export type Principal = z.infer<typeof PrincipalSchema>;
