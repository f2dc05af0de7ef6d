import { Injectable } from '@nestjs/common';
import { groupConversationId, MemberAction, Message } from '@parley/contracts';
import { MessageViews } from '../messages/message-views';
import { ActionRepository } from './action.repository';

const FIRST_POLL_MS = 10;
const MAX_POLL_MS = 100;

/**
 * The action messages of a membership change, for the gateway's replies (join: the `joined`
 * message; add members: each `added` message). The groups service commits the change and its
 * events; this service's consumer then stores the messages, normally within milliseconds. The
 * gateway marks the conversation's seq before the change and asks for the messages after it,
 * which waits (polling the database, so whichever replica consumed the event is seen) until they
 * are all there or `waitMs` has passed.
 */
@Injectable()
export class ActionLookup {
  constructor(
    private readonly actions: ActionRepository,
    private readonly views: MessageViews,
  ) {}

  async mark(appId: string, guid: string): Promise<{ afterSeq: number }> {
    return { afterSeq: await this.actions.lastSeq(appId, groupConversationId(guid)) };
  }

  async await(q: {
    appId: string;
    guid: string;
    action: MemberAction;
    uids: string[];
    afterSeq: number;
    waitMs: number;
  }): Promise<{ messages: Record<string, Message> }> {
    const wanted = [...new Set(q.uids)];
    const deadline = Date.now() + q.waitMs;
    let pause = FIRST_POLL_MS;
    for (;;) {
      const rows = await this.actions.memberActionsAfter(
        q.appId,
        groupConversationId(q.guid),
        q.action,
        wanted,
        q.afterSeq,
      );
      const found = new Set(rows.map((r) => onUid(r.data)));
      if (found.size >= wanted.length || Date.now() + pause > deadline) {
        const messages: Record<string, Message> = {};
        for (const m of await this.views.renderMany(q.appId, rows)) {
          const uid = onUid(m.data);
          messages[uid] ??= m; // the first after the mark is this change's
        }
        return { messages };
      }
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, MAX_POLL_MS);
    }
  }
}

const onUid = (data: Record<string, unknown>): string =>
  String(
    (data.entities as { on?: { entity?: { uid?: string } } } | undefined)?.on?.entity?.uid ?? '',
  );
