import { randomBytes } from 'node:crypto';

/**
 * A fresh app id for one test: valid as an app id and as a NATS subject token, unique across
 * parallel workers and repeated runs, so tests never share state.
 */
export function uniqueAppId(prefix = 'it'): string {
  return `${prefix}-${Date.now().toString(36)}-${randomBytes(5).toString('hex')}`;
}
