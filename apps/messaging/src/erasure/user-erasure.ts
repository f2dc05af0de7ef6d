import { Inject, Injectable } from '@nestjs/common';
import { rootLogger, Transactor } from '@parley/common';
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
 * erases their messages, reactions and receipts"): every step, in one transaction.
 */
@Injectable()
export class UserErasure {
  private readonly log = rootLogger().child({ component: 'user-erasure' });

  constructor(
    private readonly tx: Transactor,
    @Inject(USER_ERASURE_STEPS) private readonly steps: UserErasureStep[],
  ) {}

  async erase(appId: string, uid: string): Promise<void> {
    await this.tx.run(async (tx) => {
      for (const step of this.steps) await step.erase(tx, appId, uid);
    });
    this.log.info({ appId, uid, erased: this.steps.map((s) => s.erases) }, 'user erased');
  }
}
