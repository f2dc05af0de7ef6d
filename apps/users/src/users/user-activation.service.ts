import { Injectable } from '@nestjs/common';
import { Clock, Outbox, Transactor } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { UserRepository } from './user.repository';

/**
 * Bulk deactivation and reactivation (DELETE /users, PUT /users). A deactivated user behaves as not
 * found everywhere, and identity refuses their tokens once the event reaches it; unknown, deleted or
 * already-(de)activated uids are skipped, and the reply names the uids that changed.
 */
@Injectable()
export class UserActivationService {
  constructor(
    private readonly users: UserRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
  ) {}

  async deactivate(appId: string, uids: string[]): Promise<{ deactivatedUids: string[] }> {
    const changed = await this.tx.run(
      async (tx) => {
        const done = await this.users.deactivate(tx, appId, uids, this.clock.now());
        if (done.length)
          await this.outbox.stage(tx, EVENTS.users.userDeactivated, appId, { uids: done });
        return done;
      },
      { publishBeforeReturn: true },
    );
    return { deactivatedUids: changed };
  }

  /** `nonDeactivatedUids` is the reference's name for the uids that are active again. */
  async reactivate(appId: string, uids: string[]): Promise<{ nonDeactivatedUids: string[] }> {
    const changed = await this.tx.run(
      async (tx) => {
        const done = await this.users.reactivate(tx, appId, uids, this.clock.now());
        if (done.length)
          await this.outbox.stage(tx, EVENTS.users.userReactivated, appId, { uids: done });
        return done;
      },
      { publishBeforeReturn: true },
    );
    return { nonDeactivatedUids: changed };
  }
}
