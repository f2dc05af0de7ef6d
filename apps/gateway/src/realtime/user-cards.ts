import { Injectable } from '@nestjs/common';
import { Clock, MessageBus, rootLogger } from '@parley/common';
import { RPC, User } from '@parley/contracts';

/** How long a user's card is reused for their typing and transient frames (ms). */
const CARD_TTL_MS = 60_000;
const MAX_CARDS = 10_000;

export type UserCard = Pick<User, 'uid'> & Partial<User>;

/**
 * The user object a relayed frame carries as `body.user` (the SDK builds the typing user from it):
 * looked up once a minute per user, not per keystroke; just the uid when users does not answer.
 */
@Injectable()
export class UserCards {
  private readonly log = rootLogger().child({ component: 'realtime' });
  private readonly cards = new Map<string, { card: UserCard; until: number }>();

  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
  ) {}

  async of(appId: string, uid: string): Promise<UserCard> {
    const key = `${appId}|${uid}`;
    const now = this.clock.now().getTime();
    const hit = this.cards.get(key);
    if (hit && hit.until > now) return hit.card;
    let card: UserCard = { uid };
    try {
      const [user] = (await this.bus.request(RPC.users.userGetMany, { appId, uids: [uid] })).users;
      if (user) {
        const { uid: id, name, avatar, link, role, status, metadata, statusMessage } = user;
        card = { uid: id, name, avatar, link, role, status, metadata, statusMessage };
      }
    } catch (err) {
      this.log.warn({ err, appId, uid }, 'user card unavailable; the frame carries the uid only');
      return card;
    }
    if (this.cards.size >= MAX_CARDS) this.cards.clear();
    this.cards.set(key, { card, until: now + CARD_TTL_MS });
    return card;
  }
}
