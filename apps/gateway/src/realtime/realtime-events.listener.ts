import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { decodeJson, MessageBus, rootLogger, Subscription } from '@parley/common';
import { EVENTS } from '@parley/contracts';
import { z } from 'zod';
import { ConnectionRegistry } from './connection-registry';
import { PresenceInterest } from './presence-interest';

type Def = { allApps: string; schema: z.ZodType };

/**
 * The events that change who may hear what, followed on core NATS (every gateway hears every
 * event; nothing to resume after a restart, since sockets are rebuilt): token revocations and app
 * deletion close sockets; membership changes move group subscriptions; friendships move the
 * presence subscriptions of `FRIENDS` sockets; blocks hide presence between the two users.
 */
@Injectable()
export class RealtimeEventsListener implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly subs: Subscription[] = [];

  constructor(
    private readonly bus: MessageBus,
    private readonly registry: ConnectionRegistry,
    private readonly presence: PresenceInterest,
  ) {}

  onApplicationBootstrap(): void {
    const { identity, groups, users } = EVENTS;
    this.on(identity.tokenRevoked, (e) =>
      this.registry.tokensRevoked(e.appId, e.uid, e.tokenHashes),
    );
    this.on(identity.appDeleted, (e) => this.registry.appDeleted(e.appId));
    for (const def of [groups.memberAdded, groups.memberJoined]) {
      this.on(def, (e) => this.registry.membershipChanged(e.appId, e.uid, e.guid, true));
    }
    for (const def of [groups.memberLeft, groups.memberKicked, groups.memberBanned]) {
      this.on(def, (e) => this.registry.membershipChanged(e.appId, e.uid, e.guid, false));
    }
    this.on(groups.groupDeleted, (e) => this.registry.groupDeleted(e.appId, e.guid));
    this.on(users.friendAdded, (e) =>
      this.presence.friendshipChanged(e.appId, e.uid, e.friendUid, true),
    );
    this.on(users.friendRemoved, (e) =>
      this.presence.friendshipChanged(e.appId, e.uid, e.friendUid, false),
    );
    this.on(users.blockAdded, (e) =>
      this.presence.blockChanged(e.appId, e.blocker, e.blocked, true),
    );
    this.on(users.blockRemoved, (e) =>
      this.presence.blockChanged(e.appId, e.blocker, e.blocked, false),
    );
  }

  onApplicationShutdown(): void {
    for (const s of this.subs) s.unsubscribe();
  }

  private on<D extends Def>(def: D, apply: (event: z.output<D['schema']>) => void): void {
    this.subs.push(
      this.bus.subscribe(def.allApps, (msg) => {
        try {
          apply(def.schema.parse(decodeJson(msg.data)) as z.output<D['schema']>);
        } catch (err) {
          this.log.warn({ err, subject: msg.subject }, 'ignored an event it could not read');
        }
      }),
    );
  }
}
