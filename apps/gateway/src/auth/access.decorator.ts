import { SetMetadata } from '@nestjs/common';
import { ACCESS } from '@parley/common';
import type { Principal } from '@parley/contracts';

export { ACCESS, Public } from '@parley/common';

export type CredentialKind = Principal['kind'];

export type AccessRule =
  { kind: 'admin' } | { kind: 'public' } | { kind: 'app'; allow: CredentialKind[] };

/** Operator API: `x-admin-key`. */
export const AdminOnly = () => SetMetadata(ACCESS, { kind: 'admin' } satisfies AccessRule);
/**
 * An app credential of one of these kinds. Routes without this decorator need a fullAccess key
 * (the safe default); an auth-only key elsewhere is 403 AUTH_ERR_NO_ACCESS.
 */
export const Allow = (...allow: CredentialKind[]) =>
  SetMetadata(ACCESS, { kind: 'app', allow } satisfies AccessRule);
