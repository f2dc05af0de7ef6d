import type { IncomingHttpHeaders } from 'node:http';

/**
 * The app a request is for: the `appId` header, else the first label of a Host such as
 * `<appId>.chat.example.com` (three or more labels, not an IP address). Undefined when neither.
 */
export function appIdFrom(headers: IncomingHttpHeaders): string | undefined {
  const header = headers['appid'];
  const value = Array.isArray(header) ? header[0] : header;
  if (value && value.trim()) return value.trim().toLowerCase();
  const host = (headers['x-forwarded-host'] ?? headers.host)
    ?.toString()
    .split(',')[0]
    .trim()
    .replace(/:\d+$/, '');
  if (!host || /^[\d.]+$/.test(host) || host.startsWith('[')) return undefined;
  const labels = host.split('.');
  return labels.length >= 3 ? labels[0].toLowerCase() : undefined;
}
