import type { IncomingHttpHeaders } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, MessageBus } from '@parley/common';
import { MeUpdateBody, RPC, User } from '@parley/contracts';
import { GATEWAY_ENV, GatewayEnv } from '../config/gateway-env';
import { buildClientSettings, ClientSettings } from './client-settings';
import { profileUpdate } from '../users/profile-update';
import { publicOriginOf } from './public-origin';

/** The SDK's logged-in user: the user, their token, the real-time JWT and where to find Parley. */
export type Me = User & { authToken: string; jwt: string; settings: ClientSettings };

/** A user on one auth token, as the credential guard established it. */
export interface Session {
  appId: string;
  uid: string;
  authToken: string;
}

/** Auth token limits (AuthTokenUpdateBodySchema): longer device details are cut, not refused. */
const MAX_PLATFORM = 100;
const MAX_USER_AGENT = 1000;
const MAX_APP_INFO_BYTES = 5 * 1024;

/**
 * The client API's session calls (`/v3.0/me`, `/v3.0/settings`): the gateway composes them from
 * identity (token, JWT) and users (the user); it owns nothing itself.
 */
@Injectable()
export class MeService {
  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    @Inject(GATEWAY_ENV) private readonly env: GatewayEnv,
  ) {}

  /**
   * Login step 2: record the device on the token, then hand out the user, a JWT and settings. The
   * same call carries the SDK's `updateCurrentUserDetails`: profile fields in the body (`profile`,
   * the raw body) change the user's own profile first.
   */
  async login(
    s: Session,
    body: MeUpdateBody,
    headers: IncomingHttpHeaders,
    profile?: unknown,
  ): Promise<Me> {
    await this.bus.request(RPC.identity.tokenUpdate, {
      appId: s.appId,
      uid: s.uid,
      authToken: s.authToken,
      ...deviceOf(body, headers['user-agent']),
    });
    if (profile !== undefined) {
      const user = { appId: s.appId, uid: s.uid };
      const change = await profileUpdate(this.bus, user, profile, 'A user');
      if (Object.keys(change).length > 0)
        await this.bus.request(RPC.users.userUpdate, { ...user, ...change });
    }
    const [user, { jwt }] = await Promise.all([
      this.me(s),
      this.bus.request(RPC.identity.jwtIssue, s),
    ]);
    // The SDK adopts `data.authToken` and must get back the token it logged in with.
    return { ...user, authToken: s.authToken, jwt, settings: this.settings(headers) };
  }

  me(s: Pick<Session, 'appId' | 'uid'>): Promise<User> {
    return this.bus.request(RPC.users.userGet, { appId: s.appId, uid: s.uid, viewer: s.uid });
  }

  /** Logout: this device's token is deleted (its sockets close on the revocation). */
  logout(s: Session) {
    return this.bus.request(RPC.identity.tokenDelete, s);
  }

  settings(headers: IncomingHttpHeaders): ClientSettings {
    return buildClientSettings(
      publicOriginOf(this.env.PUBLIC_URL, headers),
      this.clock.nowSeconds(),
    );
  }
}

/** What the token keeps about the device; oversize details are cut or left out. */
function deviceOf(body: MeUpdateBody, userAgentHeader: string | undefined) {
  const appInfo =
    body.appInfo && Buffer.byteLength(JSON.stringify(body.appInfo)) <= MAX_APP_INFO_BYTES
      ? body.appInfo
      : undefined;
  const fromAppInfo = typeof appInfo?.userAgent === 'string' ? appInfo.userAgent : undefined;
  const userAgent = body.userAgent ?? fromAppInfo ?? userAgentHeader;
  return {
    ...(body.platform !== undefined && { platform: body.platform.slice(0, MAX_PLATFORM) }),
    ...(userAgent !== undefined && { userAgent: userAgent.slice(0, MAX_USER_AGENT) }),
    ...(appInfo !== undefined && { appInfo }),
  };
}
