import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  MessageDeleteBodySchema,
  MessageEditBodySchema,
  MessageListQuerySchema,
  MessageListScope,
  MessageSendBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { deviceIdOf } from '../http/device-id';
import { JSON_CONTENT_TYPE, ok, okJson, pageAsList } from '../http/envelope';
import { idParam, messageIdParam } from '../http/params';
import { PlainRoute, plainRoute } from '../http/plain-routes';
import { v3 } from '../http/routes';
import { actingUid } from '../relationships/acting-user';

/**
 * Messages (reference §4.8). A user's token, or the REST key with onBehalfOf, sends and reads as
 * that user; the REST key alone sends as `app_system` and reads every message of the app. The
 * `resource` header (the client SDK's session id) comes back as the real-time frame's `deviceId`,
 * so the sending session drops its own copy.
 */
@Controller(v3('messages'))
@Allow('fullAccess', 'user')
export class MessagesController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200) // CometChat answers every success with 200, creates included
  @Header('content-type', JSON_CONTENT_TYPE)
  @ApiDoc({
    summary: 'Send a message to a user or a group (the reply is the stored message, with `seq`)',
    body: MessageSendBodySchema,
  })
  send(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    return sendMessage(this.bus, p, body, resource);
  }

  @Post(':id/thread')
  @HttpCode(200)
  @ApiDoc({
    summary:
      "Reply in the thread of a message (the body of a send; receiver may be left out: the parent's)",
    body: MessageSendBodySchema,
  })
  async reply(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const parentId = messageIdParam(id);
    const given = typeof body === 'object' && body !== null ? body : {};
    const message = parseOrThrow(MessageSendBodySchema, { ...given, parentId });
    return ok(
      await this.bus.request(RPC.messaging.messageSend, {
        appId: p.appId,
        sender: p.uid,
        deviceId: deviceIdOf(resource),
        message,
      }),
    );
  }

  @Get(':id/thread')
  @Header('content-type', JSON_CONTENT_TYPE)
  @ApiDoc({
    summary: "List the replies in the thread of a message (the message lists' filters)",
    query: MessageListQuerySchema,
  })
  async thread(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() query: unknown) {
    const parentId = messageIdParam(id);
    const q = parseOrThrow(MessageListQuerySchema, query ?? {});
    return pageAsList(
      await this.bus.requestJson(RPC.messaging.threadList, {
        appId: p.appId,
        viewer: p.uid,
        parentId,
        query: q,
      }),
    );
  }

  @Get()
  @Header('content-type', JSON_CONTENT_TYPE)
  @ApiDoc({
    summary: "List the app's messages (a user: the messages of their conversations)",
    query: MessageListQuerySchema,
  })
  list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    return listMessages(this.bus, p, { kind: 'all' }, query);
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get a message' })
  async get(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    return ok(
      await this.bus.request(RPC.messaging.messageGet, {
        appId: p.appId,
        viewer: p.uid,
        id: messageIdParam(id),
      }),
    );
  }

  @Put(':id')
  @ApiDoc({
    summary:
      'Edit a message (`data.text`, `data.metadata`, `tags`): the reply is the `edited` action message, its `data.entities.on.entity` the edited message',
    body: MessageEditBodySchema,
  })
  async edit(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const edit = parseOrThrow(MessageEditBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.messaging.messageEdit, {
        appId: p.appId,
        actor: p.uid,
        deviceId: deviceIdOf(resource),
        id: messageIdParam(id),
        edit,
      }),
    );
  }

  @Delete(':id')
  @ApiDoc({
    summary:
      'Delete a message (soft; `permanent: true` erases its content): the reply is the `deleted` action message',
    body: MessageDeleteBodySchema,
  })
  async delete(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query() query: Record<string, unknown>,
    @Headers('resource') resource: string | undefined,
  ) {
    // In the body as the reference has it; a query parameter is accepted too.
    const fromBody = typeof body === 'object' && body !== null && !Array.isArray(body) ? body : {};
    const { permanent } = parseOrThrow(MessageDeleteBodySchema, { ...(query ?? {}), ...fromBody });
    return ok(
      await this.bus.request(RPC.messaging.messageDelete, {
        appId: p.appId,
        actor: p.uid,
        deviceId: deviceIdOf(resource),
        id: messageIdParam(id),
        permanent: permanent ?? false,
      }),
    );
  }

  @Get(':id/history')
  @ApiDoc({
    summary:
      "A message's revisions, oldest first: 0 as sent, then one per edit, each with `editedAt` and `editedBy`",
  })
  async history(@CurrentPrincipal() p: Principal, @Param('id') id: string) {
    const { revisions } = await this.bus.request(RPC.messaging.messageHistory, {
      appId: p.appId,
      viewer: p.uid,
      id: messageIdParam(id),
    });
    return ok(revisions);
  }
}

