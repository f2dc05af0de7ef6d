import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, IncomingHttpHeaders, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';

/** One request a WebhookReceiver took. */
export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The exact bytes received, as text. */
  raw: string;
  body: { trigger: string; data: Record<string, unknown>; appId: string; webhook: string } & Record<
    string,
    unknown
  >;
}

/**
 * How the receiver answers its `n`th request (from 1): a status code, or `hang` to keep the
 * request open until `release()` (or the sender gives up).
 */
export type ReceiverBehaviour = (n: number, req: ReceivedWebhook) => number | 'hang';

/**
 * A real HTTP server standing in for a customer's webhook endpoint: records what it receives,
 * answers as told, can go down and come back on the same port.
 */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  /** Most requests open at the same time. */
  maxOpen = 0;
  private open = 0;
  private held: ServerResponse[] = [];
  private server?: Server;
  private port = 0;

  private constructor(private behaviour: ReceiverBehaviour) {}

  static async start(behaviour: ReceiverBehaviour = () => 200): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver(behaviour);
    await receiver.up();
    return receiver;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  answer(behaviour: ReceiverBehaviour): void {
    this.behaviour = behaviour;
  }

  /** Delivery ids received, each once. */
  deliveryIds(): string[] {
    return [...new Set(this.requests.map((r) => String(r.headers['x-parley-delivery'])))];
  }

  /** Starts listening (again, on the same port after `down`). */
  async up(): Promise<void> {
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const received = { headers: req.headers, raw, body: JSON.parse(raw) as never };
        this.requests.push(received);
        this.open += 1;
        this.maxOpen = Math.max(this.maxOpen, this.open);
        res.on('close', () => (this.open -= 1));
        const answer = this.behaviour(this.requests.length, received);
        if (answer === 'hang') this.held.push(res);
        else res.writeHead(answer, { 'content-type': 'text/plain' }).end(String(answer));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
  }

  /** Answers every held request with `status`. */
  release(status = 200): void {
    for (const res of this.held.splice(0)) {
      if (!res.writableEnded) res.writeHead(status).end();
    }
  }

  /** Stops listening and drops open connections: the endpoint is down. */
  async down(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    this.held.splice(0).forEach((res) => res.destroy());
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/**
 * Checks a delivery's `X-Parley-Signature` as a receiver would: HMAC-SHA256 with the endpoint's
 * signing secret over `<X-Parley-Timestamp>.<raw body>`.
 */
export function hasValidSignature(received: ReceivedWebhook, secret: string): boolean {
  const timestamp = String(received.headers['x-parley-timestamp']);
  const given = String(received.headers['x-parley-signature']);
  const expected = `v1=${createHmac('sha256', secret).update(`${timestamp}.${received.raw}`).digest('hex')}`;
  return (
    given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected))
  );
}
