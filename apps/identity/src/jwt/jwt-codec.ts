import { createHmac, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { JwtClaims, JwtClaimsSchema } from '@parley/contracts';
import { JWT_ENV, JwtEnv } from './jwt-env';

const HEADER = Buffer.from(JSON.stringify({ alg: 'HS256', typ: 'JWT' })).toString('base64url');

/**
 * HS256 JWTs by hand on node:crypto (RFC 7519 compact form). Only tokens with exactly our header
 * are accepted, so no `alg: none` or algorithm confusion can get through.
 */
@Injectable()
export class JwtCodec {
  private readonly key: Buffer;

  constructor(@Inject(JWT_ENV) env: JwtEnv) {
    this.key = Buffer.from(env.PARLEY_JWT_SECRET, 'utf8');
  }

  sign(claims: JwtClaims): string {
    const input = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return `${input}.${this.mac(input)}`;
  }

  /** The claims of a JWT we signed that has not expired at `nowSeconds`; undefined otherwise. */
  verify(jwt: string, nowSeconds: number): JwtClaims | undefined {
    const parts = jwt.split('.');
    if (parts.length !== 3 || parts[0] !== HEADER) return undefined;
    // Compare the encoded text: base64url decoding ignores stray characters, the text does not.
    const expected = Buffer.from(this.mac(`${parts[0]}.${parts[1]}`));
    const given = Buffer.from(parts[2]);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    let payload: unknown;
    try {
      payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const claims = JwtClaimsSchema.safeParse(payload);
    if (!claims.success || claims.data.exp <= nowSeconds) return undefined;
    return claims.data;
  }

  private mac(input: string): string {
    return createHmac('sha256', this.key).update(input).digest('base64url');
  }
}
