import { Inject, Injectable } from '@nestjs/common';
import { Clock, MessageBus, rootLogger } from '@parley/common';
import {
  CallSignalFrameSchema,
  deliverToGroupSubject,
  deliverToUserSubject,
  DeliveryFrame,
  MAX_CALL_SIGNAL_BYTES,
  RelayedClientFrameSchema,
  RPC,
  TypingActionSchema,
} from '@parley/contracts';
import { Connection } from './connection';
import { ConnectionRegistry } from './connection-registry';
import { REALTIME_LIMITS_TOKEN, RealtimeLimits } from './realtime-limits';
import { UserCards } from './user-cards';

/**
 * A client's `typing_indicator` and `transient_message` frames (realtime reference §5), relayed
 * to the other user (`deliver.<appId>.u.<uid>`) or to the group's members
 * (`deliver.<appId>.g.<guid>`, only when the sender is a member as this gateway knows it). The
 * gateway writes the sender, its session (`deviceId`) and the sender's user object; nothing is
 * stored. A frame that cannot be relayed is dropped without an answer, as the SDK expects none.
 * A `call_signal` frame (SDP, ICE) goes to presence, which owns the call and relays it to the
 * call's other parties only.
 */
@Injectable()
export class ClientFrameRelay {
  private readonly log = rootLogger().child({ component: 'realtime' });
  /** Each socket's token bucket: tokens left and when it was last filled (ms). */
  private readonly buckets = new WeakMap<Connection, { tokens: number; at: number }>();

  constructor(
    private readonly bus: MessageBus,
    private readonly registry: ConnectionRegistry,
    private readonly cards: UserCards,
    private readonly clock: Clock,
    @Inject(REALTIME_LIMITS_TOKEN) private readonly limits: RealtimeLimits,
  ) {}

  /** True when the frame is one this relay handles (relayed or dropped). */
  handles(type: unknown): boolean {
    return type === 'typing_indicator' || type === 'transient_message' || type === 'call_signal';
  }

  async relay(conn: Connection, raw: Record<string, unknown>): Promise<void> {
    if (!this.take(conn)) return this.drop(conn, raw, 'too many frames');
    if (raw.type === 'call_signal') return this.signal(conn, raw);
    const parsed = RelayedClientFrameSchema.safeParse(raw);
    if (!parsed.success) return this.drop(conn, raw, 'malformed');
    const { type, receiver, receiverType, body } = parsed.data;
    if (receiverType === 'group' && !this.registry.isMember(conn.appId, conn.uid, receiver))
      return this.drop(conn, raw, 'not a member of the group');
    let relayedBody: Record<string, unknown>;
    if (type === 'typing_indicator') {
      const action = TypingActionSchema.safeParse(body.action);
      if (!action.success) return this.drop(conn, raw, 'unknown typing action');
      const user = await this.cards.of(conn.appId, conn.uid);
      relayedBody = {
        action: action.data,
        user,
        ...(body.metadata !== undefined && { metadata: body.metadata }),
      };
    } else {
      relayedBody = { data: body.data ?? {}, user: await this.cards.of(conn.appId, conn.uid) };
    }
    const frame: DeliveryFrame = {
      appId: conn.appId,
      type,
      sender: conn.uid,
      receiver,
      receiverType,
      ...(conn.deviceId !== undefined && { deviceId: conn.deviceId }),
      body: relayedBody,
    };
    const subject =
      receiverType === 'group'
        ? deliverToGroupSubject(conn.appId, receiver)
        : deliverToUserSubject(conn.appId, receiver);
    this.bus.publish(subject, frame);
  }

  /** A party's signalling, to presence (which checks the call's parties); the data stays opaque. */
  private async signal(conn: Connection, raw: Record<string, unknown>): Promise<void> {
    const parsed = CallSignalFrameSchema.safeParse(raw);
    if (!parsed.success) return this.drop(conn, raw, 'malformed');
    const { receiver, body } = parsed.data;
    if (JSON.stringify(body.data).length > MAX_CALL_SIGNAL_BYTES) {
      return this.drop(conn, raw, 'signal too large');
    }
    try {
      await this.bus.request(RPC.presence.callSignal, {
        appId: conn.appId,
        uid: conn.uid,
        ...(conn.deviceId !== undefined && { deviceId: conn.deviceId }),
        sessionId: body.sessionId,
        ...(receiver !== undefined && { to: receiver }),
        data: body.data,
      });
    } catch (err) {
      this.drop(conn, raw, (err as { code?: string }).code ?? 'not relayed');
    }
  }

  /** One token from the socket's bucket (`relayedFramesPerSecond`, burst of twice that). */
  private take(conn: Connection): boolean {
    const rate = this.limits.relayedFramesPerSecond;
    const now = this.clock.now().getTime();
    const bucket = this.buckets.get(conn) ?? { tokens: 2 * rate, at: now };
    bucket.tokens = Math.min(2 * rate, bucket.tokens + ((now - bucket.at) / 1000) * rate);
    bucket.at = now;
    this.buckets.set(conn, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private drop(conn: Connection, raw: Record<string, unknown>, why: string): void {
    this.log.debug({ appId: conn.appId, uid: conn.uid, type: raw.type, why }, 'frame not relayed');
  }
}
