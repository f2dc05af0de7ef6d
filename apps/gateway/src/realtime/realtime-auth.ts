import { Injectable } from '@nestjs/common';
import { DomainError, MessageBus } from '@parley/common';
import { AuthFrame, MAX_JWT_LENGTH, RealtimePrincipal, RPC } from '@parley/contracts';

/**
 * Who an `auth` frame is: identity checks the JWT (signature, expiry, and that its auth token
 * still exists), so the JWT secret lives in identity alone.
 */
@Injectable()
export class RealtimeAuth {
  constructor(private readonly bus: MessageBus) {}

  verify(frame: AuthFrame): Promise<RealtimePrincipal> {
    return this.verifyJwt(frame.body.auth, frame.appId);
  }

  /** The JWT's user; a JWT of another app than `appId` (when named) is refused. */
  async verifyJwt(raw: string, appId: string | undefined): Promise<RealtimePrincipal> {
    const jwt = raw.trim();
    // Not one of ours: no need to ask identity.
    if (jwt.length > MAX_JWT_LENGTH || jwt.split('.').length !== 3)
      throw new DomainError('AUTH_ERR_INVALID_JWT');
    const principal = await this.bus.request(RPC.identity.jwtVerify, { jwt });
    // The SDK names its app (envelope, header); a JWT of another app is no login for this one.
    if (appId && appId.trim().toLowerCase() !== principal.appId)
      throw new DomainError('AUTH_ERR_INVALID_JWT', 'The JWT belongs to another app.');
    return principal;
  }
}
