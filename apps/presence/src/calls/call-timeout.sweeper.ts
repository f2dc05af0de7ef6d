import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { PeriodicTask } from '../shared/periodic-task';
import { CallService } from './call.service';

/**
 * Ends calls nobody answered: every replica looks at the stored ring deadlines a few times per
 * second, so a call ends as `unanswered` on time even across a presence restart.
 */
@Injectable()
export class CallTimeoutSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(private readonly calls: CallService) {
    const log = rootLogger().child({ component: 'calls' });
    this.task = new PeriodicTask(() => this.calls.sweep(), log, 'call sweep');
  }

  onApplicationBootstrap(): void {
    this.task.start(Math.min(1000, (this.calls.ringTimeoutSeconds * 1000) / 4));
  }

  onApplicationShutdown(): void {
    this.task.stop();
  }
}
