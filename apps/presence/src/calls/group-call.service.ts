import { Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus } from '@parley/common';
import { Call, CallAction, CallStatus, Message, RPC } from '@parley/contracts';
import { CallRecorder } from './call-recorder';
import { CallStore, StoredCall, TERMINAL } from './call.store';

/** One member's step in a group call: the call after it, the message's action, the member's line. */
interface Step {
  next: Call;
  action: CallAction;
  line: 'claim' | 'free' | 'none';
}

/**
 * Group calls (ARCHITECTURE.md §8): a member calls the group and is in the call; it rings for the
 * other members until one joins (`ongoing`) or the ring timeout (`unanswered`) or the caller
 * cancels. Members then join (`ongoing`) and leave (`left`); the last one to leave ends it
 * (`ended`). A member may decline (`rejected`) without ending it. One call per group at a time,
 * and a member on another call cannot join (busy across devices, as for 1:1 calls). Every step is
 * a compare-and-set on the stored call, so concurrent steps on any replica are applied one by one.
 */
@Injectable()
export class GroupCallService {
  constructor(
    private readonly store: CallStore,
    private readonly recorder: CallRecorder,
    private readonly bus: MessageBus,
    private readonly clock: Clock,
  ) {}

  async initiate(appId: string, call: Call, deadlineMs: number, deviceId?: string) {
    await this.requireMember(appId, call.receiver, call.sender);
    const outcome = await this.store.createGroup(appId, call, deadlineMs);
    if (outcome === 'self') {
      throw new DomainError('ERR_CALL_BUSY_SELF', 'The caller is already on a call.');
    }
    if (outcome === 'busy') {
      throw new DomainError('ERR_CALL_BUSY_GROUP', 'The group is already on a call.');
    }
    try {
      return await this.recorder.record(appId, call.sender, call, { deviceId });
    } catch (err) {
      // Nothing happened (messaging refused or failed): free the lines and forget the call.
      const stored = await this.store.read(appId, call.sessionid);
      if (stored) await this.store.discardGroup(appId, stored);
      throw err;
    }
  }

  /** A member's step (`status` as the SDK sends it); the reply is the step's message. */
  async update(
    appId: string,
    uid: string,
    stored: StoredCall,
    status: Exclude<CallStatus, 'initiated'>,
    deviceId?: string,
  ): Promise<Message> {
    if (status === 'ongoing' || status === 'rejected') {
      await this.requireMember(appId, stored.call.receiver, uid);
    }
    let current: StoredCall | null = stored;
    for (;;) {
      if (!current) {
        throw new DomainError('ERR_CALL_SESSION_NOT_FOUND', 'The call session does not exist.');
      }
      const step = stepOf(current.call, uid, status, this.clock.nowSeconds());
      const result = await this.store.swapGroup(appId, current, step.next, uid, step.line);
      if (result === 'self') {
        throw new DomainError('ERR_CALL_BUSY_SELF', 'The user is already on another call.');
      }
      if (result === 'ok') {
        return this.recorder.record(appId, uid, step.next, { action: step.action, deviceId });
      }
      current = result.changed; // another member moved first: judge against what is stored now
    }
  }

  /** Ends a group call nobody joined as `unanswered` (the caller's line freed). */
  async expire(appId: string, stored: StoredCall): Promise<void> {
    let current: StoredCall | null = stored;
    while (current?.call.status === 'initiated') {
      const next = bump(current.call, {
        status: 'unanswered',
        endedAt: this.clock.nowSeconds(),
        participants: leaveAll(current.call, this.clock.nowSeconds()),
      });
      const result = await this.store.swapGroup(appId, current, next, next.sender, 'free', {
        keepDeadline: true,
      });
      if (result === 'ok') current = { call: next, raw: '' };
      else if (result === 'self')
        return; // not a claim: cannot happen
      else current = result.changed;
    }
    // Stored once per version, so a retried sweep or a racing replica adds nothing.
    if (current?.call.status === 'unanswered') {
      await this.recorder.record(appId, current.call.sender, current.call);
    }
  }

  /** Refuses a user who is not (or no longer) a member of the group. */
  private async requireMember(appId: string, guid: string, uid: string): Promise<void> {
    const found = await this.bus.request(RPC.groups.memberGet, { appId, guid, uid });
    if (found.banned) {
      throw new DomainError('ERR_BANNED_GROUPMEMBER', `You are banned from the group ${guid}.`);
    }
    if (!found.member) {
      throw new DomainError('ERR_NOT_A_MEMBER', `You are not a member of the group ${guid}.`);
    }
  }
}

/** The members in the call now (an open stay). */
export function joinedUids(call: Call): string[] {
  return (call.participants ?? []).filter((p) => p.leftAt === undefined).map((p) => p.uid);
}

function bump(call: Call, change: Partial<Call>): Call {
  return { ...call, ...change, version: (call.version ?? 0) + 1 };
}

function leaveAll(call: Call, now: number, only?: string) {
  return (call.participants ?? []).map((p) =>
    p.leftAt === undefined && (only === undefined || p.uid === only) ? { ...p, leftAt: now } : p,
  );
}

/** What `uid` asking for `status` does to the group call, or the reference §3.3 refusal. */
function stepOf(call: Call, uid: string, status: CallStatus, now: number): Step {
  if (TERMINAL.has(call.status)) {
    throw new DomainError('ERR_CALL_TERMINATED', `The call has already ended (${call.status}).`);
  }
  const inCall = joinedUids(call).includes(uid);
  switch (status) {
    case 'ongoing':
      if (inCall) throw new DomainError('ERR_CALL_GROUP_ALREADY_JOINED', 'Already in the call.');
      return {
        next: bump(call, {
          status: 'ongoing',
          joinedAt: call.joinedAt ?? now,
          participants: [...(call.participants ?? []), { uid, joinedAt: now }],
        }),
        action: 'ongoing',
        line: 'claim',
      };
    case 'rejected':
      if (inCall) throw new DomainError('ERR_CALL_GROUP_ALREADY_JOINED', 'Already in the call.');
      return { next: bump(call, {}), action: 'rejected', line: 'none' };
    case 'ended': {
      if (!inCall) {
        if ((call.participants ?? []).some((p) => p.uid === uid)) {
          throw new DomainError('ERR_CALL_GROUP_ALREADY_LEFT', 'Already left the call.');
        }
        throw new DomainError('ERR_CALL_NOT_A_PART', 'The user is not a participant of the call.');
      }
      if (call.status === 'initiated') {
        throw new DomainError('ERR_CALL_NOT_STARTED', 'Nobody joined yet; cancel the call.');
      }
      const participants = leaveAll(call, now, uid);
      const last = participants.every((p) => p.leftAt !== undefined);
      return {
        next: bump(call, { participants, ...(last ? { status: 'ended', endedAt: now } : {}) }),
        action: last ? 'ended' : 'left',
        line: 'free',
      };
    }
    case 'cancelled':
    case 'unanswered':
      if (call.status === 'ongoing') {
        throw new DomainError('ERR_CALL_ONGOING_TO_INVALID', 'An ongoing call can only be left.');
      }
      if (uid !== call.sender) {
        throw new DomainError('ERR_CALL_INVALID_INIT', 'Only the caller can cancel the call.');
      }
      return {
        next: bump(call, { status, endedAt: now, participants: leaveAll(call, now) }),
        action: status,
        line: 'free',
      };
    default:
      throw new DomainError('ERR_CALL_GROUP_INVALID_STATUS', `A group call cannot be ${status}.`);
  }
}
