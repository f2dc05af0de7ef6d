/**
 * The one catalogue of NATS subjects (ARCHITECTURE.md §4). Producers and consumers import the same
 * constant and the same payload schema from here.
 *
 * A live subject is NEVER renamed: deployed services and customers' consumers depend on it. Add a
 * new subject (or a new payload version `v`) instead.
 */
import { z } from 'zod';
import * as app from './identity/app.schema';
import {
  UserErasureReportRequestSchema,
  UserErasureReportSchema,
  UserExportRequestSchema,
  UserExportSectionSchema,
} from './user-export.schema';
import * as key from './identity/api-key.schema';
import * as token from './identity/auth-token.schema';
import * as identityEvents from './identity/events.schema';
import { PrincipalSchema } from './identity/principal.schema';
import { VerifySchema } from './identity/verify.schema';
import * as user from './users/user.schema';
import * as userEvents from './users/events.schema';
import * as role from './users/role.schema';
import * as userImport from './users/user-import.schema';
import * as relation from './users/relationship.schema';
import * as memberEvents from './groups/member-events.schema';
import * as group from './groups/group.schema';
import * as groupEvents from './groups/group-events.schema';
import * as groupImport from './groups/group-import.schema';
import * as member from './groups/member.schema';
import * as memberLookup from './groups/member-lookup.schema';
import * as message from './messaging/message.schema';
import * as messageEvents from './messaging/message-events.schema';
import * as reaction from './messaging/reaction.schema';
import * as interaction from './messaging/interaction.schema';
import * as conversation from './messaging/conversation.schema';
import * as conversationEvents from './messaging/conversation-events.schema';
import * as action from './messaging/action.schema';
import * as messageImport from './messaging/message-import.schema';
import * as jwt from './realtime/jwt.schema';
import * as webhook from './webhooks/webhook.schema';
import * as presence from './presence/presence.schema';
import * as call from './presence/call.schema';
import { ApiKeySchema } from './identity/api-key.schema';
import { AuthTokenSchema } from './identity/auth-token.schema';
import { UserSchema } from './users/user.schema';

export interface RpcDef<Req extends z.ZodType, Res extends z.ZodType> {
  subject: string;
  request: Req;
  response: Res;
}

function rpc<Req extends z.ZodType, Res extends z.ZodType>(
  subject: string,
  request: Req,
  response: Res,
): RpcDef<Req, Res> {
  return { subject, request, response };
}

/** Paged list reply carried over RPC. */
function paged<T extends z.ZodType>(item: T) {
  return z.object({
    items: z.array(item),
    pagination: z.object({
      total: z.number(),
      count: z.number(),
      per_page: z.number(),
      current_page: z.number(),
      total_pages: z.number(),
    }),
  });
}

/** `rpc.<service>.user.export`: what a service with a schema holds about one user. */
const userExport = (service: string) =>
  rpc(`rpc.${service}.user.export`, UserExportRequestSchema, UserExportSectionSchema);

/** `rpc.<service>.user.erasure`: a service's report of one permanent erasure of a user. */
const userErasure = (service: string) =>
  rpc(`rpc.${service}.user.erasure`, UserErasureReportRequestSchema, UserErasureReportSchema);

const Success = z.object({ success: z.literal(true), message: z.string() });

