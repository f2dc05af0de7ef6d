import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { CallService } from './call.service';

/**
 * Ends calls nobody answered: every replica looks at the stored ring deadlines a few times per
 * second, so a call ends as `unanswered` on time even across a presence restart.
 */
@Injectable()
export class CallTimeoutSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'calls' });
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly calls: CallService) {}

  onApplicationBootstrap(): void {
    const everyMs = Math.min(1000, (this.calls.ringTimeoutSeconds * 1000) / 4);
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.calls.sweep();
    } catch (err) {
      this.log.warn({ err }, 'call sweep failed; retried next tick');
    } finally {
      this.running = false;
    }
  }
}
