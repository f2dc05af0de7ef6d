import { Inject, Injectable } from '@nestjs/common';
import { countUserRows, erasedBetween, ErasureCounts, UserDataEraser } from '@parley/common';
import { EntityManager } from 'typeorm';

/**
 * Where the erased user's data ends: what predates their delete is theirs. The uid is free again
 * after a permanent delete, so an erasure applied late (or replayed by a new consumer) finds what
 * a new user of it made since, which it leaves.
 */
export interface ErasureBound {
  /** The end of the second of the delete: rows made or changed at or after it are not the user's. */
  before: Date;
  /** The delete's sequence in EVT_USERS: read-model rows of that stream from a later event are not. */
  position: number;
}

/** No bound: everything naming the uid (an erasure called without the delete's time). */
export const UNBOUNDED: ErasureBound = {
  before: new Date(8.64e15),
  position: Number.MAX_SAFE_INTEGER,
};

/**
 * One part of erasing a permanently deleted user from messaging: what it removes is the user's
 * (their messages' content, their reactions, their read positions, ...), and only what predates
 * the delete (`bound`). Each part is a provider listed under USER_ERASURE_STEPS in the app module;
 * a feature that stores something of a user's joins by adding its step there. A step must be
 * idempotent: an event may be applied twice.
 */
export interface UserErasureStep {
  /** For the logs: what the step erases. */
  readonly erases: string;
  erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void>;
}

/** The injection token of the steps (an array of UserErasureStep). */
export const USER_ERASURE_STEPS = Symbol('USER_ERASURE_STEPS');

/**
 * Erases a permanently deleted user's data from messaging ("a user's permanent delete
 * erases their messages, reactions and receipts"): every step, in the erasure's transaction, of
 * what predates the delete. What it erased, per table: the rows that named the user and no longer
 * do, and the messages they sent before the delete, emptied of their content (those rows keep
 * their place in the numbering, and so still name their sender).
 */
@Injectable()
export class UserErasure extends UserDataEraser {
  constructor(@Inject(USER_ERASURE_STEPS) private readonly steps: UserErasureStep[]) {
    super();
  }

  async erase(
    tx: EntityManager,
    appId: string,
    uid: string,
    before = UNBOUNDED.before,
    position = UNBOUNDED.position,
  ): Promise<ErasureCounts> {
    const bound = { before, position };
    const named = await countUserRows(tx, 'messaging', appId, uid);
    for (const step of this.steps) await step.erase(tx, appId, uid, bound);
    const erased = erasedBetween(named, await countUserRows(tx, 'messaging', appId, uid));
    const [{ sent }] = (await tx.query(
      `SELECT count(*)::int AS "sent" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "sender" = $2 AND "sent_at" < $3`,
      [appId, uid, before],
    )) as Array<{ sent: number }>;
    if (sent) erased.messages = sent;
    else delete erased.messages;
    return erased;
  }
}
