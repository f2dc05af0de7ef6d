import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { rootLogger } from '@parley/common';
import { WebSocket, WebSocketServer } from 'ws';
import { ClientReceipts } from './client-receipts';
import { ClientFrameRelay } from './client-frame-relay';
import { ClientSession } from './client-session';
import { ConnectionRegistry } from './connection-registry';
import { RealtimeAuth } from './realtime-auth';
import { REALTIME_LIMITS_TOKEN, RealtimeLimits } from './realtime-limits';
import { SessionPresence } from './session-presence';

/**
 * Where the upgrade is accepted: `/` (the CometChat SDK connects to `wss://CHAT_HOST:CHAT_WSS_PORT`
 * with no path), `/ws`, and `/ws:<port>`, which is what the SDK builds from settings whose
 * `CHAT_HOST` carries a port or a path (client-settings.ts). A query string is ignored.
 */
const SOCKET_PATH = /^\/(ws(:\d{1,5})?)?$/;

/** The WebSocket endpoint on the gateway's own HTTP(S) server (paths: SOCKET_PATH). */
@Injectable()
export class RealtimeServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly sessions = new Set<ClientSession>();
  private wss?: WebSocketServer;
  private heartbeat?: NodeJS.Timeout;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly registry: ConnectionRegistry,
    private readonly auth: RealtimeAuth,
    private readonly receipts: ClientReceipts,
    private readonly presence: SessionPresence,
    private readonly relay: ClientFrameRelay,
    @Inject(REALTIME_LIMITS_TOKEN) private readonly limits: RealtimeLimits,
  ) {}

  onApplicationBootstrap(): void {
    // http.Server or https.Server, whichever Fastify made (TLS_CERT_FILE decides).
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server) return; // no HTTP server: an application context (tests)
    this.wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      // Off: sessions queue ready-made text frames on the TCP socket (text-frames.ts).
      perMessageDeflate: false,
    });
    server.on('upgrade', (req, socket, head) => this.upgrade(req, socket, head));
    this.heartbeat = setInterval(() => {
      for (const s of this.sessions) s.heartbeat();
    }, this.limits.heartbeatMs);
    this.heartbeat.unref();
  }

  /**
   * Closes every socket with 1001 so clients reconnect to another gateway at once, and tells
   * presence the gateway is gone (its users go offline now, not after the TTL).
   */
  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.heartbeat);
    this.registry.closeAll(1001, 'server shutting down');
    for (const s of this.sessions) s.close(1001, 'server shutting down');
    this.wss?.close();
    await this.presence.gatewayStopping();
  }

  private upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = (req.url ?? '/').split('?')[0];
    if (!this.wss || !SOCKET_PATH.test(path)) {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.open(ws));
  }

  private open(ws: WebSocket): void {
    const session = new ClientSession(ws, {
      auth: this.auth,
      registry: this.registry,
      receipts: this.receipts,
      presence: this.presence,
      relay: this.relay,
      limits: this.limits,
      log: this.log,
    });
    this.sessions.add(session);
    ws.on('close', () => this.sessions.delete(session));
    session.start();
  }
}
