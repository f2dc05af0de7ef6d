import { MessageBus, rootLogger } from '@parley/common';
import { GroupMemberResults, MemberAction, Message, RPC } from '@parley/contracts';

const log = rootLogger().child({ component: 'member-actions' });

/** How long a join or an add waits for its action messages before answering without them. */
const WAIT_MS = 3_000;

/**
 * The action messages that a membership change's replies carry (API.md §2: a join answers with
 * the `joined` message; reference §4.7: each added member's item carries its `added` message).
 *
 * The groups service commits the change and its events; messaging's consumer turns the events
 * into action messages, normally within milliseconds. So the gateway asks messaging for the
 * group conversation's seq before the change (`mark`), and after it for the messages that came
 * since (`collect`), which waits up to WAIT_MS. A committed change is never reported as failed:
 * when messaging cannot answer in time, the reply goes without the messages (logged), and they
 * still reach the group in real time and in its history.
 */
export class MemberActionReplies {
  constructor(private readonly bus: MessageBus) {}

  /** The conversation's seq now, or undefined when messaging did not answer. */
  async mark(appId: string, guid: string): Promise<number | undefined> {
    try {
      const mark = await this.bus.request(
        RPC.messaging.actionMark,
        { appId, guid },
        { timeoutMs: 1_000 },
      );
      return mark.afterSeq;
    } catch (err) {
      log.warn({ err, appId, guid }, 'no seq mark; the reply goes without action messages');
      return undefined;
    }
  }

  /** The `action` messages on `uids` after the mark, by uid (those that came in time). */
  async collect(
    appId: string,
    guid: string,
    action: MemberAction,
    uids: string[],
    afterSeq: number | undefined,
  ): Promise<Record<string, Message>> {
    if (afterSeq === undefined || !uids.length) return {};
    try {
      const { messages } = await this.bus.request(
        RPC.messaging.actionAwait,
        { appId, guid, action, uids, afterSeq, waitMs: WAIT_MS },
        { timeoutMs: WAIT_MS + 2_000 },
      );
      return messages;
    } catch (err) {
      log.warn({ err, appId, guid, action }, 'action messages late; the reply goes without them');
      return {};
    }
  }
}

/** The uids an add-members reply says were added (scope arrays, not `usersToBan`). */
export function addedUids(results: GroupMemberResults): string[] {
  const uids = new Set<string>();
  for (const array of ['admins', 'moderators', 'participants'] as const) {
    for (const [uid, item] of Object.entries(results[array] ?? {})) if (item.success) uids.add(uid);
  }
  return [...uids];
}

/** Each added member's item carries its `added` action message as `data`. */
export function withAddedMessages(
  results: GroupMemberResults,
  messages: Record<string, Message>,
): GroupMemberResults {
  const out: GroupMemberResults = { ...results };
  for (const array of ['admins', 'moderators', 'participants'] as const) {
    const items = results[array];
    if (!items) continue;
    out[array] = Object.fromEntries(
      Object.entries(items).map(([uid, item]) => [
        uid,
        item.success && messages[uid] ? { ...item, data: messages[uid] } : item,
      ]),
    );
  }
  return out;
}

/**
 * The `joined` message as the joiner's reply: its `for` entity is the group as they now see it
 * (`scope`, `hasJoined`, `joinedAt`), which is what the client SDK takes as the joined group.
 */
export function joinedReply(message: Message, group: Record<string, unknown>): Message {
  const entities = (message.data.entities ?? {}) as Record<string, unknown>;
  return {
    ...message,
    data: {
      ...message.data,
      entities: { ...entities, for: { entity: group, entityType: 'group' } },
    },
  };
}
