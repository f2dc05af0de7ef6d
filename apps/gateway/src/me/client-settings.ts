import { createHash } from 'node:crypto';
import { PublicOrigin } from './public-origin';

/** The REST version segment the SDK puts after `CLIENT_API_HOST` / `ADMIN_API_HOST`. */
export const CHAT_API_VERSION = 'v3.0';
/** The segment the SDK puts in `https://CHAT_HOST/api/<v>/online-members` (online counts). */
export const WS_API_VERSION = 'v1';

/**
 * The `settings` object of `PUT /v3.0/me` and `GET /v3.0/settings` (realtime reference §4.1):
 * what the CometChat SDK reads to find Parley's hosts. The SDK concatenates, never parses:
 * REST is `"https://" + CLIENT_API_HOST + "/" + CHAT_API_VERSION + "/" + endpoint`, the socket
 * `"wss://" + CHAT_HOST + ":" + CHAT_WSS_PORT`, online counts
 * `"https://" + CHAT_HOST + "/api/" + WS_API_VERSION + "/online-members"`.
 */
export interface ClientSettings {
  CHAT_HOST: string;
  CHAT_WSS_PORT: string;
  CLIENT_API_HOST: string;
  ADMIN_API_HOST: string;
  CHAT_API_VERSION: string;
  WS_API_VERSION: string;
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
    // CHAT_HOST serves two URLs: `wss://CHAT_HOST:PORT` and `https://CHAT_HOST/api/…`. On 443
    // with no prefix the bare host serves both; otherwise the host carries the port and prefix and
    // ends in `/ws`, giving `wss://h:p/prefix/ws:p` (the gateway accepts `/ws:<port>`) and
    // `https://h:p/prefix/ws/api/…` (it serves online counts there too).
    CHAT_HOST: port === 443 && !pathPrefix ? hostname : `${hostname}:${port}${pathPrefix}/ws`,
    CHAT_WSS_PORT: String(port),
    CLIENT_API_HOST: apiHost,
    ADMIN_API_HOST: apiHost,
    CHAT_API_VERSION,
    WS_API_VERSION,
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
