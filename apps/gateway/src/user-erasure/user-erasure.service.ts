import { Injectable } from '@nestjs/common';
import { DomainError, MessageBus } from '@parley/common';
import { RPC, UserErasureReport } from '@parley/contracts';

/** The services that keep a user's data in their schema and erase it, in the report's order. */
const SERVICES = ['identity', 'users', 'groups', 'messaging'] as const;

/** The report of a user's permanent erasure (GET /v3/users/{uid}/erasures/{erasureId}). */
export interface UserErasureSummary {
  uid: string;
  erasureId: string;
  /** Every service has erased, and no row names the user any more but those kept on purpose. */
  complete: boolean;
  services: Record<(typeof SERVICES)[number], UserErasureReport>;
}

/**
 * Gathers a permanent erasure's report from each service with a schema (`rpc.<service>.user.erasure`),
 * side by side: whether it has erased, what, and the rows that still name the user. The users
 * service erases in the delete itself, so an erasure it does not know is not found.
 */
@Injectable()
export class UserErasureService {
  constructor(private readonly bus: MessageBus) {}

  async report(appId: string, uid: string, erasureId: string): Promise<UserErasureSummary> {
    const ref = { appId, uid, erasureId };
    const reports = await Promise.all(
      SERVICES.map((s) => this.bus.request(RPC[s].userErasure, ref)),
    );
    const services = Object.fromEntries(
      SERVICES.map((s, i) => [s, reports[i]]),
    ) as UserErasureSummary['services'];
    if (services.users.status !== 'erased') throw new DomainError('ERR_ERASURE_NOT_FOUND');
    return {
      uid,
      erasureId,
      complete: SERVICES.every(
        (s) =>
          services[s].status === 'erased' &&
          Object.keys(services[s].remaining).every((t) => KEPT_AFTER_ERASURE[s]?.includes(t)),
      ),
      services,
    };
  }
}

/**
 * Rows a service keeps of an erased user on purpose, per service: messaging's messages they sent,
 * emptied of content, keep their seq (each conversation stays numbered without gaps), and their
 * row of its users read model, without a profile, keeps a late event from bringing them back.
 */
export const KEPT_AFTER_ERASURE: Partial<Record<(typeof SERVICES)[number], string[]>> = {
  messaging: ['messages', 'users'],
};
