import { createHash } from 'node:crypto';
import { PublicOrigin } from './public-origin';

/** The REST version segment the SDK puts after `CLIENT_API_HOST` / `ADMIN_API_HOST`. */
export const CHAT_API_VERSION = 'v3.0';

/**
 * The `settings` object of `PUT /v3.0/me` and `GET /v3.0/settings` (realtime reference §4.1):
 * what the CometChat SDK reads to find Parley's hosts. The SDK concatenates, never parses:
 * REST is `"https://" + CLIENT_API_HOST + "/" + CHAT_API_VERSION + "/" + endpoint`, the socket
 * `"wss://" + CHAT_HOST + ":" + CHAT_WSS_PORT`.
 */
export interface ClientSettings {
  CHAT_HOST: string;
  CHAT_WSS_PORT: string;
  CLIENT_API_HOST: string;
  ADMIN_API_HOST: string;
  CHAT_API_VERSION: string;
  ANALYTICS_HOST: string;
  ANALYTICS_VERSION: string;
  ANALYTICS_PING_DISABLED: boolean;
  APP_VERSION: string;
  MODE: string;
  REGION: string;
  settingsHash: string;
  settingsHashReceivedAt: number;
}

export function buildClientSettings(origin: PublicOrigin, nowSeconds: number): ClientSettings {
  const { hostname, port, pathPrefix } = origin;
  const hostPort = port === 443 ? hostname : `${hostname}:${port}`;
  const apiHost = `${hostPort}${pathPrefix}`;
  const settings = {
    // Behind a path prefix the socket URL needs a path, which the SDK cannot express; the text it
    // concatenates can: `wss://h:443/prefix/ws?port=:443` (reference §5, observed working).
    CHAT_HOST: pathPrefix ? `${hostname}:${port}${pathPrefix}/ws?port=` : hostname,
    CHAT_WSS_PORT: String(port),
    CLIENT_API_HOST: apiHost,
    ADMIN_API_HOST: apiHost,
    CHAT_API_VERSION,
    // The SDK's analytics ping is switched off; should a client ping anyway, Parley answers it.
    ANALYTICS_HOST: apiHost,
    ANALYTICS_VERSION: CHAT_API_VERSION,
    ANALYTICS_PING_DISABLED: true,
    // A stored session with APP_VERSION missing or below 4 (but not 3) makes the SDK log in again.
    APP_VERSION: '4',
    // NO_TRANSIENT or LIMITED_TRANSIENT would make the SDK refuse typing and receipts.
    MODE: '',
    REGION: 'parley',
  };
  const settingsHash = createHash('sha256').update(JSON.stringify(settings)).digest('hex');
  return { ...settings, settingsHash, settingsHashReceivedAt: nowSeconds };
}
