import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus, rootLogger } from '@parley/common';
import {
  Call,
  CallStatus,
  deliverToUserSubject,
  DeliveryFrame,
  Message,
  RPC,
  RpcParsedRequest,
} from '@parley/contracts';
import { PRESENCE_ENV, PresenceEnv } from '../config/presence-env';
import { CallRecorder } from './call-recorder';
import { CallStore, TERMINAL } from './call.store';
import { GroupCallService, joinedUids } from './group-call.service';

type R = typeof RPC.presence;

/**
 * The call state machine (ARCHITECTURE.md §8): `initiated` -> `ongoing` | `rejected` |
 * `cancelled` | `busy` | `unanswered`; `ongoing` -> `ended`. State and ring deadlines live in
 * Redis (CallStore), so any replica answers and a restart loses no timer; each transition is
 * stored by messaging as a `call` message, which also delivers it in real time. Group calls
 * follow their own steps (GroupCallService); signalling between parties is relayed here.
 */
@Injectable()
export class CallService {
  private readonly log = rootLogger().child({ component: 'calls' });
  readonly ringTimeoutSeconds: number;

  constructor(
    private readonly store: CallStore,
    private readonly recorder: CallRecorder,
    private readonly groups: GroupCallService,
    private readonly bus: MessageBus,
    private readonly clock: Clock,
    @Inject(PRESENCE_ENV) env: Pick<PresenceEnv, 'CALL_RING_TIMEOUT_SECONDS'>,
  ) {
    this.ringTimeoutSeconds = env.CALL_RING_TIMEOUT_SECONDS;
  }

  /**
   * The caller's `initiated` message, or `busy` when the callee is on a call on any device. A
   * group call rings the group's members, the caller in it.
   */
  async initiate({ appId, sender, deviceId, call: body }: RpcParsedRequest<R['callInitiate']>) {
    if (body.receiverType === 'user' && body.receiver === sender) {
      throw new DomainError('ERR_CALLING_SELF', 'A user cannot call themselves.');
    }
    const now = this.clock.now().getTime();
    const initiatedAt = Math.floor(now / 1000);
    const call: Call = {
      sessionid: `v1.${randomUUID()}`,
      type: body.type,
      sender,
      receiver: body.receiver,
      receiverType: body.receiverType,
      status: 'initiated',
      initiatedAt,
    };
    const deadline = now + this.ringTimeoutSeconds * 1000;
    if (body.receiverType === 'group') {
      const groupCall = { ...call, participants: [{ uid: sender, joinedAt: initiatedAt }] };
      return this.groups.initiate(appId, { ...groupCall, version: 0 }, deadline, deviceId);
    }
    const outcome = await this.store.create(appId, call, deadline);
    if (outcome === 'self') {
      throw new DomainError('ERR_CALL_BUSY_SELF', 'The caller is already on a call.');
    }
    let initiated: Message;
    try {
      initiated = await this.record(appId, sender, call, deviceId);
    } catch (err) {
      // Nothing happened (the callee does not exist, or messaging failed): free both lines.
      await this.store.discard(appId, outcome === 'busy' ? { ...call, status: 'busy' } : call);
      throw err;
    }
    if (outcome === 'ringing') return initiated;
    const busy: Call = { ...call, status: 'busy', endedAt: call.initiatedAt };
    // Not skipped on the caller's session: its SDK learns of the busy line from this frame.
    return this.record(appId, call.receiver, busy);
  }

  /** A party moves the call on; the reply is the transition's message. */
  async update({ appId, uid, sessionId, deviceId, update }: RpcParsedRequest<R['callUpdate']>) {
    if (!sessionId.trim()) {
      throw new DomainError('ERR_EMPTY_CALL_SESSION_ID', 'The call session id is empty.');
    }
    const stored = await this.store.read(appId, sessionId);
    if (stored?.call.receiverType === 'group') {
      return this.groups.update(appId, uid, stored, update.status, deviceId);
    }
    let call = stored?.call ?? null;
    for (;;) {
      if (!call) {
        throw new DomainError('ERR_CALL_SESSION_NOT_FOUND', 'The call session does not exist.');
      }
      if (uid !== call.sender && uid !== call.receiver) {
        throw new DomainError('ERR_CALL_NOT_A_PART', 'The user is not a participant of the call.');
      }
      refuseIllegal(call, uid, update.status);
      const now = this.clock.nowSeconds();
      const next: Call = {
        ...call,
        status: update.status,
        ...(update.status === 'ongoing' ? { joinedAt: now } : {}),
        ...(TERMINAL.has(update.status) ? { endedAt: now } : {}),
      };
      const result = await this.store.move(appId, call.status, next);
      if (result.moved) return this.record(appId, uid, next, deviceId);
      call = result.current; // another party moved first: judge against what is stored now
    }
  }

