import { Call, CallStatus } from '@parley/contracts';

/** How long an ended call stays known (its session id answers ERR_CALL_TERMINATED). */
export const ENDED_RETENTION_SECONDS = 86_400;

/** Statuses after which nothing more happens to a call. */
export const TERMINAL: ReadonlySet<CallStatus> = new Set([
  'unanswered',
  'rejected',
  'busy',
  'cancelled',
  'ended',
]);

export type MoveResult = { moved: true } | { moved: false; current: Call | null };

/**
 * Call state (ARCHITECTURE.md §8): each call, the session each user's line is on, and the ring
 * deadlines. In Redis when services run apart (`RedisCallStore`), in memory in the one-process
 * mode (`MemoryCallStore`). Each step is atomic, so of two replicas exactly one moves a call.
 */
export abstract class CallStore {
  /**
   * Creates a call. 'self' when the caller is on a call already; 'busy' when the callee is (the
   * call is stored as busy, nobody's line taken); else 'ringing': both lines taken, the deadline
   * (Unix ms) set.
   */
  abstract create(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'>;

  abstract get(appId: string, sessionId: string): Promise<Call | null>;

  /**
   * Moves a call from status `from` to `next`; when `next` ends it, frees both lines (if still
   * this call's) and keeps the call for ENDED_RETENTION_SECONDS. Drops the ring deadline unless
   * `keepDeadline` (the timeout sweep drops it only once the message is stored). Not moved when
   * the status was not `from` (someone else moved first; `current` is the call then, null when
   * there is no such call).
   */
  abstract move(
    appId: string,
    from: CallStatus,
    next: Call,
    opts?: { keepDeadline?: boolean },
  ): Promise<MoveResult>;

  /** Forgets a call whose first message could not be stored (nothing happened). */
  abstract discard(appId: string, call: Call): Promise<void>;

  /** Ringing calls whose deadline (Unix ms) passed, as [appId, sessionId]; 100 at most. */
  abstract overdue(nowMs: number): Promise<Array<[string, string]>>;

  /** Drops a deadline (the call is no longer ringing). */
  abstract dropDeadline(appId: string, sessionId: string): Promise<void>;
}