/** Request/reply subjects `rpc.<service>.<entity>.<verb>`, served by queue group `<service>`. */
export const RPC = {
  identity: {
    userExport: userExport('identity'),
    userErasure: userErasure('identity'),
    appCreate: rpc('rpc.identity.app.create', app.AppCreateSchema, app.AppCreatedSchema),
    appList: rpc('rpc.identity.app.list', app.AppListSchema, z.array(app.AppSchema)),
    appGet: rpc('rpc.identity.app.get', app.AppRefSchema, app.AppSchema),
    appUpdate: rpc('rpc.identity.app.update', app.AppUpdateSchema, app.AppSchema),
    appDelete: rpc('rpc.identity.app.delete', app.AppRefSchema, Success),
    apiKeyCreate: rpc('rpc.identity.apikey.create', key.ApiKeyCreateSchema, ApiKeySchema),
    apiKeyList: rpc('rpc.identity.apikey.list', key.ApiKeyListSchema, paged(ApiKeySchema)),
    apiKeyGet: rpc('rpc.identity.apikey.get', key.ApiKeyRefSchema, ApiKeySchema),
    apiKeyUpdate: rpc('rpc.identity.apikey.update', key.ApiKeyUpdateSchema, ApiKeySchema),
    apiKeyDelete: rpc('rpc.identity.apikey.delete', key.ApiKeyRefSchema, Success),
    tokenCreate: rpc('rpc.identity.token.create', token.AuthTokenCreateSchema, AuthTokenSchema),
    tokenList: rpc('rpc.identity.token.list', token.AuthTokenListSchema, paged(AuthTokenSchema)),
    tokenGet: rpc('rpc.identity.token.get', token.AuthTokenRefSchema, AuthTokenSchema),
    tokenUpdate: rpc('rpc.identity.token.update', token.AuthTokenUpdateSchema, AuthTokenSchema),
    tokenDelete: rpc('rpc.identity.token.delete', token.AuthTokenRefSchema, Success),
    tokenFlush: rpc('rpc.identity.token.flush', token.AuthTokenFlushSchema, Success),
    verify: rpc('rpc.identity.verify', VerifySchema, PrincipalSchema),
    /** The real-time JWT for a user's auth token (PUT /v3.0/me). */
    jwtIssue: rpc('rpc.identity.jwt.issue', jwt.JwtIssueSchema, jwt.JwtIssuedSchema),
    /** Signature, expiry, and that the auth token behind it still exists (WebSocket auth). */
    jwtVerify: rpc('rpc.identity.jwt.verify', jwt.JwtVerifySchema, jwt.RealtimePrincipalSchema),
  },
  users: {
    userExport: userExport('users'),
    userErasure: userErasure('users'),
    userCreate: rpc('rpc.users.user.create', user.UserCreateSchema, UserSchema),
    userGet: rpc('rpc.users.user.get', user.UserGetSchema, UserSchema),
    userList: rpc('rpc.users.user.list', user.UserListSchema, paged(UserSchema)),
    userGetMany: rpc(
      'rpc.users.user.getMany',
      user.UserGetManySchema,
      z.object({ users: z.array(UserSchema) }),
    ),
    userUpdate: rpc('rpc.users.user.update', user.UserUpdateSchema, UserSchema),
    userDelete: rpc(
      'rpc.users.user.delete',
      user.UserDeleteSchema,
      Success.extend({ erasureId: z.string().optional() }),
    ),
    friendAdd: rpc('rpc.users.friend.add', relation.FriendAddSchema, relation.FriendsAddedSchema),
    friendList: rpc('rpc.users.friend.list', relation.FriendListSchema, paged(UserSchema)),
    friendRemove: rpc('rpc.users.friend.remove', relation.FriendRemoveSchema, Success),
    blockAdd: rpc(
      'rpc.users.block.add',
      relation.BlockChangeSchema,
      relation.RelationshipResultsSchema,
    ),
    blockRemove: rpc(
      'rpc.users.block.remove',
      relation.BlockChangeSchema,
      relation.RelationshipResultsSchema,
    ),
    blockList: rpc(
      'rpc.users.block.list',
      relation.BlockListSchema,
      paged(relation.BlockedUserSchema),
    ),
    roleCreate: rpc('rpc.users.role.create', role.RoleCreateSchema, role.RoleSchema),
    roleList: rpc('rpc.users.role.list', role.RoleListSchema, paged(role.RoleSchema)),
    roleGet: rpc('rpc.users.role.get', role.RoleRefSchema, role.RoleSchema),
    roleUpdate: rpc('rpc.users.role.update', role.RoleUpdateSchema, role.RoleSchema),
    roleDelete: rpc('rpc.users.role.delete', role.RoleRefSchema, Success),
    usersDeactivate: rpc(
      'rpc.users.user.deactivate',
      user.UsersDeactivateSchema,
      z.object({ deactivatedUids: z.array(z.string()) }),
    ),
    usersActivate: rpc(
      'rpc.users.user.activate',
      user.UsersDeactivateSchema,
      z.object({ nonDeactivatedUids: z.array(z.string()) }),
    ),
    usersImport: rpc(
      'rpc.users.user.import',
      userImport.UserImportSchema,
      userImport.UserImportResultSchema,
    ),
    /** Every friend of a user (a gateway follows their presence for `FRIENDS` subscriptions). */
    friendUidsOf: rpc(
      'rpc.users.friend.uidsOf',
      z.object({ appId: z.string(), uid: z.string() }),
      z.object({ uids: z.array(z.string()) }),
    ),
    /** Whom a user blocked and who blocked them (a gateway hides their presence from each other). */
    blocksOf: rpc(
      'rpc.users.block.of',
      z.object({ appId: z.string(), uid: z.string() }),
      z.object({ blockedByMe: z.array(z.string()), hasBlockedMe: z.array(z.string()) }),
    ),
  },
  groups: {
    userExport: userExport('groups'),
    userErasure: userErasure('groups'),
    groupCreate: rpc('rpc.groups.group.create', group.GroupCreateSchema, group.GroupCreatedSchema),
    groupGet: rpc('rpc.groups.group.get', group.GroupGetSchema, group.GroupSchema),
    groupList: rpc(
      'rpc.groups.group.list',
      group.GroupListSchema,
      paged(group.GroupSchema).extend({ cursor: group.GroupCursorSchema.optional() }),
    ),
    groupUpdate: rpc('rpc.groups.group.update', group.GroupUpdateSchema, group.GroupSchema),
    groupDelete: rpc('rpc.groups.group.delete', group.GroupDeleteSchema, Success),
    groupsImport: rpc(
      'rpc.groups.group.import',
      groupImport.GroupImportSchema,
      groupImport.GroupImportResultSchema,
    ),
    memberAdd: rpc('rpc.groups.member.add', member.MemberAddSchema, group.GroupMemberResultsSchema),
    memberJoin: rpc('rpc.groups.member.join', member.MemberJoinSchema, group.GroupSchema),
    memberLeave: rpc('rpc.groups.member.leave', member.MemberLeaveSchema, Success),
    memberList: rpc(
      'rpc.groups.member.list',
      member.MemberListSchema,
      paged(member.GroupMemberSchema),
    ),
    memberScopeSet: rpc(
      'rpc.groups.member.scopeSet',
      member.MemberScopeSetSchema,
      member.MemberScopeResultSchema,
    ),
    memberKick: rpc('rpc.groups.member.kick', member.MemberTargetSchema, Success),
    membersImport: rpc(
      'rpc.groups.member.import',
      member.MemberImportSchema,
      member.MemberImportResultSchema,
    ),
    banAdd: rpc('rpc.groups.ban.add', member.MemberTargetSchema, Success),
    banRemove: rpc('rpc.groups.ban.remove', member.MemberTargetSchema, Success),
    banList: rpc('rpc.groups.ban.list', member.BannedListSchema, paged(member.BannedMemberSchema)),
    ownerTransfer: rpc('rpc.groups.owner.transfer', member.MemberTargetSchema, group.GroupSchema),
    /** What a uid is to a group now (messaging's fallback when its membership model has not heard yet). */
    memberGet: rpc(
      'rpc.groups.member.get',
      memberLookup.MemberGetSchema,
      memberLookup.MemberLookupSchema,
    ),
    /** Every group the user is a member of (a gateway subscribes to their delivery subjects). */
    memberGroupsOf: rpc(
      'rpc.groups.member.groupsOf',
      z.object({ appId: z.string(), uid: z.string() }),
      z.object({ guids: z.array(z.string()) }),
    ),
    /** How many members of each group are online, for a user who is a member of them. */
    onlineMemberCounts: rpc(
      'rpc.groups.member.onlineCounts',
      z.object({ appId: z.string(), uid: z.string(), guids: z.array(z.string()).min(1).max(100) }),
      z.object({ groups: z.record(z.string(), z.number().int().nonnegative()) }),
    ),
  },
  messaging: {
    userExport: userExport('messaging'),
    userErasure: userErasure('messaging'),
    /** Stores one call transition as a `call` message (presence owns the call's state). */
    callMessageStore: rpc(
      'rpc.messaging.call.store',
      call.CallMessageStoreSchema,
      call.CallMessageReplySchema,
    ),
    /** The call log: one entry per call session, newest first, from the stored call messages. */
    callLogList: rpc(
      'rpc.messaging.callLog.list',
      call.CallLogListSchema,
      paged(call.CallLogSchema),
    ),
    callLogGet: rpc('rpc.messaging.callLog.get', call.CallLogGetSchema, call.CallLogSchema),
    messageSend: rpc(
      'rpc.messaging.message.send',
      message.MessageSendSchema,
      message.MessageSchema,
    ),
    messageGet: rpc('rpc.messaging.message.get', message.MessageGetSchema, message.MessageSchema),
    messageList: rpc(
      'rpc.messaging.message.list',
      message.MessageListSchema,
      message.MessagePageSchema,
    ),
    /** Add a reaction; the reply is the message with its `data.reactions` as the reactor sees it. */
    reactionAdd: rpc(
      'rpc.messaging.reaction.add',
      reaction.ReactionChangeSchema,
      message.MessageSchema,
    ),
    reactionRemove: rpc(
      'rpc.messaging.reaction.remove',
      reaction.ReactionChangeSchema,
      message.MessageSchema,
    ),
    reactionList: rpc(
      'rpc.messaging.reaction.list',
      reaction.ReactionListSchema,
      reaction.ReactionPageSchema,
    ),
    messageInteracted: rpc(
      'rpc.messaging.message.interacted',
      interaction.MessageInteractedSchema,
      Success,
    ),
    conversationList: rpc(
      'rpc.messaging.conversation.list',
      conversation.ConversationListSchema,
      paged(conversation.ConversationSchema),
    ),
    conversationGet: rpc(
      'rpc.messaging.conversation.get',
      conversation.ConversationRefSchema,
      conversation.ConversationSchema,
    ),
    conversationTag: rpc(
      'rpc.messaging.conversation.tag',
      conversation.ConversationTagSchema,
      conversation.ConversationSchema,
    ),
    conversationDelete: rpc(
      'rpc.messaging.conversation.delete',
      conversation.ConversationRefSchema,
      Success,
    ),
    conversationMarkUnread: rpc(
      'rpc.messaging.conversation.markUnread',
      conversation.MarkUnreadSchema,
      conversation.ConversationSchema,
    ),
    unreadCounts: rpc(
      'rpc.messaging.conversation.unreadCounts',
      conversation.UnreadCountsSchema,
      z.object({ items: z.array(conversation.UnreadCountSchema) }),
    ),
    /** Delivered/read marks, from REST and from the WebSocket's `receipts` frames. */
    receiptMark: rpc('rpc.messaging.receipt.mark', conversation.ReceiptMarkSchema, Success),
    receiptList: rpc(
      'rpc.messaging.receipt.list',
      conversation.ReceiptListSchema,
      paged(conversation.MessageReceiptSchema),
    ),
    /** Edit and delete: the reply is the `edited` / `deleted` action message (reference §4.8). */
    messageEdit: rpc(
      'rpc.messaging.message.edit',
      message.MessageEditSchema,
      message.MessageSchema,
    ),
    messageDelete: rpc(
      'rpc.messaging.message.delete',
      message.MessageDeleteSchema,
      message.MessageSchema,
    ),
    messageHistory: rpc(
      'rpc.messaging.message.history',
      message.MessageGetSchema,
      z.object({ revisions: z.array(message.MessageRevisionSchema) }),
    ),
    /** A group conversation's last seq, before a membership change (see actionAwait). */
    actionMark: rpc(
      'rpc.messaging.action.mark',
      action.ActionMarkSchema,
      action.ActionMarkResultSchema,
    ),
    /** The action messages of a membership change, once its events have been turned into them. */
    actionAwait: rpc(
      'rpc.messaging.action.await',
      action.ActionAwaitSchema,
      action.ActionAwaitResultSchema,
    ),
    /** A send with `multipleReceivers`: one message per receiver, results per receiver. */
    messageSendMany: rpc(
      'rpc.messaging.message.sendMany',
      message.MessageSendSchema,
      message.MessageSendManyResultSchema,
    ),
    threadList: rpc(
      'rpc.messaging.thread.list',
      message.ThreadListSchema,
      message.MessagePageSchema,
    ),
    messagesImport: rpc(
      'rpc.messaging.message.import',
      messageImport.MessageImportSchema,
      messageImport.MessageImportResultSchema,
    ),
  },
  /** The operator's webhook endpoints and their delivery logs (API.md §3). */
  webhooks: {
    webhookCreate: rpc(
      'rpc.webhooks.webhook.create',
      webhook.WebhookCreateSchema,
      webhook.WebhookSchema,
    ),
    webhookList: rpc(
      'rpc.webhooks.webhook.list',
      webhook.WebhookListSchema,
      paged(webhook.WebhookSchema),
    ),
    webhookGet: rpc('rpc.webhooks.webhook.get', webhook.WebhookRefSchema, webhook.WebhookSchema),
    webhookUpdate: rpc(
      'rpc.webhooks.webhook.update',
      webhook.WebhookUpdateSchema,
      webhook.WebhookSchema,
    ),
    webhookDelete: rpc('rpc.webhooks.webhook.delete', webhook.WebhookRefSchema, Success),
    triggersAdd: rpc(
      'rpc.webhooks.triggers.add',
      webhook.WebhookTriggersChangeSchema,
      webhook.WebhookSchema,
    ),
    triggersRemove: rpc(
      'rpc.webhooks.triggers.remove',
      webhook.WebhookTriggersChangeSchema,
      webhook.WebhookSchema,
    ),
    deliveryList: rpc(
      'rpc.webhooks.delivery.list',
      webhook.DeliveryListSchema,
      paged(webhook.DeliverySchema),
    ),
    deliveryRedeliver: rpc(
      'rpc.webhooks.delivery.redeliver',
      webhook.DeliveryRedeliverSchema,
      webhook.DeliverySchema,
    ),
  },
  presence: {
    /** The SDK's initiateCall: the reply is the `initiated` (or `busy`) call message. */
    callInitiate: rpc(
      'rpc.presence.call.initiate',
      call.CallInitiateSchema,
      call.CallMessageReplySchema,
    ),
    /** Accept, reject, busy, cancel, unanswered, end: the reply is the transition's message. */
    callUpdate: rpc('rpc.presence.call.update', call.CallUpdateSchema, call.CallMessageReplySchema),
    /** A party's signalling for the other parties of its call, relayed and never stored. */
    callSignal: rpc('rpc.presence.call.signal', call.CallSignalSchema, call.CallSignalReplySchema),
    /** A gateway authenticated a socket. */
    connectionOpened: rpc(
      'rpc.presence.connection.opened',
      presence.PresenceConnectionSchema,
      z.object({ online: z.boolean() }),
    ),
    /** A gateway's socket closed. */
    connectionClosed: rpc(
      'rpc.presence.connection.closed',
      presence.PresenceConnectionSchema,
      z.object({ offline: z.boolean() }),
    ),
    gatewayHeartbeat: rpc(
      'rpc.presence.gateway.heartbeat',
      presence.GatewayHeartbeatSchema,
      presence.GatewayHeartbeatReplySchema,
    ),
    gatewaySync: rpc(
      'rpc.presence.gateway.sync',
      presence.GatewaySyncSchema,
      presence.GatewayHeartbeatReplySchema,
    ),
    /** A gateway shutting down: its sockets are closed at once, not after the TTL. */
    gatewayLeft: rpc(
      'rpc.presence.gateway.left',
      presence.GatewayHeartbeatSchema,
      z.object({ closed: z.number().int() }),
    ),
    /** The uids of an app that are online now (the users list `status` filter). */
    onlineList: rpc(
      'rpc.presence.online.list',
      presence.OnlineListSchema,
      presence.OnlineListReplySchema,
    ),
    /** How many users of an app, or of some uids, are online (online member counts). */
    onlineCount: rpc(
      'rpc.presence.online.count',
      presence.OnlineCountSchema,
      presence.OnlineCountReplySchema,
    ),
    /** `online` and `lastActiveAt` of some users (user reads). */
    userGetMany: rpc(
      'rpc.presence.user.getMany',
      presence.PresenceGetManySchema,
      presence.PresenceGetManyReplySchema,
    ),
  },
} as const;

