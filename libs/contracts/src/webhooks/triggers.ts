import { z } from 'zod';
import { EventDef, EVENTS } from '../subjects';

/** The envelope fields every event carries; a webhook's `data` is the event without them. */
const ENVELOPE_KEYS = new Set(['v', 'eventId', 'appId', 'occurredAt']);

/** A webhook trigger: CometChat's id, the event that fires it, and what it means. */
export interface WebhookTrigger {
  trigger: string;
  event: EventDef<z.ZodType>;
  description: string;
}

const trigger = (id: string, event: EventDef<z.ZodType>, description: string): WebhookTrigger => ({
  trigger: id,
  event,
  description,
});

/**
 * Every trigger an endpoint may subscribe to, one per event. Ids follow CometChat's (reference
 * §6.9: `message_sent`, `user_blocked`, `group_member_joined`, ...); those CometChat does not have
 * (users, roles, friends) are named the same way. A trigger id is never renamed: receivers
 * switch on it.
 */
export const WEBHOOK_TRIGGERS: readonly WebhookTrigger[] = [
  trigger('message_sent', EVENTS.messaging.messageCreated, 'A message was sent (any category).'),
  trigger('message_edited', EVENTS.messaging.messageEdited, 'A message was edited.'),
  trigger(
    'message_deleted',
    EVENTS.messaging.messageDeleted,
    'A message was deleted (soft, or permanently: its content erased).',
  ),
  trigger('message_reaction_added', EVENTS.messaging.reactionAdded, 'A user reacted to a message.'),
  trigger(
    'message_reaction_removed',
    EVENTS.messaging.reactionRemoved,
    'A user took back a reaction to a message.',
  ),
  trigger(
    'message_delivery_receipt',
    EVENTS.messaging.receiptDelivered,
    'A user received their conversation up to a message.',
  ),
  trigger(
    'message_read_receipt',
    EVENTS.messaging.receiptRead,
    'A user read their conversation up to a message.',
  ),
  trigger('user_created', EVENTS.users.userCreated, 'A user was created.'),
  trigger('user_updated', EVENTS.users.userUpdated, 'A user was updated.'),
  trigger('user_deleted', EVENTS.users.userDeleted, 'A user was deleted (soft or permanently).'),
  trigger('user_deactivated', EVENTS.users.userDeactivated, 'Users were deactivated.'),
  trigger('user_reactivated', EVENTS.users.userReactivated, 'Users were reactivated.'),
  trigger('user_blocked', EVENTS.users.blockAdded, 'A user blocked another.'),
  trigger('user_unblocked', EVENTS.users.blockRemoved, 'A user unblocked another.'),
  trigger('friend_added', EVENTS.users.friendAdded, 'Two users became friends.'),
  trigger('friend_removed', EVENTS.users.friendRemoved, 'Two users stopped being friends.'),
  trigger('role_created', EVENTS.users.roleCreated, 'A role was created.'),
  trigger('role_updated', EVENTS.users.roleUpdated, 'A role was updated.'),
  trigger('role_deleted', EVENTS.users.roleDeleted, 'A role was deleted.'),
  trigger('group_created', EVENTS.groups.groupCreated, 'A group was created.'),
  trigger('group_updated', EVENTS.groups.groupUpdated, 'A group was updated.'),
  trigger('group_deleted', EVENTS.groups.groupDeleted, 'A group was deleted.'),
  trigger('group_member_added', EVENTS.groups.memberAdded, 'A user was added to a group.'),
  trigger('group_member_joined', EVENTS.groups.memberJoined, 'A user joined a group.'),
  trigger('group_member_left', EVENTS.groups.memberLeft, 'A member left a group.'),
  trigger('group_member_kicked', EVENTS.groups.memberKicked, 'A member was kicked.'),
  trigger('group_member_banned', EVENTS.groups.memberBanned, 'A user was banned from a group.'),
  trigger('group_member_unbanned', EVENTS.groups.memberUnbanned, "A user's ban was lifted."),
  trigger(
    'group_member_scope_changed',
    EVENTS.groups.memberScopeChanged,
    "A member's scope changed.",
  ),
  trigger('group_owner_changed', EVENTS.groups.ownerChanged, 'A group changed hands.'),
];

/** The trigger an event fires, by its subject's tail (`<service>` and `<entity>.<pastTense>`). */
export function triggerForEvent(service: string, name: string): WebhookTrigger | undefined {
  return WEBHOOK_TRIGGERS.find((t) => t.event.service === service && t.event.name === name);
}

export function isWebhookTrigger(id: string): boolean {
  return WEBHOOK_TRIGGERS.some((t) => t.trigger === id);
}

/** A webhook's `data`: the event's own fields, without the envelope (v, eventId, appId, occurredAt). */
export function webhookData(event: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(event).filter(([k]) => !ENVELOPE_KEYS.has(k)));
}
