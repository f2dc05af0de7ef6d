import { isMembersAddBody, Principal } from '@parley/contracts';

/** The two per-app budgets of CometChat (reference §6.8): core operations and the rest. */
export type RateLimitBucket = 'core' | 'standard';

export interface CoreOperation {
  method: 'POST' | 'DELETE';
  /** The route under `/v3` (and `/v3.0`) as the controllers declare it. */
  route: string;
  what: string;
  /** A further condition on the request; without it every request to the route is core. */
  only?: (req: { principal: Principal; body: unknown }) => boolean;
}

/**
 * CometChat's core operations, the only requests that count against an app's core budget
 * (`coreRequestsPerMinute`); every other app request counts against the standard budget.
 */
export const CORE_OPERATIONS: readonly CoreOperation[] = [
  { method: 'POST', route: 'users', what: 'create a user' },
  { method: 'DELETE', route: 'users/:uid', what: 'delete a user' },
  { method: 'POST', route: 'users/:uid/auth_tokens', what: 'create an auth token (log in)' },
  { method: 'POST', route: 'groups', what: 'create a group' },
  {
    method: 'POST',
    route: 'groups/:guid/members',
    what: 'join a group (a user, no scope arrays; adding members is standard)',
    only: ({ principal, body }) => principal.uid !== undefined && !isMembersAddBody(body),
  },
];

const byRoute = new Map(CORE_OPERATIONS.map((op) => [`${op.method} ${op.route}`, op]));

/** `/v3.0/users/:uid/` -> `users/:uid`: the route as CORE_OPERATIONS names it. */
export function apiRoute(routeTemplate: string): string {
  return routeTemplate.replace(/^\/?v3(\.0)?\//, '').replace(/\/+$/, '');
}

/** The budget a request counts against, from its route template (not its path) and method. */
export function bucketOf(req: {
  method: string;
  routeTemplate: string;
  principal: Principal;
  body: unknown;
}): RateLimitBucket {
  const op = byRoute.get(`${req.method.toUpperCase()} ${apiRoute(req.routeTemplate)}`);
  if (!op) return 'standard';
  return !op.only || op.only(req) ? 'core' : 'standard';
}
