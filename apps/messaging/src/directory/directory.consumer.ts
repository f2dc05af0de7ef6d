import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { DirectoryEvents } from './directory-events';

/**
 * Feeds the read models: one durable consumer per source stream, each over the whole stream (one
 * filter subject, which NATS servers before 2.10 support), so a stream's events arrive in their
 * order. New consumers start from the stream's first event (DeliverPolicy.All). The streams keep 7
 * days; what is older is learnt by RPC the first time a send needs it (ParticipantDirectory).
 */
@Injectable()
export class DirectoryConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly events: DirectoryEvents,
  ) {}

  async onApplicationBootstrap() {
    this.subs.push(
      await this.bus.consumeDurable(
        {
          stream: 'EVT_USERS',
          durable: 'messaging-directory-users',
          filterSubjects: ['evt.users.>'],
        },
        (subject, data, meta) => this.events.applyUserEvent(subject, data, meta.streamSeq),
      ),
      await this.bus.consumeDurable(
        {
          stream: 'EVT_GROUPS',
          durable: 'messaging-directory-groups',
          filterSubjects: ['evt.groups.>'],
        },
        (subject, data, meta) => this.events.applyGroupEvent(subject, data, meta.streamSeq),
      ),
    );
  }

  async beforeApplicationShutdown() {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
  }
}
