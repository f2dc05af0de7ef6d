import { toSeconds } from '@parley/common';
import { AuthToken } from '@parley/contracts';
import { AuthTokenEntity } from './auth-token.entity';

export function toAuthToken(e: AuthTokenEntity, plain?: string): AuthToken {
  const t: AuthToken = {
    uid: e.uid,
    authToken: plain ?? e.masked,
    createdAt: toSeconds(e.createdAt),
    updatedAt: toSeconds(e.updatedAt),
  };
  if (e.platform !== null) t.platform = e.platform;
  if (e.userAgent !== null) t.userAgent = e.userAgent;
  if (e.appInfo !== null) t.appInfo = e.appInfo;
  return t;
}
