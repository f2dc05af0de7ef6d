import { MessageBus } from '@parley/common';
import { AuthFrame, MAX_JWT_LENGTH } from '@parley/contracts';
import { RealtimeAuth } from './realtime-auth';

const jwtNaming = (claims: unknown) =>
  `header.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.signature`;

const frame = (auth: string, appId?: string): AuthFrame =>
  ({ type: 'auth', ...(appId !== undefined ? { appId } : {}), body: { auth } }) as AuthFrame;

describe('RealtimeAuth.claimed', () => {
  const bus = { request: jest.fn() };
  const auth = new RealtimeAuth(bus as unknown as MessageBus);

  it('reads the app and user a JWT names, without asking identity', () => {
    const jwt = jwtNaming({ appId: 'app1', uid: 'alice', tokenHash: 'h', iat: 1, exp: 2 });
    expect(auth.claimed(frame(jwt, 'APP1'))).toEqual({ appId: 'app1', uid: 'alice' });
    expect(auth.claimed(frame(` ${jwt} `))).toEqual({ appId: 'app1', uid: 'alice' });
    expect(bus.request).not.toHaveBeenCalled();
  });

  it('names nobody for a JWT of another app than the frame names, or one that names no user', () => {
    const jwt = jwtNaming({ appId: 'app1', uid: 'alice' });
    expect(auth.claimed(frame(jwt, 'app2'))).toBeUndefined();
    expect(auth.claimed(frame(jwtNaming({ appId: 'app1' }), 'app1'))).toBeUndefined();
    expect(auth.claimed(frame(jwtNaming({ appId: 'app1', uid: 7 })))).toBeUndefined();
    expect(auth.claimed(frame(jwtNaming(null)))).toBeUndefined();
    expect(auth.claimed(frame('a.%%%.c'))).toBeUndefined();
    expect(auth.claimed(frame('not-a-jwt'))).toBeUndefined();
    const long = jwtNaming({ appId: 'app1', uid: 'alice', pad: 'x'.repeat(MAX_JWT_LENGTH) });
    expect(auth.claimed(frame(long))).toBeUndefined();
  });
});
