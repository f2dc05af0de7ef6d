import { DomainError } from '@parley/common';
import type { Principal } from '@parley/contracts';

/**
 * The user a user-context route acts for: the auth token's user, or the `onBehalfOf` user of a
 * REST API key. A REST API key without `onBehalfOf` names nobody: ERR_BAD_REQUEST.
 */
export function actingUid(p: Principal): string {
  if (p.uid) return p.uid;
  throw new DomainError(
    'ERR_BAD_REQUEST',
    'This API acts for a user: call it with an auth token, or with the REST API key and onBehalfOf.',
    { onBehalfOf: ['is required when this API is called with the REST API key'] },
  );
}
