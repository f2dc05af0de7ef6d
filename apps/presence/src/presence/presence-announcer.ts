import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { Clock, MessageBus, rootLogger } from '@parley/common';
import { DeliveryFrame, EVENTS, presenceSubject, RPC, User } from '@parley/contracts';
import { PresenceMetrics } from './presence.metrics';

export type PresenceChange = 'online' | 'offline';

/**
 * Tells the world a user came online or went offline: a `presence` frame on
 * `eph.presence.<appId>.<role>.<uid>` for the gateways whose sockets follow that user (realtime
 * reference §5), and `evt.presence.<appId>.user.online|offline` on JetStream for services.
 */
@Injectable()
export class PresenceAnnouncer {
  private readonly log = rootLogger().child({ component: 'presence' });

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    private readonly metrics: PresenceMetrics,
  ) {}

  async announce(appId: string, uid: string, change: PresenceChange, at: number): Promise<void> {
    this.metrics.changes.inc({ action: change });
    const user = await this.userOf(appId, uid);
    const frame: DeliveryFrame = {
      appId,
      type: 'presence',
      sender: uid,
      receiver: uid,
      receiverType: 'user',
      body: {
        action: change,
        user: { ...user, status: change === 'online' ? 'available' : 'offline', lastActiveAt: at },
        timestamp: at,
      },
    };
    this.bus.publish(presenceSubject(appId, user.role, uid), frame);
    const def = change === 'online' ? EVENTS.presence.userOnline : EVENTS.presence.userOffline;
    const eventId = randomUUID();
    const payload = { v: 1, eventId, appId, occurredAt: this.clock.nowSeconds(), uid, at };
    // Presence is a fact of the moment: a lost event is not retried (the next change supersedes it).
    await this.bus.publishDurable(def.subject(appId), payload, eventId).catch((err: unknown) => {
      this.log.warn({ err, appId, uid, change }, 'presence event not published');
    });
  }

  /** The user as a presence frame shows them; their role routes the frame. */
  private async userOf(
    appId: string,
    uid: string,
  ): Promise<Pick<User, 'uid' | 'role'> & Partial<User>> {
    try {
      const { users } = await this.bus.request(RPC.users.userGetMany, { appId, uids: [uid] });
      const found = users[0];
      if (found) {
        const { uid: id, name, avatar, link, role, metadata, statusMessage, tags } = found;
        return { uid: id, name, avatar, link, role, metadata, statusMessage, tags };
      }
    } catch (err) {
      this.log.warn(
        { err, appId, uid },
        'user unknown for a presence frame; sent with its uid only',
      );
    }
    return { uid, role: 'default' };
  }
}
