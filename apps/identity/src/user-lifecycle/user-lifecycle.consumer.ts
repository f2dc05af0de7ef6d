import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { AuthTokenService } from '../auth-tokens/auth-token.service';

/** A deleted user's tokens stop working: flush them when users announces the deletion. */
@Injectable()
export class UserLifecycleConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly tokens: AuthTokenService,
  ) {}

  async onApplicationBootstrap() {
    this.sub = await this.bus.consumeDurable(
      {
        stream: 'EVT_USERS',
        durable: 'identity-user-lifecycle',
        filterSubjects: [EVENTS.users.userDeleted.allApps],
      },
      async (_subject, data) => {
        const event = EVENTS.users.userDeleted.schema.parse(data);
        await this.tokens.flush(event.appId, event.uid, { checkUser: false });
      },
    );
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