  /** Ends every call whose ring deadline passed as `unanswered` (each replica, each tick). */
  async sweep(): Promise<void> {
    for (const [appId, sessionId] of await this.store.overdue(this.clock.now().getTime())) {
      try {
        await this.expire(appId, sessionId);
      } catch (err) {
        this.log.warn({ err, appId, sessionId }, 'call timeout not stored; retried next sweep');
      }
    }
  }

  /**
   * Relays a party's signalling (SDP, ICE; opaque) to the other party, or in a group call to the
   * joined member `to` or every other joined member, as `call_signal` frames. Nothing is stored.
   */
  async signal({ appId, uid, deviceId, sessionId, to, data }: RpcParsedRequest<R['callSignal']>) {
    const call = await this.store.get(appId, sessionId);
    if (!call) {
      throw new DomainError('ERR_CALL_SESSION_NOT_FOUND', 'The call session does not exist.');
    }
    if (TERMINAL.has(call.status)) {
      throw new DomainError('ERR_CALL_TERMINATED', `The call has already ended (${call.status}).`);
    }
    const parties = call.receiverType === 'group' ? joinedUids(call) : [call.sender, call.receiver];
    if (!parties.includes(uid) || (to !== undefined && (to === uid || !parties.includes(to)))) {
      throw new DomainError('ERR_CALL_NOT_A_PART', 'Signals go between parties of the call.');
    }
    const targets = to !== undefined ? [to] : parties.filter((p) => p !== uid);
    for (const target of targets) {
      const frame: DeliveryFrame = {
        appId,
        type: 'call_signal',
        sender: uid,
        receiver: target,
        receiverType: 'user',
        ...(deviceId !== undefined && { deviceId }),
        body: { sessionId, data },
      };
      this.bus.publish(deliverToUserSubject(appId, target), frame);
    }
    return { to: targets };
  }

  private async expire(appId: string, sessionId: string): Promise<void> {
    const stored = await this.store.read(appId, sessionId);
    if (stored?.call.receiverType === 'group') {
      await this.groups.expire(appId, stored);
      return this.store.dropDeadline(appId, sessionId);
    }
    const call = stored?.call;
    if (call?.status === 'initiated' || call?.status === 'unanswered') {
      const next: Call =
        call.status === 'unanswered'
          ? call
          : { ...call, status: 'unanswered', endedAt: this.clock.nowSeconds() };
      const result =
        call.status === 'initiated'
          ? await this.store.move(appId, 'initiated', next, { keepDeadline: true })
          : { moved: true as const };
      // Stored once per status (messaging keys it), so a retry or a racing replica adds nothing.
      if (result.moved) await this.record(appId, call.sender, next);
    }
    await this.store.dropDeadline(appId, sessionId);
  }

  private record(appId: string, actor: string, call: Call, deviceId?: string): Promise<Message> {
    return this.recorder.record(appId, actor, call, { deviceId });
  }
}

/** Refuses a transition the state machine does not allow (reference §3.3's codes). */
function refuseIllegal(call: Call, uid: string, status: CallStatus): void {
  if (TERMINAL.has(call.status)) {
    throw new DomainError('ERR_CALL_TERMINATED', `The call has already ended (${call.status}).`);
  }
  if (call.status === 'ongoing') {
    if (status !== 'ended') {
      throw new DomainError('ERR_CALL_ONGOING_TO_INVALID', 'An ongoing call can only be ended.');
    }
    return;
  }
  // initiated
  if (status === 'ended') {
    throw new DomainError('ERR_CALL_NOT_STARTED', 'The call was never answered; it cannot end.');
  }
  const calleeOnly = status === 'ongoing' || status === 'rejected' || status === 'busy';
  if ((calleeOnly && uid !== call.receiver) || (status === 'cancelled' && uid !== call.sender)) {
    throw new DomainError(
      'ERR_CALL_INVALID_INIT',
      'Only the callee can accept, reject or report busy; only the caller can cancel.',
    );
  }
}
