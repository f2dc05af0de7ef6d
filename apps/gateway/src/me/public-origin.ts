import type { IncomingHttpHeaders } from 'node:http';

/** Where clients reach the gateway: host, port and the path prefix an ingress strips (or ''). */
export interface PublicOrigin {
  hostname: string;
  port: number;
  pathPrefix: string;
}

const HOST = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(?::(\d{1,5}))?$/;

/**
 * From `PUBLIC_URL` when it is set, else from the request's (forwarded) Host. A Host without a port
 * is taken as 443: the CometChat SDK speaks only https/wss, so a port-less host is one behind a TLS
 * ingress. A Host that is not a plain host[:port] gives `localhost`, so a forged header cannot put
 * anything else into the settings.
 */
export function publicOriginOf(
  publicUrl: string | undefined,
  headers: IncomingHttpHeaders,
): PublicOrigin {
  if (publicUrl) {
    const url = new URL(publicUrl);
    return {
      hostname: url.hostname,
      port: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
      pathPrefix: url.pathname.replace(/\/+$/, ''),
    };
  }
  const raw = (headers['x-forwarded-host'] ?? headers.host)?.toString().split(',')[0].trim() ?? '';
  const m = HOST.exec(raw);
  const port = m?.[2] ? Number(m[2]) : 443;
  if (!m || port < 1 || port > 65535) return { hostname: 'localhost', port: 443, pathPrefix: '' };
  return { hostname: m[1], port, pathPrefix: '' };
}
