import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { UserRepository } from '../users/user.repository';

/**
 * Keeps `lastActiveAt` on the user (ARCHITECTURE.md §7) from presence's online and offline events,
 * so it survives presence's Redis; a late or redelivered event never moves it back.
 */
@Injectable()
export class LastActiveConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly users: UserRepository,
  ) {}

  async onApplicationBootstrap() {
    const { userOnline } = EVENTS.presence;
    this.sub = await this.bus.consumeDurable(
      {
        stream: 'EVT_PRESENCE',
        durable: 'users-last-active',
        filterSubjects: ['evt.presence.*.user.*'],
      },
      async (_subject, data) => {
        // Online and offline carry the same payload.
        const event = userOnline.schema.parse(data);
        await this.users.recordLastActive(event.appId, event.uid, new Date(event.at * 1000));
      },
    );
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
