/**
 * The page's WebSocket to the gateway, as a CometChat client speaks it: the `auth` frame with the
 * session's JWT first, pings while open, and reconnection with backoff. Every time the socket is
 * (again) authenticated the owner is told, so it can fetch what it may have missed meanwhile.
 */

export type Frame = { type?: string; action?: string; body?: unknown };
export type LiveState = 'connecting' | 'live' | 'offline' | 'closed';

export interface LiveOptions {
  appId: string;
  uid: string;
  jwt: string;
  deviceId: string;
  onFrame(frame: Frame): void;
  onState(state: LiveState): void;
}

const PING_MS = 20_000;
const MAX_BACKOFF_MS = 10_000;

export class LiveConnection {
  private ws?: WebSocket;
  private stopped = false;
  private failures = 0;
  private ping?: number;

  constructor(private readonly opts: LiveOptions) {}

  start(): void {
    this.stopped = false;
    this.connect();
  }

  stop(): void {
    this.stopped = true;
    window.clearInterval(this.ping);
    this.ws?.close(1000);
    this.opts.onState('closed');
  }

  private connect(): void {
    const { appId, uid, jwt, deviceId } = this.opts;
    this.opts.onState('connecting');
    const url = new URL('../ws', location.href);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const ws = new WebSocket(url);
    this.ws = ws;
    ws.onopen = () =>
      ws.send(
        JSON.stringify({
          appId,
          deviceId,
          type: 'auth',
          sender: uid,
          body: { auth: jwt, deviceId },
        }),
      );
    ws.onmessage = (ev) => {
      let frame: Frame;
      try {
        frame = JSON.parse(String(ev.data)) as Frame;
      } catch {
        return;
      }
      if (frame.type === 'auth') {
        if ((frame.body as { status?: string } | undefined)?.status !== 'OK') return;
        this.failures = 0;
        this.ping = window.setInterval(() => ws.send('{"action":"ping"}'), PING_MS);
        this.opts.onState('live');
        return;
      }
      if (frame.action === 'pong') return;
      this.opts.onFrame(frame);
    };
    ws.onclose = (ev) => {
      window.clearInterval(this.ping);
      if (this.stopped || this.ws !== ws) return;
      // 4401: the token was revoked or the user is gone; reconnecting cannot help.
      if (ev.code === 4401) return this.opts.onState('closed');
      this.opts.onState('offline');
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** this.failures++);
      window.setTimeout(() => !this.stopped && this.connect(), delay);
    };
  }
}
