import { createHmac } from 'node:crypto';

/**
 * The `X-Parley-Signature` value: `v1=` and the hex HMAC-SHA256, keyed by the endpoint's signing
 * secret, of `<timestamp>.<body>` (`timestamp` is the `X-Parley-Timestamp` header, Unix seconds;
 * `body` the exact bytes sent). Signing the timestamp lets a receiver refuse replays.
 */
export function webhookSignature(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}
