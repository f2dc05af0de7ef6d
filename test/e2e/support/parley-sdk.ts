import {
  ClientOptions,
  LoginCredential,
  Message,
  ParleyAdmin,
  ParleyClient,
  ParleyClientEvents,
} from '@parley/sdk';
import WebSocket from 'ws';
import { AppKeys, gateways } from './parley';

/** Parley's own SDK against the e2e platform: the admin side with the app's REST key. */
export const sdkAdmin = (app: AppKeys, gateway = gateways()[0]) =>
  new ParleyAdmin({ baseUrl: gateway, appId: app.appId, apiKey: app.restKey });

/** A logged-in user session (Node 20 has no global WebSocket: `ws` is passed in). */
export function sdkLogin(
  app: AppKeys,
  credential: LoginCredential,
  options: Partial<ClientOptions> = {},
): Promise<ParleyClient> {
  return ParleyClient.login(
    {
      baseUrl: gateways()[0],
      appId: app.appId,
      WebSocket,
      reconnect: { initialMs: 50, maxMs: 500 },
      ...options,
    },
    credential,
  );
}

/** Records what a client emits, and lets a test wait until something has come. */
export class Inbox {
  readonly messages: Message[] = [];
  readonly events: Array<{ event: keyof ParleyClientEvents; payload: unknown }> = [];
  private waiters: Array<() => void> = [];

  constructor(client: ParleyClient) {
    const events: Array<keyof ParleyClientEvents> = [
      'message',
      'messageEdited',
      'messageDeleted',
      'groupAction',
      'typing',
      'receipt',
      'reaction',
      'presence',
      'connection',
    ];
    for (const event of events) {
      client.on(event, (payload) => {
        if (event === 'message') this.messages.push(payload as Message);
        this.events.push({ event, payload });
        for (const w of [...this.waiters]) w();
      });
    }
  }

  /** The texts of the messages received, in the order they came. */
  texts(conversationId?: string): string[] {
    return this.messages
      .filter((m) => conversationId === undefined || m.conversationId === conversationId)
      .map((m) => String(m.data.text));
  }

  /** Resolves once `check` holds (checked at every event), or rejects after `timeoutMs`. */
  until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(
          new Error(`${what}: not within ${timeoutMs} ms; got ${JSON.stringify(this.texts())}`),
        );
      }, timeoutMs);
      const waiter = () => {
        if (!check()) return;
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        resolve();
      };
      this.waiters.push(waiter);
    });
  }

  /** Waits for the first event of a kind matching `match`. */
  async next<K extends keyof ParleyClientEvents>(
    event: K,
    match: (p: ParleyClientEvents[K]) => boolean = () => true,
  ): Promise<ParleyClientEvents[K]> {
    const find = () =>
      this.events.find((e) => e.event === event && match(e.payload as ParleyClientEvents[K]));
    await this.until(() => find() !== undefined, `a ${String(event)} event`);
    return find()!.payload as ParleyClientEvents[K];
  }
}
