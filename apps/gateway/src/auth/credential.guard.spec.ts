import { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Clock, DomainError } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { Principal } from '@parley/contracts';
import { GatewayEnvSchema } from '../config/gateway-env';
import { OperatorKeyLimiter } from '../rate-limit/operator-key-limiter';
import { MemoryRateLimitCounters } from '../rate-limit/rate-limit.memory-counters';
import { AdminOnly, Allow, Public } from './access.decorator';
import { CredentialCache } from './credential-cache';
import { CredentialGuard } from './credential.guard';
import type { AuthedRequest } from './principal.decorator';

const ADMIN_KEY = 'operator-key-0123456789abcdef';
const REST_KEY = 'rest-key-0123456789';

type Credential = { apiKey: string } | { authToken: string };

/** A controller whose routes carry each kind of access rule. */
class RoutesUnderTest {
  @AdminOnly()
  adminRoute() {}

  @Public()
  publicRoute() {}

  /** No decorator: the default rule, fullAccess only. */
  defaultRoute() {}

  @Allow('fullAccess', 'authOnly')
  userCreateRoute() {}

  @Allow('fullAccess', 'user')
  meRoute() {}
}
type Route = 'adminRoute' | 'publicRoute' | 'defaultRoute' | 'userCreateRoute' | 'meRoute';

const principal = (over: Partial<Principal> = {}): Principal => ({
  appId: 'acme',
  kind: 'fullAccess',
  ...over,
});

/** A request with these (lower-case) headers, as Fastify gives them, from client address `ip`. */
function request(headers: Record<string, string> = {}, ip = '192.0.2.1'): AuthedRequest {
  return { headers, ip } as unknown as AuthedRequest;
}

/** The ExecutionContext Nest gives a guard for `route` handling `req`; `sent` gets the headers. */
function contextFor(route: Route, req: AuthedRequest, sent: Record<string, string> = {}) {
  const ctx = {
    getHandler: () => RoutesUnderTest.prototype[route],
    getClass: () => RoutesUnderTest,
    switchToHttp: () => ({
      getRequest: () => req,
      getResponse: () => ({ headers: (h: Record<string, string>) => Object.assign(sent, h) }),
    }),
  };
  return ctx as unknown as ExecutionContext;
}

/** The guard with the credential cache mocked; `verified` is what the cache answers. */
function setup(verified: Principal = principal(), env: Record<string, string> = {}) {
  const cache = {
    verify: jest.fn(
      async (_appId: string, _credential: Credential): Promise<Principal> => verified,
    ),
  };
  const config = GatewayEnvSchema.parse({ PARLEY_ADMIN_KEY: ADMIN_KEY, ...env });
  const limiter = new OperatorKeyLimiter(new MemoryRateLimitCounters(), new Clock(), config);
  const guard = new CredentialGuard(
    new Reflector(),
    cache as unknown as CredentialCache,
    config,
    limiter,
  );
  const run = (route: Route, req: AuthedRequest, sent?: Record<string, string>) =>
    guard.canActivate(contextFor(route, req, sent));
  return { guard, cache, run };
}

