import { MAX_CLIENT_FRAME_BYTES } from '@parley/contracts';

/** The WebSocket's limits and timings (ARCHITECTURE.md §7), in one place. */
export interface RealtimeLimits {
  /** How long a new socket may take to send its `auth` frame. */
  authTimeoutMs: number;
  /** Largest client frame; the ws library closes a socket that sends more (1009). */
  maxFrameBytes: number;
  /**
   * Bytes a socket may have queued and unsent when a message frame is due. Past it the socket is
   * closed instead of buffering without bound: messages are never dropped, so a client that
   * cannot keep up reconnects and syncs by `seq`.
   */
  maxBufferedBytes: number;
  /**
   * Bytes a socket may have queued when a typing, transient or presence frame is due. Past it
   * that frame is dropped for this socket (it is worthless late); messages still go, up to
   * `maxBufferedBytes`.
   */
  ephemeralBufferedBytes: number;
  /**
   * Typing and transient frames a socket may send per second (with a burst of twice as many);
   * more are dropped, so one client cannot flood the others.
   */
  relayedFramesPerSecond: number;
  /** Protocol-level ping interval; a socket that missed the previous pong is cut. */
  heartbeatMs: number;
  /** After a close frame, how long the peer gets to complete the handshake before the cut. */
  closeGraceMs: number;
  /**
   * How long a revoked token (or deleted app) is remembered, so a socket whose JWT was verified
   * just before the revocation arrived is still refused.
   */
  revocationMemoryMs: number;
}

export const REALTIME_LIMITS: RealtimeLimits = {
  authTimeoutMs: 10_000,
  maxFrameBytes: MAX_CLIENT_FRAME_BYTES,
  maxBufferedBytes: 1024 * 1024,
  ephemeralBufferedBytes: 64 * 1024,
  relayedFramesPerSecond: 20,
  heartbeatMs: 30_000,
  closeGraceMs: 5_000,
  revocationMemoryMs: 60_000,
};

export const REALTIME_LIMITS_TOKEN = Symbol('REALTIME_LIMITS');
