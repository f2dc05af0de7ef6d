import { Injectable } from '@nestjs/common';
import { DomainError, RpcHandler } from '@parley/common';
import {
  Call,
  CallActionSchema,
  CallSchema,
  pagination,
  RPC,
  RpcParsedRequest,
} from '@parley/contracts';
import { DataSource } from 'typeorm';

type R = typeof RPC.messaging;

const SESSION = `"data"->'entities'->'on'->'entity'->>'sessionid'`;

/**
 * The call log (reference §4.10) read from the stored call messages: per session, its latest
 * transition's call. `uid` limits it to that user's calls (caller, callee, or a member who joined
 * a group call).
 */
@Injectable()
export class CallLog {
  constructor(private readonly ds: DataSource) {}

  @RpcHandler(RPC.messaging.callLogList)
  async list({ appId, uid, perPage, page }: RpcParsedRequest<R['callLogList']>) {
    const rows = (await this.ds.query(
      `WITH last AS (
         SELECT DISTINCT ON (${SESSION}) "data"->'entities'->'on'->'entity' AS "call"
         FROM "messaging"."messages"
         WHERE "app_id" = $1 AND "category" = 'call'
           AND ($2::text IS NULL OR "sender" = $2 OR "receiver" = $2 OR "receiver_type" = 'group')
         ORDER BY ${SESSION}, "id" DESC)
       SELECT "call", count(*) OVER () AS "total" FROM last
       WHERE ${PARTY.replaceAll('$N', '$2')}
       ORDER BY ("call"->>'initiatedAt')::bigint DESC, "call"->>'sessionid'
       LIMIT $3 OFFSET $4`,
      [appId, uid ?? null, perPage, (page - 1) * perPage],
    )) as Array<{ call: unknown; total: string }>;
    const total = rows.length ? Number(rows[0].total) : 0;
    return {
      items: rows.map((r) => toCallLog(callOf(r.call))),
      pagination: pagination(total, rows.length, { perPage, page }),
    };
  }

  @RpcHandler(RPC.messaging.callLogGet)
  async get({ appId, uid, sessionId }: RpcParsedRequest<R['callLogGet']>) {
    const [row] = (await this.ds.query(
      `SELECT "data"->'entities'->'on'->'entity' AS "call" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "category" = 'call' AND ${SESSION} = $2
       ORDER BY "id" DESC LIMIT 1`,
      [appId, sessionId],
    )) as Array<{ call: unknown }>;
    const call = row && callOf(row.call);
    if (!call || (uid !== undefined && !isParty(call, uid))) {
      throw new DomainError('ERR_CALL_SESSION_NOT_FOUND', 'The call session does not exist.');
    }
    return toCallLog(call);
  }
}

/** A stored call message's call (its status is the message's action). */
const StoredCallSchema = CallSchema.extend({ status: CallActionSchema });

/**
 * The call as of its latest message. A group member's step (`left`, a member's `rejected`) leaves
 * the call as it was: ongoing once somebody joined, else still ringing.
 */
function callOf(json: unknown): Call {
  const stored = StoredCallSchema.parse(json);
  const { status } = stored;
  if (stored.receiverType === 'group' && (status === 'left' || status === 'rejected')) {
    return { ...stored, status: stored.joinedAt !== undefined ? 'ongoing' : 'initiated' };
  }
  return { ...stored, status: status === 'left' ? 'ongoing' : status };
}

/** `uid` ($N) is the caller, the callee, or joined the group call, or no uid is given. */
const PARTY = `($N::text IS NULL OR "call"->>'sender' = $N OR "call"->>'receiver' = $N
  OR coalesce("call"->'participants', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('uid', $N::text)))`;

function isParty(c: Call, uid: string): boolean {
  return (
    c.sender === uid || c.receiver === uid || (c.participants ?? []).some((p) => p.uid === uid)
  );
}

/**
 * A call as the call log shows it: statuses as the log spells them, the duration from the first
 * join (`joinedAt`) to the end, and each participant with their own minutes.
 */
export function toCallLog(c: Call): Record<string, unknown> {
  const started = c.joinedAt;
  const seconds = started !== undefined && c.endedAt !== undefined ? c.endedAt - started : 0;
  const participants =
    c.receiverType === 'group'
      ? groupParticipants(c)
      : [c.sender, c.receiver].map((uid) => ({
          uid,
          ...media(c, minutesOf(seconds)),
          isJoined: started !== undefined,
          ...(started !== undefined ? { joinedAt: started, leftAt: c.endedAt } : {}),
          state: stateOf(c, c.endedAt === undefined),
        }));
  return {
    sessionId: c.sessionid,
    type: c.type,
    mode: 'call',
    initiator: c.sender,
    receiver: c.receiver,
    receiverType: c.receiverType,
    status: c.status === 'cancelled' ? 'canceled' : c.status,
    ...media(c, minutesOf(seconds)),
    totalDuration: hms(seconds),
    totalParticipants: started === undefined ? 1 : participants.length,
    hasRecording: false,
    hasTranscription: false,
    initiatedAt: c.initiatedAt,
    startedAt: started ?? c.initiatedAt,
    ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
    participants,
  };
}

/**
 * A group call's members, each once, with the seconds of all their stays between the first join
 * and the end (a member who left and joined again has stayed twice).
 */
function groupParticipants(c: Call) {
  const started = c.joinedAt;
  const stays = c.participants ?? [];
  return [...new Set(stays.map((p) => p.uid))].map((uid) => {
    const mine = stays.filter((p) => p.uid === uid);
    const inCall = mine.some((p) => p.leftAt === undefined);
    const stayed = mine.reduce((sum, p) => {
      const to = p.leftAt ?? c.endedAt;
      if (started === undefined || to === undefined) return sum;
      return sum + Math.max(0, to - Math.max(p.joinedAt, started));
    }, 0);
    const lastLeft = mine[mine.length - 1].leftAt;
    return {
      uid,
      ...media(c, minutesOf(stayed)),
      isJoined: started !== undefined,
      joinedAt: mine[0].joinedAt,
      ...(!inCall && lastLeft !== undefined ? { leftAt: lastLeft } : {}),
      state: stateOf(c, inCall),
    };
  });
}

const stateOf = (c: Call, inCall: boolean) =>
  c.joinedAt === undefined ? 'unjoined' : inCall ? 'ongoing' : 'left';

const minutesOf = (seconds: number) => Math.round((seconds / 60) * 1000) / 1000;

const media = (c: Call, m: number) => ({
  totalAudioMinutes: c.type === 'audio' ? m : 0,
  totalVideoMinutes: c.type === 'video' ? m : 0,
  totalDurationInMinutes: m,
});

const hms = (s: number) =>
  [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
