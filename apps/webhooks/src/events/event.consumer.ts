import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { MessageBus, Subscription } from '@parley/common';
import { STREAMS } from '@parley/contracts';
import { WEBHOOKS_SCOPE, WebhooksScope } from '../config/webhooks-scope';
import { EventRouter } from './event-router';

/**
 * One durable consumer per event stream (`webhooks-evt-users`, ...), each with one filter subject
 * (NATS servers before 2.10 take only one). An event is acked once its deliveries are committed,
 * so a process killed before that gets it again from JetStream; writing them twice is harmless.
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
        await this.bus.consumeDurable(
          {
            stream: stream.name,
            durable: `${this.scope.consumerPrefix}-${stream.name.toLowerCase().replace(/_/g, '-')}`,
            filterSubjects: [filter],
          },
          (subject, data) => this.router.apply(subject, data),
        ),
      );
    }
  }

  async beforeApplicationShutdown() {
    await Promise.allSettled(this.subs.map((s) => s.drain()));
  }
}
