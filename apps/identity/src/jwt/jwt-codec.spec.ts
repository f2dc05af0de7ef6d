import { createHmac } from 'node:crypto';
import { JwtClaims } from '@parley/contracts';
import { JwtCodec } from './jwt-codec';

const SECRET = 's'.repeat(40);
const NOW = 1_800_000_000;

const claims = (over: Partial<JwtClaims> = {}): JwtClaims => ({
  appId: 'app1',
  uid: 'alice',
  tokenHash: 'a'.repeat(64),
  iat: NOW - 10,
  exp: NOW + 3600,
  ...over,
});

const codec = (secret = SECRET) => new JwtCodec({ PARLEY_JWT_SECRET: secret });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('JwtCodec', () => {
  it('verifies what it signed and gives back the claims', () => {
    const jwt = codec().sign(claims());
    expect(jwt.split('.')).toHaveLength(3);
    expect(codec().verify(jwt, NOW)).toEqual(claims());
  });

  it('signs a standard HS256 JWT (any JWT library would accept it)', () => {
    const jwt = codec().sign(claims());
    const [header, payload, signature] = jwt.split('.');
    expect(JSON.parse(Buffer.from(header, 'base64url').toString())).toEqual({
      alg: 'HS256',
      typ: 'JWT',
    });
    const expected = createHmac('sha256', SECRET)
      .update(`${header}.${payload}`)
      .digest('base64url');
    expect(signature).toBe(expected);
  });

  it('refuses a JWT signed with another secret', () => {
    const jwt = codec('o'.repeat(40)).sign(claims());
    expect(codec().verify(jwt, NOW)).toBeUndefined();
  });

  it('refuses an expired JWT, at the second of expiry too', () => {
    const jwt = codec().sign(claims({ exp: NOW }));
    expect(codec().verify(jwt, NOW)).toBeUndefined();
    expect(codec().verify(jwt, NOW - 1)).toBeDefined();
  });

  it('refuses a payload changed after signing', () => {
    const [h, , s] = codec().sign(claims()).split('.');
    expect(codec().verify(`${h}.${b64(claims({ uid: 'mallory' }))}.${s}`, NOW)).toBeUndefined();
  });

  it('refuses alg none and any other header', () => {
    const payload = b64(claims());
    expect(codec().verify(`${b64({ alg: 'none', typ: 'JWT' })}.${payload}.`, NOW)).toBeUndefined();
    const other = b64({ typ: 'JWT', alg: 'HS256' }); // same algorithm, not our header bytes
    const sig = createHmac('sha256', SECRET).update(`${other}.${payload}`).digest('base64url');
    expect(codec().verify(`${other}.${payload}.${sig}`, NOW)).toBeUndefined();
  });

  it('refuses a signature with stray characters that decode to the same bytes', () => {
    const jwt = codec().sign(claims());
    expect(codec().verify(`${jwt}=`, NOW)).toBeUndefined();
    expect(codec().verify(`${jwt}!`, NOW)).toBeUndefined();
  });

  it.each([
    ['an empty string', ''],
    ['two parts', 'a.b'],
    ['four parts', 'a.b.c.d'],
    ['garbage', 'not a jwt at all'],
  ])('refuses %s', (_case, jwt) => {
    expect(codec().verify(jwt, NOW)).toBeUndefined();
  });

  it('refuses a well-signed payload that lacks our claims', () => {
    const header = codec().sign(claims()).split('.')[0];
    const payload = b64({ sub: 'alice', exp: NOW + 60 });
    const sig = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    expect(codec().verify(`${header}.${payload}.${sig}`, NOW)).toBeUndefined();
  });

  it('refuses a well-signed payload that is not JSON', () => {
    const header = codec().sign(claims()).split('.')[0];
    const payload = Buffer.from('{not json').toString('base64url');
    const sig = createHmac('sha256', SECRET).update(`${header}.${payload}`).digest('base64url');
    expect(codec().verify(`${header}.${payload}.${sig}`, NOW)).toBeUndefined();
  });
});
