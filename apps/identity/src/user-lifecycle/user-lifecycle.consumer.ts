import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Outbox, Subscription, Transactor } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { AuthTokenService } from '../auth-tokens/auth-token.service';
import { InactiveUserRepository } from './inactive-user.repository';

/**
 * Follows users' lifecycle events, in order, on one durable consumer: a (soft) deleted user's
 * tokens are flushed; a deactivated user's tokens are refused until a reactivation arrives. A
 * permanently deleted user is erased by the user erasure consumer (IdentityUserEraser).
 */
@Injectable()
export class UserLifecycleConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private sub?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly tokens: AuthTokenService,
    private readonly inactive: InactiveUserRepository,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
  ) {}

  async onApplicationBootstrap() {
    this.sub = await this.bus.consumeDurable(
      // One filter over every user event keeps deactivate/reactivate in their order.
      {
        stream: 'EVT_USERS',
        durable: 'identity-user-lifecycle-v2',
        filterSubjects: ['evt.users.*.user.*'],
      },
      async (subject, data) => {
        const { users } = EVENTS;
        if (subject.endsWith(`.${users.userDeleted.name}`)) {
          const event = users.userDeleted.schema.parse(data);
          if (!event.permanent)
            await this.tokens.flush(event.appId, event.uid, { checkUser: false });
        } else if (subject.endsWith(`.${users.userDeactivated.name}`)) {
          const event = users.userDeactivated.schema.parse(data);
          // Recorded first, then announced: a gateway that drops its cached sessions on the
          // revocation finds identity already refusing them.
          await this.tx.run(
            async (tx) => {
              const tokens = await this.inactive.add(tx, event.appId, event.uids);
              for (const [uid, tokenHashes] of tokens) {
                await this.outbox.stage(tx, EVENTS.identity.tokenRevoked, event.appId, {
                  uid,
                  tokenHashes,
                });
              }
            },
            { publishBeforeReturn: true },
          );
        } else if (subject.endsWith(`.${users.userReactivated.name}`)) {
          const event = users.userReactivated.schema.parse(data);
          await this.inactive.remove(event.appId, event.uids);
        }
      },
    );
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