/** GET /users/{uid}/messages: the 1:1 conversation of the acting user with `uid`. */
@Controller(v3('users/:uid/messages'))
@Allow('fullAccess', 'user')
export class UserMessagesController {
  constructor(private readonly bus: MessageBus) {}

  @Get()
  @Header('content-type', JSON_CONTENT_TYPE)
  @ApiDoc({
    summary: "List the acting user's 1:1 messages with a user",
    query: MessageListQuerySchema,
  })
  list(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Query() query: unknown) {
    return listMessages(this.bus, p, userScope(uid), query);
  }
}

/** GET /groups/{guid}/messages: a group's messages, for its members and the app. */
@Controller(v3('groups/:guid/messages'))
@Allow('fullAccess', 'user')
export class GroupMessagesController {
  constructor(private readonly bus: MessageBus) {}

  @Get()
  @Header('content-type', JSON_CONTENT_TYPE)
  @ApiDoc({ summary: "List a group's messages (members only)", query: MessageListQuerySchema })
  list(@CurrentPrincipal() p: Principal, @Param('guid') guid: string, @Query() query: unknown) {
    return listMessages(this.bus, p, groupScope(guid), query);
  }
}

/** POST /messages: the stored message, or per receiver for `multipleReceivers` (as JSON text). */
async function sendMessage(
  bus: MessageBus,
  p: Principal,
  body: unknown,
  resource: string | undefined,
) {
  const message = parseOrThrow(MessageSendBodySchema, body ?? {});
  const request = { appId: p.appId, sender: p.uid, deviceId: deviceIdOf(resource), message };
  // To many receivers the reply is per receiver (reference §2.1's bulk shape). Sent on as the JSON
  // text messaging wrote.
  if (message.multipleReceivers !== undefined) {
    return okJson(await bus.requestJson(RPC.messaging.messageSendMany, request));
  }
  return okJson(await bus.requestJson(RPC.messaging.messageSend, request));
}

const userScope = (uid: string): MessageListScope => ({ kind: 'user', uid: idParam('uid', uid) });
const groupScope = (guid: string): MessageListScope => ({
  kind: 'group',
  guid: idParam('guid', guid),
});

/**
 * The hottest message routes (a send, a conversation's page), served without Nest's per-request
 * machinery (http/plain-routes.ts) by the functions their controller methods call.
 */
export function plainMessageRoutes(bus: MessageBus): PlainRoute[] {
  type Params = Record<string, string>;
  return [
    plainRoute(MessagesController, 'send', (p, req) =>
      sendMessage(bus, p, req.body, req.headers.resource as string | undefined),
    ),
    plainRoute(MessagesController, 'list', (p, req) =>
      listMessages(bus, p, { kind: 'all' }, req.query),
    ),
    plainRoute(UserMessagesController, 'list', (p, req) =>
      listMessages(bus, p, userScope((req.params as Params).uid), req.query),
    ),
    plainRoute(GroupMessagesController, 'list', (p, req) =>
      listMessages(bus, p, groupScope((req.params as Params).guid), req.query),
    ),
  ];
}

/** `{data: [messages, oldest first], meta: {current, next, cursor}}` (reference §2.2b). */
async function listMessages(
  bus: MessageBus,
  p: Principal,
  scope: MessageListScope,
  query: unknown,
) {
  const q = parseOrThrow(MessageListQuerySchema, query ?? {});
  if (q.count) {
    // The client SDK's getUnreadMessageCount*: `[{entityId, entityType, count}]` per conversation.
    const counts = await bus.request(RPC.messaging.unreadCounts, {
      appId: p.appId,
      viewer: actingUid(p),
      with: scope.kind === 'all' ? undefined : scope,
      receiverType: q.receiverType,
      undelivered: q.undelivered && !q.unread,
    });
    return { data: counts.items };
  }
  // Forwarded as messaging wrote it: the page is the largest reply the gateway passes on.
  return pageAsList(
    await bus.requestJson(RPC.messaging.messageList, {
      appId: p.appId,
      viewer: p.uid,
      scope,
      query: q,
    }),
  );
}
