import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { PeriodicTask } from '../shared/periodic-task';
import { PresenceService } from './presence.service';

/**
 * Looks for dead gateways several times per TTL, so their users go offline within about one TTL
 * of the last heartbeat. Every replica sweeps; each expired gateway is claimed by exactly one.
 */
@Injectable()
export class GatewaySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(private readonly presence: PresenceService) {
    const log = rootLogger().child({ component: 'presence' });
    this.task = new PeriodicTask(() => this.presence.sweep(), log, 'presence sweep');
  }

  onApplicationBootstrap(): void {
    this.task.start(Math.max(500, (this.presence.ttlSeconds * 1000) / 4));
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
