import { EPHEMERAL_FRAME_TYPES } from '@parley/contracts';
import { Connection } from './connection';
import { RealtimeLimits } from './realtime-limits';
import { RealtimeMetrics } from './realtime.metrics';

const EPHEMERAL = new Set<string>(EPHEMERAL_FRAME_TYPES);

/** Typing, transient and presence frames: relayed live, worthless late, never stored. */
export const isEphemeralFrame = (type: string): boolean => EPHEMERAL.has(type);

/**
 * Pushes an ephemeral frame unless the socket is behind (ARCHITECTURE.md §7 backpressure): a
 * socket that does not read drops such frames instead of buffering them, so it slows nobody.
 */
export function pushEphemeral(
  conn: Connection,
  type: string,
  frame: Buffer,
  limits: RealtimeLimits,
  metrics: RealtimeMetrics,
): void {
  if (conn.bufferedAmount() > limits.ephemeralBufferedBytes) {
    metrics.framesDropped.inc({ type });
    return;
  }
  conn.send(frame);
}
