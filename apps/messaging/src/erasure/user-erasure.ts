import { Inject, Injectable } from '@nestjs/common';
import { countUserRows, erasedBetween, ErasureCounts, UserDataEraser } from '@parley/common';
import { EntityManager } from 'typeorm';

/**
 * One part of erasing a permanently deleted user from messaging: what it removes is the user's
 * (their messages' content, their reactions, their read positions, ...). Each part is a provider
 * listed under USER_ERASURE_STEPS in the app module; a feature that stores something of a user's
 * joins by adding its step there. A step must be idempotent: an event may be applied twice.
 */
export interface UserErasureStep {
  /** For the logs: what the step erases. */
  readonly erases: string;
  erase(tx: EntityManager, appId: string, uid: string): Promise<void>;
}

/** The injection token of the steps (an array of UserErasureStep). */
export const USER_ERASURE_STEPS = Symbol('USER_ERASURE_STEPS');

/**
 * Erases a permanently deleted user's data from messaging ("a user's permanent delete
 * erases their messages, reactions and receipts"): every step, in the erasure's transaction.
 * What it erased, per table: the rows that named the user and no longer do, and the messages
 * they sent, emptied of their content (those rows keep their place in the numbering, and so
 * still name their sender).
 */
@Injectable()
export class UserErasure extends UserDataEraser {
  constructor(@Inject(USER_ERASURE_STEPS) private readonly steps: UserErasureStep[]) {
    super();
  }

  async erase(tx: EntityManager, appId: string, uid: string): Promise<ErasureCounts> {
    const before = await countUserRows(tx, 'messaging', appId, uid);
    for (const step of this.steps) await step.erase(tx, appId, uid);
    const erased = erasedBetween(before, await countUserRows(tx, 'messaging', appId, uid));
    if (before.messages) erased.messages = before.messages;
    return erased;
  }
}
