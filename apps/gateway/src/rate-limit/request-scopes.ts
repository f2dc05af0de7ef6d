import { Principal } from '@parley/contracts';
import { apiRoute } from './rate-limit-bucket';

/** Budgets counted per user (`user`) or per client address (`ip`) within an app. */
export type RequestScope = 'user' | 'ip';

export interface ScopedOperation {
  method: 'POST' | 'PUT';
  /** The route under `/v3` (and `/v3.0`) as the controllers declare it. */
  route: string;
  scope: RequestScope;
  what: string;
  /** Whose budget it spends: the uid or the client address; undefined for none. */
  subject: (req: { principal: Principal; ip: string }) => string | undefined;
}

/**
 * Requests that also count against a budget of their user or their client address, on top of the
 * app's core or standard budget: a user's messages (`userMessagesPerMinute`; the REST key sending
 * as `app_system` has only the app's budgets), and logins from one address (`loginsPerIpPerMinute`:
 * the SDK's login, an auth token made with the Auth key, and `PUT /me`; a server holding the REST
 * key makes tokens under the core budget alone).
 */
export const SCOPED_OPERATIONS: readonly ScopedOperation[] = [
  {
    method: 'POST',
    route: 'messages',
    scope: 'user',
    what: 'send a message',
    subject: ({ principal }) => principal.uid,
  },
  {
    method: 'POST',
    route: 'users/:uid/auth_tokens',
    scope: 'ip',
    what: 'create an auth token with the Auth key (log in)',
    subject: ({ principal, ip }) => (principal.kind === 'authOnly' ? ip : undefined),
  },
  {
    method: 'PUT',
    route: 'me',
    scope: 'ip',
    what: 'log in (PUT /me)',
    subject: ({ ip }) => ip,
  },
];

const byRoute = new Map(SCOPED_OPERATIONS.map((op) => [`${op.method} ${op.route}`, op]));

/** The per-user or per-IP budget a request spends as well, if any, and whose. */
export function scopeOf(req: {
  method: string;
  routeTemplate: string;
  principal: Principal;
  ip: string;
}): { scope: RequestScope; subject: string } | undefined {
  const op = byRoute.get(`${req.method.toUpperCase()} ${apiRoute(req.routeTemplate)}`);
  const subject = op?.subject(req);
  return op && subject !== undefined ? { scope: op.scope, subject } : undefined;
}
