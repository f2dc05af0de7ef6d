import { ErasureCounts } from '@parley/common';
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

/** A stored call as read, with the exact JSON a compare-and-set compares against. */
export interface StoredCall {
  call: Call;
  raw: string;
}

export type SwapResult = 'ok' | 'self' | { changed: StoredCall | null };

export type MoveResult = { moved: true } | { moved: false; current: Call | null };

/**
 * Call state (ARCHITECTURE.md §8): each call as JSON, the session each user's line and each
 * group's line is on, and the ring deadlines. In Redis when services run apart
 * (`RedisCallStore`), in memory in the one-process mode (`MemoryCallStore`). Each step is atomic,
 * so of two replicas racing on a call exactly one moves it.
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

  abstract read(appId: string, sessionId: string): Promise<StoredCall | null>;

  /**
   * Creates a group call: 'self' when the caller is on a call, 'busy' when the group is; else the
   * caller's line and the group's taken, the deadline set, 'ringing'. The caller is its first
   * participant.
   */
  abstract createGroup(
    appId: string,
    call: Call,
    deadlineMs: number,
  ): Promise<'self' | 'busy' | 'ringing'>;

  /**
   * Moves a group call from `from` (as read) to `next` if nobody moved it meanwhile (else
   * `changed`: the call now, null when gone). `line` claims `actor`'s line ('self' when it holds
   * another call) or frees it; a call that ends frees the group's line and its joined members',
   * and is kept for ENDED_RETENTION_SECONDS. The ring deadline is dropped unless `next` is still
   * `initiated` or `keepDeadline`.
   */
  abstract swapGroup(
    appId: string,
    from: StoredCall,
    next: Call,
    actor: string,
    line: 'claim' | 'free' | 'none',
    opts?: { keepDeadline?: boolean },
  ): Promise<SwapResult>;

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

  /** Forgets a group call whose first message could not be stored (nothing happened). */
  abstract discardGroup(appId: string, stored: StoredCall): Promise<void>;

  /** Ringing calls whose deadline (Unix ms) passed, as [appId, sessionId]; 100 at most. */
  abstract overdue(nowMs: number): Promise<Array<[string, string]>>;

  /** Drops a deadline (the call is no longer ringing). */
  abstract dropDeadline(appId: string, sessionId: string): Promise<void>;

  /** Forgets an app's calls, the users' and groups' lines and its ring deadlines. */
  abstract eraseApp(appId: string): Promise<ErasureCounts>;
}
