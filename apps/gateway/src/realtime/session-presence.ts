import { Injectable } from '@nestjs/common';
import { Connection } from './connection';
import { PresenceInterest } from './presence-interest';
import { PresenceReporter } from './presence-reporter';

/**
 * A socket's part in presence: once authenticated it follows the presence it asked for (while its
 * registration completes) and, once registered, is reported (its user may come online); when it
 * closes both end.
 */
@Injectable()
export class SessionPresence {
  /** Sockets that closed: one closing while it starts to follow is not reported at all. */
  private readonly gone = new WeakSet<Connection>();

  constructor(
    private readonly interest: PresenceInterest,
    private readonly reporter: PresenceReporter,
  ) {}

  /** Starts the presence frames the socket asked for; resolves once they are in place. */
  async follow(conn: Connection): Promise<void> {
    if (this.gone.has(conn)) return;
    await this.interest.follow(conn);
    if (this.gone.has(conn)) this.interest.unfollow(conn);
  }

  /** The socket is in (registered and following): presence hears of it. */
  opened(conn: Connection): void {
    if (!this.gone.has(conn)) this.reporter.opened(conn);
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
