import { Injectable } from '@nestjs/common';
import { Connection } from './connection';
import { PresenceInterest } from './presence-interest';
import { PresenceReporter } from './presence-reporter';

/**
 * A socket's part in presence: once authenticated it follows the presence it asked for and is
 * reported (its user may come online); when it closes both end.
 */
@Injectable()
export class SessionPresence {
  /** Sockets that closed: one closing while it starts to follow is not reported at all. */
  private readonly gone = new WeakSet<Connection>();

  constructor(
    private readonly interest: PresenceInterest,
    private readonly reporter: PresenceReporter,
  ) {}

  async opened(conn: Connection): Promise<void> {
    if (this.gone.has(conn)) return;
    await this.interest.follow(conn);
    if (this.gone.has(conn)) return this.interest.unfollow(conn);
    this.reporter.opened(conn);
  }

  closed(conn: Connection): void {
    this.gone.add(conn);
    this.interest.unfollow(conn);
    this.reporter.closed(conn);
  }

  /** Every socket is closing (shutdown): presence hears it once for the whole gateway. */
  async gatewayStopping(): Promise<void> {
    await this.reporter.leave();
  }
}
