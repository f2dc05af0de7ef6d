import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { groupKeyOf } from '../directory/directory.consumer';
import { MembershipActions } from './membership-actions';

/**
 * The groups' events turned into action messages: a durable consumer of its own beside the read
 * models' (DirectoryConsumer), so neither waits on the other's failures. At least once; the
 * writer keys each message by its event, so a redelivery writes nothing.
 */
@Injectable()
export class MembershipActionsConsumer
  implements OnApplicationBootstrap, BeforeApplicationShutdown
{
  private sub?: Subscription;

  constructor(
    private readonly bus: MessageBus,
    private readonly actions: MembershipActions,
  ) {}

  async onApplicationBootstrap() {
    this.sub = await this.bus.consumeDurable(
      {
        stream: 'EVT_GROUPS',
        durable: 'messaging-actions-groups',
        filterSubjects: ['evt.groups.>'],
        // Each group's events in order (its action messages follow them); groups side by side.
        lanes: 8,
        keyOf: groupKeyOf,
      },
      (subject, data) => this.actions.apply(subject, data),
    );
  }

  async beforeApplicationShutdown() {
    await this.sub?.drain();
  }
}