export type RpcRequest<D> = D extends RpcDef<infer Req, z.ZodType> ? z.input<Req> : never;
export type RpcParsedRequest<D> = D extends RpcDef<infer Req, z.ZodType> ? z.output<Req> : never;
export type RpcResponse<D> = D extends RpcDef<z.ZodType, infer Res> ? z.output<Res> : never;

export interface EventDef<S extends z.ZodType> {
  /** The owning service: the event lives in stream `EVT_<SERVICE>`. */
  service: string;
  /** `<entity>.<pastTense>`, the tail of the subject. */
  name: string;
  schema: S;
  subject(appId: string): string;
  /** Wildcard over every app, for consumers. */
  allApps: string;
}

function event<S extends z.ZodType>(service: string, name: string, schema: S): EventDef<S> {
  return {
    service,
    name,
    schema,
    subject: (appId: string) => `evt.${service}.${appId}.${name}`,
    allApps: `evt.${service}.*.${name}`,
  };
}

/** Domain events `evt.<service>.<appId>.<entity>.<pastTense>`, durable in JetStream. */
export const EVENTS = {
  identity: {
    apiKeyRevoked: event('identity', 'apikey.revoked', identityEvents.ApiKeyRevokedEventSchema),
    tokenRevoked: event('identity', 'token.revoked', identityEvents.AuthTokenRevokedEventSchema),
    appDeleted: event('identity', 'app.deleted', identityEvents.AppDeletedEventSchema),
  },
  users: {
    userCreated: event('users', 'user.created', userEvents.UserEventSchema),
    userUpdated: event('users', 'user.updated', userEvents.UserEventSchema),
    userDeleted: event('users', 'user.deleted', userEvents.UserDeletedEventSchema),
    friendAdded: event('users', 'friend.added', userEvents.FriendEventSchema),
    friendRemoved: event('users', 'friend.removed', userEvents.FriendEventSchema),
    blockAdded: event('users', 'block.added', userEvents.BlockEventSchema),
    blockRemoved: event('users', 'block.removed', userEvents.BlockEventSchema),
    roleCreated: event('users', 'role.created', userEvents.RoleEventSchema),
    roleUpdated: event('users', 'role.updated', userEvents.RoleEventSchema),
    roleDeleted: event('users', 'role.deleted', userEvents.RoleDeletedEventSchema),
    userDeactivated: event('users', 'user.deactivated', userEvents.UsersActivationEventSchema),
    userReactivated: event('users', 'user.reactivated', userEvents.UsersActivationEventSchema),
  },
  groups: {
    groupCreated: event('groups', 'group.created', groupEvents.GroupEventSchema),
    groupUpdated: event('groups', 'group.updated', groupEvents.GroupEventSchema),
    groupDeleted: event('groups', 'group.deleted', groupEvents.GroupDeletedEventSchema),
    memberAdded: event('groups', 'member.added', memberEvents.MemberAddedEventSchema),
    memberJoined: event('groups', 'member.joined', memberEvents.MemberJoinedEventSchema),
    memberLeft: event('groups', 'member.left', memberEvents.MemberRemovedEventSchema),
    memberKicked: event('groups', 'member.kicked', memberEvents.MemberRemovedEventSchema),
    memberBanned: event('groups', 'member.banned', memberEvents.MemberBannedEventSchema),
    memberUnbanned: event('groups', 'member.unbanned', memberEvents.MemberUnbannedEventSchema),
    memberScopeChanged: event(
      'groups',
      'member.scopeChanged',
      memberEvents.MemberScopeChangedEventSchema,
    ),
    ownerChanged: event('groups', 'group.ownerChanged', memberEvents.OwnerChangedEventSchema),
  },
  messaging: {
    messageCreated: event('messaging', 'message.created', messageEvents.MessageCreatedEventSchema),
    reactionAdded: event('messaging', 'reaction.added', reaction.ReactionEventSchema),
    reactionRemoved: event('messaging', 'reaction.removed', reaction.ReactionEventSchema),
    messageInteracted: event(
      'messaging',
      'message.interacted',
      interaction.MessageInteractedEventSchema,
    ),
    receiptDelivered: event(
      'messaging',
      'receipt.delivered',
      conversationEvents.ReceiptEventSchema,
    ),
    receiptRead: event('messaging', 'receipt.read', conversationEvents.ReceiptEventSchema),
    conversationUpdated: event(
      'messaging',
      'conversation.updated',
      conversationEvents.ConversationUpdatedEventSchema,
    ),
    messageEdited: event('messaging', 'message.edited', messageEvents.MessageEditedEventSchema),
    messageDeleted: event('messaging', 'message.deleted', messageEvents.MessageDeletedEventSchema),
  },
  presence: {
    userOnline: event('presence', 'user.online', presence.PresenceEventSchema),
    userOffline: event('presence', 'user.offline', presence.PresenceEventSchema),
  },
} as const;

