import { Injectable } from '@nestjs/common';
import { MemberAction } from '@parley/contracts';
import { DataSource } from 'typeorm';
import { MessageRow } from '../messages/message.entity';

/** Look-ups of action messages (schema `messaging`), in raw SQL. */
@Injectable()
export class ActionRepository {
  constructor(private readonly ds: DataSource) {}

  async findBySourceEvent(appId: string, eventId: string): Promise<MessageRow | null> {
    const [row] = (await this.ds.query(
      `SELECT * FROM "messaging"."messages" WHERE "app_id" = $1 AND "source_event_id" = $2`,
      [appId, eventId],
    )) as MessageRow[];
    return row ?? null;
  }

  /** The conversation's last seq (0 before its first message). */
  async lastSeq(appId: string, conversationId: string): Promise<number> {
    const [row] = (await this.ds.query(
      `SELECT "last_seq" FROM "messaging"."conversations"
       WHERE "app_id" = $1 AND "conversation_id" = $2`,
      [appId, conversationId],
    )) as Array<{ last_seq: string }>;
    return row ? Number(row.last_seq) : 0;
  }

  /** The membership action messages `action` on `uids` after `afterSeq`, in seq order. */
  async memberActionsAfter(
    appId: string,
    conversationId: string,
    action: MemberAction,
    uids: string[],
    afterSeq: number,
  ): Promise<MessageRow[]> {
    return this.ds.query(
      `SELECT * FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "conversation_id" = $2 AND "seq" > $3
         AND "category" = 'action' AND "type" = 'groupMember' AND "data"->>'action' = $4
         AND "data" #>> '{entities,on,entity,uid}' = ANY($5::text[])
       ORDER BY "seq"`,
      [appId, conversationId, afterSeq, action, uids],
    );
  }
}
