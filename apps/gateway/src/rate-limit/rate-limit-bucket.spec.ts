import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, MODULE_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { Principal } from '@parley/contracts';
import { gatewayModule } from '../app.module';
import { apiRoute, bucketOf, CORE_OPERATIONS } from './rate-limit-bucket';

const restKey: Principal = { appId: 'acme', kind: 'fullAccess' };
const asUser: Principal = { appId: 'acme', kind: 'user', uid: 'alice' };
const onBehalfOf: Principal = { appId: 'acme', kind: 'fullAccess', uid: 'alice' };
const authKey: Principal = { appId: 'acme', kind: 'authOnly' };

const bucket = (method: string, routeTemplate: string, principal = restKey, body: unknown = {}) =>
  bucketOf({ method, routeTemplate, principal, body });

/** Every `METHOD route` the gateway's controllers serve, routes as Fastify names them. */
function gatewayRoutes(): Set<string> {
  const routes = new Set<string>();
  const controllers = Reflect.getMetadata(MODULE_METADATA.CONTROLLERS, gatewayModule()) as Array<
    new (...args: never[]) => unknown
  >;
  const asList = (p: string | string[] | undefined) => (Array.isArray(p) ? p : [p ?? '']);
  for (const controller of controllers) {
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const handler = proto[name];
      if (typeof handler !== 'function') continue;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (method === undefined) continue;
      for (const base of asList(Reflect.getMetadata(PATH_METADATA, controller))) {
        for (const sub of asList(Reflect.getMetadata(PATH_METADATA, handler))) {
          const route = [base, sub].filter((p) => p && p !== '/').join('/');
          routes.add(`${RequestMethod[method]} /${route.replace(/^\/+/, '')}`);
        }
      }
    }
  }
  return routes;
}

describe('rate-limit buckets', () => {
  it.each([
    ['POST', '/v3/users', 'create a user'],
    ['POST', '/v3.0/users', 'create a user (SDK path)'],
    ['DELETE', '/v3/users/:uid', 'delete a user'],
    ['POST', '/v3/users/:uid/auth_tokens', 'create an auth token'],
    ['POST', '/v3.0/users/:uid/auth_tokens', 'create an auth token (SDK path)'],
    ['POST', '/v3/groups', 'create a group'],
  ])('%s %s is core (%s)', (method, route) => {
    expect(bucket(method, route)).toBe('core');
    expect(bucket(method.toLowerCase(), route, authKey)).toBe('core');
  });

  it.each([
    ['GET', '/v3/users'],
    ['GET', '/v3/users/:uid'],
    ['PUT', '/v3/users/:uid'],
    ['DELETE', '/v3/users'], // deactivation, not deletion
    ['GET', '/v3/users/:uid/auth_tokens'],
    ['DELETE', '/v3/users/:uid/auth_tokens'],
    ['GET', '/v3/groups'],
    ['DELETE', '/v3/groups/:guid'],
    ['DELETE', '/v3.0/groups/:guid/members'], // leaving
    ['GET', '/v3/apikeys'],
    ['GET', '/v3/me'],
  ])('%s %s is standard', (method, route) => {
    expect(bucket(method, route)).toBe('standard');
  });

  it('counts a join (a user, no scope arrays) as core and adding members as standard', () => {
    const members = '/v3.0/groups/:guid/members';
    expect(bucket('POST', members, asUser, {})).toBe('core');
    expect(bucket('POST', members, asUser, { password: 'x', guid: 'g1', hasJoined: false })).toBe(
      'core',
    );
    expect(bucket('POST', members, onBehalfOf, undefined)).toBe('core');
    expect(bucket('POST', members, asUser, { participants: ['bob'] })).toBe('standard');
    expect(bucket('POST', members, onBehalfOf, { usersToBan: ['bob'] })).toBe('standard');
    expect(bucket('POST', members, restKey, { admins: ['bob'] })).toBe('standard');
    expect(bucket('POST', members, restKey, {})).toBe('standard'); // the app is no member
    expect(bucket('PUT', members, asUser, {})).toBe('standard');
  });

  it('reads route templates under /v3 and /v3.0, with or without a trailing slash', () => {
    expect(apiRoute('/v3/users/:uid')).toBe('users/:uid');
    expect(apiRoute('/v3.0/users/:uid/')).toBe('users/:uid');
    expect(apiRoute('v3/groups')).toBe('groups');
    expect(apiRoute('')).toBe('');
    expect(bucket('POST', '')).toBe('standard'); // no route: never core
  });

  it('names only routes the gateway serves, under /v3 and /v3.0', () => {
    const served = gatewayRoutes();
    expect(served.size).toBeGreaterThan(20);
    const missing = CORE_OPERATIONS.flatMap((op) =>
      ['v3', 'v3.0'].map((v) => `${op.method} /${v}/${op.route}`),
    ).filter((route) => !served.has(route));
    expect(missing).toEqual([]);
  });
});
