import { Injectable } from '@nestjs/common';
import { Clock, DomainError, sha256 } from '@parley/common';
import { RealtimePrincipal } from '@parley/contracts';
import { AuthTokenRepository } from '../auth-tokens/auth-token.repository';
import { CredentialService } from '../credentials/credential.service';
import { JwtCodec } from './jwt-codec';

/**
 * How long a JWT is good for. It cannot outlive its auth token (every verify checks that the token
 * still exists), and the CometChat SDK reuses a stored JWT on a page reload without logging in
 * again, so a short life would only strand idle tabs.
 */
export const JWT_TTL_SECONDS = 7 * 24 * 3600;

/**
 * Real-time JWTs: one per login of a user's auth token (`PUT /v3.0/me`), checked when a WebSocket
 * authenticates. The JWT names the token by its hash, so revoking the token or deactivating the
 * user refuses the JWT from then on.
 */
@Injectable()
export class JwtService {
  constructor(
    private readonly codec: JwtCodec,
    private readonly credentials: CredentialService,
    private readonly tokens: AuthTokenRepository,
    private readonly clock: Clock,
  ) {}

  async issue(appId: string, uid: string, authToken: string): Promise<{ jwt: string }> {
    const principal = await this.credentials.verify({ appId, authToken });
    if (principal.uid !== uid) throw new DomainError('ERR_AUTHTOKEN_NOT_ACCESSIBLE');
    const iat = this.clock.nowSeconds();
    const jwt = this.codec.sign({
      appId: principal.appId,
      uid,
      tokenHash: sha256(authToken),
      iat,
      exp: iat + JWT_TTL_SECONDS,
    });
    return { jwt };
  }

  async verify(jwt: string): Promise<RealtimePrincipal> {
    const claims = this.codec.verify(jwt, this.clock.nowSeconds());
    if (!claims) throw new DomainError('AUTH_ERR_INVALID_JWT');
    // The token still exists, is still the user's, and the user is not deactivated.
    const owner = await this.tokens.activeOwner(claims.appId, claims.tokenHash);
    if (owner !== claims.uid) throw new DomainError('AUTH_ERR_AUTH_TOKEN_NOT_FOUND');
    return { appId: claims.appId, uid: claims.uid, tokenHash: claims.tokenHash };
  }
}
