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

  /**
   * The app and user the frame's JWT names, read without checking it: a hint to start loading
   * the user's subscriptions while identity checks it, never a login. Undefined when the JWT
   * names none, or an app other than the one the frame names.
   */
  claimed(frame: AuthFrame): { appId: string; uid: string } | undefined {
    const jwt = frame.body.auth.trim();
    const parts = jwt.split('.');
    if (jwt.length > MAX_JWT_LENGTH || parts.length !== 3) return undefined;
    let claims: unknown;
    try {
      claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    const { appId, uid } = (claims ?? {}) as Record<string, unknown>;
    if (typeof appId !== 'string' || typeof uid !== 'string' || !appId || !uid) return undefined;
    if (frame.appId && frame.appId.trim().toLowerCase() !== appId) return undefined;
    return { appId, uid };
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
