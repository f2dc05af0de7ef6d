import { z } from 'zod';
import { EventEnvelope } from '../event.schema';

export const ApiKeyRevokedEventSchema = EventEnvelope.extend({ apiKeyHash: z.string() });
export const AuthTokenRevokedEventSchema = EventEnvelope.extend({
  uid: z.string(),
  /** sha-256 of each revoked token. */
  tokenHashes: z.array(z.string()),
});
export const AppDeletedEventSchema = EventEnvelope;
