import type { Logger } from 'pino';

/**
 * Runs `work` every `everyMs`, never two at once (a slow pass makes the next tick a no-op), and
 * logs a failed pass without stopping: the next tick tries again. The timer does not keep the
 * process alive.
 */
export class PeriodicTask {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly work: () => Promise<unknown>,
    private readonly log: Logger,
    private readonly what: string,
  ) {}

  start(everyMs: number): void {
    this.timer = setInterval(() => void this.tick(), everyMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      await this.work();
    } catch (err) {
      this.log.warn({ err }, `${this.what} failed; retried next tick`);
    } finally {
      this.running = false;
    }
  }
}