export type EventPayload<D> = D extends EventDef<infer S> ? z.input<S> : never;

/**
 * How long every JetStream stream keeps its events (file storage, limits retention): a consumer may
 * be down this long without missing one. Retried publishes of one event id within the duplicate
 * window are stored once.
 */
export const STREAM_RETENTION = {
  maxAgeSeconds: 7 * 24 * 3600,
  duplicateWindowSeconds: 120,
} as const;

/** JetStream streams, one per owning service, configured in one place (STYLE.md §8). */
export const STREAMS = [
  { name: 'EVT_IDENTITY', subjects: ['evt.identity.>'] },
  { name: 'EVT_USERS', subjects: ['evt.users.>'] },
  { name: 'EVT_GROUPS', subjects: ['evt.groups.>'] },
  { name: 'EVT_MESSAGING', subjects: ['evt.messaging.>'] },
  { name: 'EVT_PRESENCE', subjects: ['evt.presence.>'] },
] as const;

/** Real-time delivery subjects (core NATS, never stored). */
export const deliverToUserSubject = (appId: string, uid: string) => `deliver.${appId}.u.${uid}`;
export const deliverToGroupSubject = (appId: string, guid: string) => `deliver.${appId}.g.${guid}`;

/**
 * Presence frames (core NATS, never stored): one publish per change on
 * `eph.presence.<appId>.<role>.<uid>`, so a gateway subscribes by interest: `<appId>.*.*` for a
 * socket that follows all users, `<appId>.<role>.*` per followed role, `<appId>.*.<uid>` per friend.
 */
export const presenceSubject = (appId: string, role: string, uid: string) =>
  `eph.presence.${appId}.${role}.${uid}`;
export const presenceOfAllSubject = (appId: string) => `eph.presence.${appId}.*.*`;
export const presenceOfRoleSubject = (appId: string, role: string) =>
  `eph.presence.${appId}.${role}.*`;
export const presenceOfUserSubject = (appId: string, uid: string) =>
  `eph.presence.${appId}.*.${uid}`;