describe('CredentialGuard', () => {
  describe('admin routes', () => {
    it('let the operator key through without asking identity', async () => {
      const { run, cache } = setup();
      await expect(run('adminRoute', request({ 'x-admin-key': ADMIN_KEY }))).resolves.toBe(true);
      expect(cache.verify).not.toHaveBeenCalled();
    });

    it.each([
      ['no key', {}],
      ['an empty key', { 'x-admin-key': '' }],
      ['a wrong key of the same length', { 'x-admin-key': ADMIN_KEY.replace(/.$/, 'X') }],
      ['a prefix of the key', { 'x-admin-key': ADMIN_KEY.slice(0, 10) }],
      ['an app key instead', { appid: 'acme', apikey: REST_KEY }],
    ])('refuse %s with AUTH_ERR_NO_ACCESS', async (_case, headers) => {
      const { run, cache } = setup();
      expect((await domainErrorOf(run('adminRoute', request(headers)))).code).toBe(
        'AUTH_ERR_NO_ACCESS',
      );
      expect(cache.verify).not.toHaveBeenCalled();
    });

    it('refuse an address past its budget of wrong keys with 429, a right key too; others pass', async () => {
      const { run } = setup(principal(), { OPERATOR_KEY_FAILURES_PER_IP_PER_MINUTE: '3' });
      const wrong = { 'x-admin-key': ADMIN_KEY.replace(/.$/, 'X') };
      const right = { 'x-admin-key': ADMIN_KEY };
      for (const remaining of ['2', '1', '0']) {
        const sent: Record<string, string> = {};
        const err = await domainErrorOf(run('adminRoute', request(wrong), sent));
        expect([err.code, sent['X-Rate-Limit'], sent['X-Rate-Limit-Remaining']]).toEqual([
          'AUTH_ERR_NO_ACCESS',
          '3',
          remaining,
        ]);
      }
      for (const headers of [wrong, right]) {
        const sent: Record<string, string> = {};
        expect((await domainErrorOf(run('adminRoute', request(headers), sent))).code).toBe(
          'ERR_TOO_MANY_REQUESTS',
        );
        expect(sent).toMatchObject({ 'X-Rate-Limit': '3', 'X-Rate-Limit-Remaining': '0' });
        expect(Number(sent['Retry-After'])).toBeGreaterThanOrEqual(1);
        expect(Number(sent['X-Rate-Limit-Reset']) % 60).toBe(0);
      }
      // Another address, and the locked one's right key never counted as a failure elsewhere.
      await expect(run('adminRoute', request(right, '192.0.2.2'))).resolves.toBe(true);
      const other = await domainErrorOf(run('adminRoute', request(wrong, '192.0.2.2')));
      expect(other.code).toBe('AUTH_ERR_NO_ACCESS');
    });
  });

  it('lets anyone through on a public route', async () => {
    const { run, cache } = setup();
    await expect(run('publicRoute', request())).resolves.toBe(true);
    expect(cache.verify).not.toHaveBeenCalled();
  });

  describe('app routes', () => {
    it('verify the apikey for the app and attach the principal', async () => {
      const verified = principal({ apiKeyHash: 'h' });
      const { run, cache } = setup(verified);
      const req = request({ appid: 'ACME', apikey: REST_KEY });
      await expect(run('defaultRoute', req)).resolves.toBe(true);
      expect(cache.verify).toHaveBeenCalledWith('acme', { apiKey: REST_KEY });
      expect(req.principal).toEqual(verified);
    });

    it('take the app from the host sub-domain when there is no appid header', async () => {
      const { run, cache } = setup();
      await run('defaultRoute', request({ host: 'acme.chat.example.com', apikey: REST_KEY }));
      expect(cache.verify).toHaveBeenCalledWith('acme', { apiKey: REST_KEY });
    });

    it('verify a user authtoken and attach that user', async () => {
      const user = principal({ kind: 'user', uid: 'alice' });
      const { run, cache } = setup(user);
      const req = request({ appid: 'acme', authtoken: 'alice_token' });
      await expect(run('meRoute', req)).resolves.toBe(true);
      expect(cache.verify).toHaveBeenCalledWith('acme', { authToken: 'alice_token' });
      expect(req.principal).toEqual(user);
    });

    it('refuse a user token where only keys are allowed', async () => {
      const { run } = setup(principal({ kind: 'user', uid: 'alice' }));
      const err = await domainErrorOf(
        run('userCreateRoute', request({ appid: 'acme', authtoken: 'alice_token' })),
      );
      expect(err.code).toBe('AUTH_ERR_NO_ACCESS');
    });

    it('refuse an authOnly key on a route without @Allow (the fullAccess default)', async () => {
      const { run } = setup(principal({ kind: 'authOnly' }));
      const err = await domainErrorOf(
        run('defaultRoute', request({ appid: 'acme', apikey: 'auth-key' })),
      );
      expect(err.code).toBe('AUTH_ERR_NO_ACCESS');
    });

    it('refuse a user token on a route without @Allow', async () => {
      const { run } = setup(principal({ kind: 'user', uid: 'alice' }));
      const err = await domainErrorOf(
        run('defaultRoute', request({ appid: 'acme', authtoken: 'alice_token' })),
      );
      expect(err.code).toBe('AUTH_ERR_NO_ACCESS');
    });

    it('let an authOnly key through where the route allows it', async () => {
      const { run } = setup(principal({ kind: 'authOnly' }));
      await expect(
        run('userCreateRoute', request({ appid: 'acme', apikey: 'auth-key' })),
      ).resolves.toBe(true);
    });

    it('refuse a request naming no app with AUTH_ERR_EMPTY_APPID', async () => {
      const { run, cache } = setup();
      const err = await domainErrorOf(
        run('defaultRoute', request({ host: 'localhost:3000', apikey: REST_KEY })),
      );
      expect(err.code).toBe('AUTH_ERR_EMPTY_APPID');
      expect(cache.verify).not.toHaveBeenCalled();
    });

    it('refuse a malformed app id with AUTH_ERR_INVALID_APPID without asking identity', async () => {
      const { run, cache } = setup();
      const err = await domainErrorOf(
        run('defaultRoute', request({ appid: 'acme app!', apikey: REST_KEY })),
      );
      expect(err.code).toBe('AUTH_ERR_INVALID_APPID');
      expect(cache.verify).not.toHaveBeenCalled();
    });

    it.each([
      ['no credential', { appid: 'acme' }],
      ['blank credentials', { appid: 'acme', apikey: ' ', authtoken: '' }],
    ])('refuse %s with AUTH_ERR_EMPTY_APIKEY', async (_case, headers) => {
      const { run, cache } = setup();
      const err = await domainErrorOf(run('defaultRoute', request(headers)));
      expect(err.code).toBe('AUTH_ERR_EMPTY_APIKEY');
      expect(cache.verify).not.toHaveBeenCalled();
    });

    it('pass on what identity answers for an unknown key', async () => {
      const { run, cache } = setup();
      cache.verify.mockRejectedValueOnce(new DomainError('AUTH_ERR_APIKEY_NOT_FOUND'));
      const err = await domainErrorOf(
        run('defaultRoute', request({ appid: 'acme', apikey: 'unknown' })),
      );
      expect(err.code).toBe('AUTH_ERR_APIKEY_NOT_FOUND');
    });
  });

  describe('onBehalfOf', () => {
    it('makes a fullAccess key act as that user, uid lower-cased', async () => {
      const verified = principal({ apiKeyHash: 'h' });
      const { run } = setup(verified);
      const req = request({ appid: 'acme', apikey: REST_KEY, onbehalfof: 'Alice' });
      await run('defaultRoute', req);
      expect(req.principal).toEqual({ ...verified, uid: 'alice' });
    });

    it('is ignored for an authOnly key', async () => {
      const { run } = setup(principal({ kind: 'authOnly' }));
      const req = request({ appid: 'acme', apikey: 'auth-key', onbehalfof: 'alice' });
      await run('userCreateRoute', req);
      expect(req.principal).toEqual(principal({ kind: 'authOnly' }));
      expect(req.principal?.uid).toBeUndefined();
    });

    it('refuses a malformed uid with ERR_BAD_REQUEST naming the header', async () => {
      const { run } = setup();
      const err = await domainErrorOf(
        run('defaultRoute', request({ appid: 'acme', apikey: REST_KEY, onbehalfof: 'no spaces!' })),
      );
      expect(err.code).toBe('ERR_BAD_REQUEST');
      expect(Object.keys(err.details ?? {})).toEqual(['onBehalfOf']);
    });
  });
});
