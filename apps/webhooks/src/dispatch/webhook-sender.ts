import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@parley/common';
import { WEBHOOKS_ENV, WebhooksEnv } from '../config/webhooks-env';
import { AttemptOutcome, ClaimedDelivery } from '../deliveries/delivery.entity';
import { webhookSignature } from './signature';

/** Longest part of a failure's explanation kept in the delivery log. */
const MAX_ERROR_CHARS = 300;

/** Headers of every delivery (docs/events.md, "Webhooks"). */
export const WEBHOOK_HEADERS = {
  delivery: 'x-parley-delivery',
  timestamp: 'x-parley-timestamp',
  signature: 'x-parley-signature',
  trigger: 'x-parley-trigger',
  attempt: 'x-parley-attempt',
} as const;

/** One HTTP attempt of a delivery: a signed JSON POST; any 2xx answer within the timeout is success. */
@Injectable()
export class WebhookSender {
  constructor(
    @Inject(WEBHOOKS_ENV) private readonly env: WebhooksEnv,
    private readonly clock: Clock,
  ) {}

  async send(d: ClaimedDelivery): Promise<AttemptOutcome> {
    const attemptedAt = this.clock.now();
    const timestamp = this.clock.nowSeconds();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Parley-Webhooks/1',
      [WEBHOOK_HEADERS.delivery]: d.id,
      [WEBHOOK_HEADERS.timestamp]: String(timestamp),
      [WEBHOOK_HEADERS.signature]: webhookSignature(d.signingSecret, timestamp, d.body),
      [WEBHOOK_HEADERS.trigger]: d.trigger,
      [WEBHOOK_HEADERS.attempt]: String(d.attempt),
    };
    if (d.basicAuth) {
      const credentials = `${d.basicAuth.username}:${d.basicAuth.password}`;
      headers.authorization = `Basic ${Buffer.from(credentials).toString('base64')}`;
    }
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    try {
      // The one timeout covers connecting, sending and the whole answer (a receiver that accepts
      // and never answers, or trickles its body, fails like one that is down).
      const res = await fetch(d.url, {
        method: 'POST',
        headers,
        body: d.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.env.WEBHOOKS_TIMEOUT_MS),
      });
      const text = await res.text();
      const ok = res.status >= 200 && res.status < 300;
      return {
        attemptedAt,
        durationMs: elapsed(),
        statusCode: res.status,
        ok,
        ...(ok ? {} : { error: `HTTP ${res.status}: ${text.slice(0, MAX_ERROR_CHARS)}` }),
      };
    } catch (err) {
      return { attemptedAt, durationMs: elapsed(), ok: false, error: describe(err) };
    }
  }
}

/** Why an attempt got no answer, for the delivery log. Duck-typed: fetch's errors may come from another realm. */
function describe(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  const detail = e?.cause?.code ?? e?.cause?.message;
  const message = e?.message ?? 'failed';
  return (detail ? `${message}: ${detail}` : message).slice(0, MAX_ERROR_CHARS);
}
