import { BeforeApplicationShutdown, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { DirectoryEvents } from './directory-events';

/**
 * Feeds the read models: one durable consumer per source stream, each over the whole stream (one
 * filter subject, which NATS servers before 2.10 support). Events are applied by version, so their
 * order does not matter; 8 lanes apply them side by side (a group's events stay in order in
 * one lane). New consumers start from the stream's first event (DeliverPolicy.All). The streams keep 7
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
          // Applied by version, so order does not matter; lanes only spread the work.
          lanes: 8,
        },
        (subject, data, meta) => this.events.applyUserEvent(subject, data, meta.streamSeq),
      ),
      await this.bus.consumeDurable(
        {
          stream: 'EVT_GROUPS',
          durable: 'messaging-directory-groups',
          filterSubjects: ['evt.groups.>'],
          lanes: 8,
          keyOf: groupKeyOf,
        },
        (subject, data, meta) => this.events.applyGroupEvent(subject, data, meta.streamSeq),
      ),
    );
  }

  async beforeApplicationShutdown() {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
  }
}

/** The ordering key of a group event: its app and group (`evt.groups.<appId>.…`, `data.guid`). */
export function groupKeyOf(subject: string, data: unknown): string {
  const guid = (data as { guid?: unknown } | undefined)?.guid;
  return `${subject.split('.')[2] ?? ''}:${typeof guid === 'string' ? guid : ''}`;
}
