import type { PresenceSubscription } from '@parley/contracts';

/** One authenticated socket, as the connection registry sees it. */
export interface Connection {
  readonly appId: string;
  readonly uid: string;
  /** This socket's id on this gateway (what presence counts per user). */
  readonly connectionId: string;
  /** sha-256 of the auth token the socket logged in with (revocations name it). */
  readonly tokenHash: string;
  /** The client's session id: frames carrying it were caused by this socket and skip it. */
  readonly deviceId: string | undefined;
  /** Whose presence frames the socket asked for in its `auth` frame. */
  readonly presenceSubscription: PresenceSubscription;
  /** Bytes queued on the socket and not yet written to the network. */
  bufferedAmount(): number;
  /** Push one text frame (JSON bytes as a producer published them). */
  send(frame: Buffer): void;
  /** Close with a code the client can act on; the registry has already let go of it. */
  close(code: number, reason: string): void;
}
