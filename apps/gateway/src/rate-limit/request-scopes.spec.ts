import { Principal } from '@parley/contracts';
import { scopeOf } from './request-scopes';

const principal = (kind: Principal['kind'], uid?: string): Principal =>
  ({ appId: 'acme', kind, ...(uid ? { uid } : {}) }) as Principal;
const req = (method: string, routeTemplate: string, p: Principal) => ({
  method,
  routeTemplate,
  principal: p,
  ip: '198.51.100.4',
});

describe('per-user and per-address budgets', () => {
  it("counts a user's messages against their own budget, on /v3 and /v3.0", () => {
    for (const route of ['/v3/messages', '/v3.0/messages'])
      expect(scopeOf(req('POST', route, principal('user', 'alice')))).toEqual({
        scope: 'user',
        subject: 'alice',
      });
    expect(scopeOf(req('POST', '/v3/messages', principal('fullAccess', 'bob')))).toEqual({
      scope: 'user',
      subject: 'bob',
    });
  });

  it('leaves the REST key sending as app_system, and reads, to the app budgets', () => {
    expect(scopeOf(req('POST', '/v3/messages', principal('fullAccess')))).toBeUndefined();
    expect(scopeOf(req('GET', '/v3/messages', principal('user', 'alice')))).toBeUndefined();
  });

  it('counts logins per address: tokens made with the Auth key, and PUT /me', () => {
    const token = '/v3.0/users/:uid/auth_tokens';
    expect(scopeOf(req('POST', token, principal('authOnly')))).toEqual({
      scope: 'ip',
      subject: '198.51.100.4',
    });
    expect(scopeOf(req('POST', token, principal('fullAccess')))).toBeUndefined();
    expect(scopeOf(req('PUT', '/v3.0/me', principal('user', 'alice')))).toEqual({
      scope: 'ip',
      subject: '198.51.100.4',
    });
  });
});
