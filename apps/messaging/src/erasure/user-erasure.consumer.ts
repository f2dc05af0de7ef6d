import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { UserErasure } from './user-erasure';

/**
 * Erases users when the users service deletes them permanently (`evt.users.<appId>.user.deleted`
 * with `permanent`), through its own durable consumer, so a slow erasure never holds up the read
 * models. A failed erasure is redelivered; the steps are idempotent.
 */
@Injectable()
export class UserErasureConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly erasure: UserErasure,
  ) {}

  async onApplicationBootstrap() {
    const deleted = EVENTS.users.userDeleted;
    this.sub = await this.bus.consumeDurable(
      { stream: 'EVT_USERS', durable: 'messaging-user-erasure', filterSubjects: [deleted.allApps] },
      async (_subject, data) => {
        const { appId, uid, permanent } = deleted.schema.parse(data);
        if (permanent) await this.erasure.erase(appId, uid);
      },
    );
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
