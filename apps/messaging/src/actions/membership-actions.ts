import { Injectable } from '@nestjs/common';
import { EVENTS, GroupSnapshot, groupConversationId, MemberAction } from '@parley/contracts';
import { z } from 'zod';
import { eventName } from '../directory/directory-events';
import { ParticipantDirectory } from '../directory/participant-directory';
import { userEntity } from '../messages/message.mapper';
import { ActionMessageWriter } from './action-message.writer';
import { ActionRepository } from './action.repository';

const { groups } = EVENTS;

/** The membership events that make an action message, and the `data.action` each makes. */
const ACTIONS: ReadonlyArray<[{ name: string; schema: z.ZodType<MemberEvent> }, MemberAction]> = [
  [groups.memberJoined, 'joined'],
  [groups.memberLeft, 'left'],
  [groups.memberAdded, 'added'],
  [groups.memberKicked, 'kicked'],
  [groups.memberBanned, 'banned'],
  [groups.memberUnbanned, 'unbanned'],
  [groups.memberScopeChanged, 'scopeChanged'],
];
/** After these the user no longer hears the group's subject: they get the message on their own. */
const REMOVALS: ReadonlySet<MemberAction> = new Set(['left', 'kicked', 'banned']);

/** What every membership event carries (their schemas all extend it). */
interface MemberEvent {
  appId: string;
  eventId: string;
  guid: string;
  group: GroupSnapshot;
  actor: string;
  uid: string;
  imported?: true;
  joinedAt?: number | null;
  oldScope?: string;
  newScope?: string;
}

/**
 * Turns each group membership event into exactly one action message in the group's conversation
 * (reference §6.4): `sender` and `data.entities.by` = who acted, `on` = the member, `for` = the
 * group as the event describes it, and for a scope change `data.extras.scope = {new, old}`. The
 * event id keys the message, so a redelivered event finds it stored and writes nothing.
 *
 * No message for: imported memberships (history brought over, not something that happened); the
 * owner's own membership staged with a new group (the group's creation is not an "added"); an
 * ownership change (its scope change, if any, has its own event).
 */
@Injectable()
export class MembershipActions {
  constructor(
    private readonly writer: ActionMessageWriter,
    private readonly actions: ActionRepository,
    private readonly directory: ParticipantDirectory,
  ) {}

  /** An event of stream EVT_GROUPS; a payload that breaks its schema throws (redelivery). */
  async apply(subject: string, data: unknown): Promise<void> {
    const name = eventName(subject);
    const found = ACTIONS.find(([def]) => def.name === name);
    if (!found) return;
    const [def, action] = found;
    const event = def.schema.parse(data);
    if (event.imported || (action === 'added' && isOwnerAtCreation(event))) return;
    if (await this.actions.findBySourceEvent(event.appId, event.eventId)) return;

    const { appId, guid, group, actor, uid } = event;
    const users = await this.directory.profiles(appId, [actor, uid]);
    const extras =
      action === 'scopeChanged'
        ? { extras: { scope: { new: event.newScope, old: event.oldScope } } }
        : {};
    await this.writer.write(
      {
        appId,
        conversationId: groupConversationId(guid),
        sender: actor,
        receiver: guid,
        receiverType: 'group',
        type: 'groupMember',
        data: {
          action,
          entities: {
            by: { entity: userEntity(actor, users), entityType: 'user' },
            on: { entity: userEntity(uid, users), entityType: 'user' },
            for: { entity: group, entityType: 'group' },
          },
          ...extras,
        },
        participants: { users, groups: new Map([[guid, group]]) },
        sourceEventId: event.eventId,
      },
      { alsoTo: REMOVALS.has(action) ? [uid] : [] },
    );
  }
}

/**
 * The owner's membership that a group's creation stages (`member.added` of `group.owner`, joined
 * when the group was created). An owner is never added later: they cannot leave, and a transfer
 * is its own event.
 */
function isOwnerAtCreation(e: MemberEvent): boolean {
  return (
    e.uid === e.group.owner &&
    (e.actor === e.uid || e.group.createdAt === undefined || e.joinedAt === e.group.createdAt)
  );
}
