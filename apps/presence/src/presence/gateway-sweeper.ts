import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { rootLogger } from '@parley/common';
import { PresenceService } from './presence.service';

/**
 * Looks for dead gateways several times per TTL, so their users go offline within about one TTL
 * of the last heartbeat. Every replica sweeps; each expired gateway is claimed by exactly one.
 */
@Injectable()
export class GatewaySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'presence' });
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(private readonly presence: PresenceService) {}

  onApplicationBootstrap(): void {
    const everyMs = Math.max(500, (this.presence.ttlSeconds * 1000) / 4);
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
      await this.presence.sweep();
    } catch (err) {
      this.log.warn({ err }, 'presence sweep failed; retried next tick');
    } finally {
      this.running = false;
    }
  }
}
