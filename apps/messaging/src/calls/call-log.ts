import { Injectable } from '@nestjs/common';
import { DomainError, RpcHandler } from '@parley/common';
import { Call, CallSchema, pagination, RPC, RpcParsedRequest } from '@parley/contracts';
import { DataSource } from 'typeorm';

type R = typeof RPC.messaging;

const SESSION = `"data"->'entities'->'on'->'entity'->>'sessionid'`;

/**
 * The call log (reference §4.10) read from the stored call messages: per session, its latest
 * transition's call. `uid` limits it to that user's calls (caller or callee).
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
           AND ($2::text IS NULL OR "sender" = $2 OR "receiver" = $2)
         ORDER BY ${SESSION}, "id" DESC)
       SELECT "call", count(*) OVER () AS "total" FROM last
       ORDER BY ("call"->>'initiatedAt')::bigint DESC, "call"->>'sessionid'
       LIMIT $3 OFFSET $4`,
      [appId, uid ?? null, perPage, (page - 1) * perPage],
    )) as Array<{ call: unknown; total: string }>;
    const total = rows.length ? Number(rows[0].total) : 0;
    return {
      items: rows.map((r) => toCallLog(CallSchema.parse(r.call))),
      pagination: pagination(total, rows.length, { perPage, page }),
    };
  }

  @RpcHandler(RPC.messaging.callLogGet)
  async get({ appId, uid, sessionId }: RpcParsedRequest<R['callLogGet']>) {
    const [row] = (await this.ds.query(
      `SELECT "data"->'entities'->'on'->'entity' AS "call" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "category" = 'call' AND ${SESSION} = $2
         AND ($3::text IS NULL OR "sender" = $3 OR "receiver" = $3)
       ORDER BY "id" DESC LIMIT 1`,
      [appId, sessionId, uid ?? null],
    )) as Array<{ call: unknown }>;
    if (!row) {
      throw new DomainError('ERR_CALL_SESSION_NOT_FOUND', 'The call session does not exist.');
    }
    return toCallLog(CallSchema.parse(row.call));
  }
}

/** A call as the call log shows it: statuses as the log spells them, durations from joinedAt. */
export function toCallLog(c: Call): Record<string, unknown> {
  const seconds = c.joinedAt !== undefined && c.endedAt !== undefined ? c.endedAt - c.joinedAt : 0;
  const minutes = Math.round((seconds / 60) * 1000) / 1000;
  const media = (m: number) => ({
    totalAudioMinutes: c.type === 'audio' ? m : 0,
    totalVideoMinutes: c.type === 'video' ? m : 0,
    totalDurationInMinutes: m,
  });
  const joined = c.joinedAt !== undefined;
  const participant = (uid: string) => ({
    uid,
    ...media(joined ? minutes : 0),
    isJoined: joined,
    ...(joined ? { joinedAt: c.joinedAt, leftAt: c.endedAt } : {}),
    state: joined ? (c.endedAt !== undefined ? 'left' : 'ongoing') : 'unjoined',
  });
  return {
    sessionId: c.sessionid,
    type: c.type,
    mode: 'call',
    initiator: c.sender,
    receiver: c.receiver,
    receiverType: c.receiverType,
    status: c.status === 'cancelled' ? 'canceled' : c.status,
    ...media(minutes),
    totalDuration: hms(seconds),
    totalParticipants: joined ? 2 : 1,
    hasRecording: false,
    hasTranscription: false,
    initiatedAt: c.initiatedAt,
    startedAt: c.joinedAt ?? c.initiatedAt,
    ...(c.endedAt !== undefined ? { endedAt: c.endedAt } : {}),
    participants: [participant(c.sender), participant(c.receiver)],
  };
}

const hms = (s: number) =>
  [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60]
    .map((n) => String(n).padStart(2, '0'))
    .join(':');
