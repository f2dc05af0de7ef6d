import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { STREAMS } from '@parley/contracts';
import { WEBHOOKS_SCOPE, WebhooksScope } from '../config/webhooks-scope';
import { EventRouter, parseEventSubject } from './event-router';

/** Apps' events are handled side by side in this many lanes (each app's in stream order). */
const LANES = 8;

/**
 * One durable consumer per event stream (`webhooks-evt-users`, ...), each with one filter subject
 * (NATS servers before 2.10 take only one). An event is acked once its deliveries are committed,
 * so a process killed before that gets it again from JetStream; writing them twice is harmless.
 * Each app's events are handled in stream order; different apps' side by side, so an event that
 * waits to learn whether its app has endpoints (EndpointTriggers) holds up only the apps of its
 * lane.
 */
@Injectable()
export class EventConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly router: EventRouter,
    @Inject(WEBHOOKS_SCOPE) private readonly scope: WebhooksScope,
  ) {}

  async onApplicationBootstrap() {
    for (const stream of STREAMS) {
      const [all] = stream.subjects as readonly string[]; // `evt.<service>.>`
      if (!all.startsWith('evt.')) continue;
      const filter = this.scope.appId ? all.replace(/>$/, `${this.scope.appId}.>`) : all;
      this.subs.push(
        await this.bus.consumeDurableLazily(
          {
            stream: stream.name,
            durable: `${this.scope.consumerPrefix}-${stream.name.toLowerCase().replace(/_/g, '-')}`,
            filterSubjects: [filter],
            lanes: LANES,
            keyOf: (subject) => parseEventSubject(subject)?.appId ?? subject,
          },
          (subject, data, meta) => this.router.apply(subject, data, meta),
        ),
      );
    }
  }

  async beforeApplicationShutdown() {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
  }
}
