import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
} from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  ConversationDeleteBodySchema,
  ConversationListQuerySchema,
  ConversationTagBodySchema,
  ConversationTarget,
  MessageIdSchema,
  PageQuerySchema,
  Principal,
  ReceiptBoundaryBodySchema,
  ReceiptKind,
  RPC,
} from '@parley/contracts';
import { z } from 'zod';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { actingUid } from '../relationships/acting-user';

/** The `resource` header (the client SDK's session id), echoed as the receipt frame's deviceId. */
const session = (resource: string | undefined) =>
  resource?.trim() ? resource.trim().slice(0, 255) : undefined;

/**
 * The routes of one conversation of the acting user (reference §4.9; the SDK's
 * get/update/delete/mark*Conversation calls), for `/users/{uid}/conversation` and
 * `/groups/{guid}/conversation` alike.
 */
class ConversationRoutes {
  constructor(private readonly bus: MessageBus) {}

  async get(p: Principal, target: ConversationTarget) {
    const viewer = actingUid(p);
    return ok(
      await this.bus.request(RPC.messaging.conversationGet, {
        appId: p.appId,
        viewer,
        with: target,
      }),
    );
  }

  async tag(p: Principal, target: ConversationTarget, body: unknown) {
    const { tags } = parseOrThrow(ConversationTagBodySchema, body ?? {});
    const viewer = actingUid(p);
    return ok(
      await this.bus.request(RPC.messaging.conversationTag, {
        appId: p.appId,
        viewer,
        with: target,
        tags,
      }),
    );
  }

  async delete(p: Principal, target: ConversationTarget, body: unknown) {
    parseOrThrow(ConversationDeleteBodySchema, body ?? {});
    const viewer = actingUid(p);
    return ok(
      await this.bus.request(RPC.messaging.conversationDelete, {
        appId: p.appId,
        viewer,
        with: target,
      }),
    );
  }

  async mark(
    p: Principal,
    target: ConversationTarget,
    kind: ReceiptKind,
    body: unknown,
    resource: string | undefined,
  ) {
    const { messageId } = parseOrThrow(ReceiptBoundaryBodySchema, body ?? {});
    const viewer = actingUid(p);
    return ok(
      await this.bus.request(RPC.messaging.receiptMark, {
        appId: p.appId,
        viewer,
        with: target,
        kind,
        messageId,
        deviceId: session(resource),
      }),
    );
  }

  /** DELETE .../conversation/read: the SDK may send `messageId` in the body or the query. */
  async markUnread(p: Principal, target: ConversationTarget, body: unknown, query: unknown) {
    const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
    const { messageId } = parseOrThrow(z.object({ messageId: MessageIdSchema }), {
      messageId: b.messageId ?? q.messageId,
    });
    const viewer = actingUid(p);
    const conversation = await this.bus.request(RPC.messaging.conversationMarkUnread, {
      appId: p.appId,
      viewer,
      with: target,
      messageId,
    });
    return ok({
      success: true,
      message: `The messages from ${messageId} on are marked as unread.`,
      conversation,
    });
  }
}

/** GET /conversations: the acting user's conversations, newest activity first. */
@Controller(v3('conversations'))
@Allow('fullAccess', 'user')
export class ConversationsController {
  constructor(private readonly bus: MessageBus) {}

  @Get()
  @ApiDoc({
    summary: "List the acting user's conversations with unread counts and last messages",
    query: ConversationListQuerySchema,
  })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(ConversationListQuerySchema, query ?? {});
    const viewer = actingUid(p);
    return paged(
      await this.bus.request(RPC.messaging.conversationList, {
        appId: p.appId,
        viewer,
        query: q,
      }),
    );
  }
}

/** /users/{uid}/conversation: the acting user's 1:1 conversation with `uid`. */
@Controller(v3('users/:uid/conversation'))
@Allow('fullAccess', 'user')
export class UserConversationController {
  private readonly routes: ConversationRoutes;

  constructor(bus: MessageBus) {
    this.routes = new ConversationRoutes(bus);
  }

  private target(uid: string): ConversationTarget {
    return { kind: 'user', uid: idParam('uid', uid) };
  }

  @Get()
  @ApiDoc({ summary: 'Get the conversation with a user' })
  get(@CurrentPrincipal() p: Principal, @Param('uid') uid: string) {
    return this.routes.get(p, this.target(uid));
  }

  @Put()
  @ApiDoc({ summary: 'Tag the conversation with a user', body: ConversationTagBodySchema })
  tag(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    return this.routes.tag(p, this.target(uid), body);
  }

  @Delete()
  @ApiDoc({ summary: 'Delete the conversation with a user, for the acting user only' })
  delete(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Body() body: unknown) {
    return this.routes.delete(p, this.target(uid), body);
  }

  @Post('delivered')
  @HttpCode(200)
  @ApiDoc({ summary: 'Mark delivered up to a message', body: ReceiptBoundaryBodySchema })
  delivered(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.routes.mark(p, this.target(uid), 'delivered', body, resource);
  }

  @Post('read')
  @HttpCode(200)
  @ApiDoc({ summary: 'Mark read up to a message', body: ReceiptBoundaryBodySchema })
  read(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.routes.mark(p, this.target(uid), 'read', body, resource);
  }

  @Delete('read')
  @ApiDoc({ summary: 'Mark unread from a message on' })
  unread(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Body() body: unknown,
    @Query() query: unknown,
  ) {
    return this.routes.markUnread(p, this.target(uid), body, query);
  }
}

/** /groups/{guid}/conversation: the acting member's view of the group's conversation. */
@Controller(v3('groups/:guid/conversation'))
@Allow('fullAccess', 'user')
export class GroupConversationController {
  private readonly routes: ConversationRoutes;

  constructor(bus: MessageBus) {
    this.routes = new ConversationRoutes(bus);
  }

  private target(guid: string): ConversationTarget {
    return { kind: 'group', guid: idParam('guid', guid) };
  }

  @Get()
  @ApiDoc({ summary: "Get a group's conversation (members)" })
  get(@CurrentPrincipal() p: Principal, @Param('guid') guid: string) {
    return this.routes.get(p, this.target(guid));
  }

  @Put()
  @ApiDoc({ summary: "Tag a group's conversation", body: ConversationTagBodySchema })
  tag(@CurrentPrincipal() p: Principal, @Param('guid') guid: string, @Body() body: unknown) {
    return this.routes.tag(p, this.target(guid), body);
  }

  @Delete()
  @ApiDoc({ summary: "Delete a group's conversation, for the acting member only" })
  delete(@CurrentPrincipal() p: Principal, @Param('guid') guid: string, @Body() body: unknown) {
    return this.routes.delete(p, this.target(guid), body);
  }

  @Post('delivered')
  @HttpCode(200)
  @ApiDoc({ summary: 'Mark delivered up to a message', body: ReceiptBoundaryBodySchema })
  delivered(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.routes.mark(p, this.target(guid), 'delivered', body, resource);
  }

  @Post('read')
  @HttpCode(200)
  @ApiDoc({ summary: 'Mark read up to a message', body: ReceiptBoundaryBodySchema })
  read(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.routes.mark(p, this.target(guid), 'read', body, resource);
  }

  @Delete('read')
  @ApiDoc({ summary: 'Mark unread from a message on' })
  unread(
    @CurrentPrincipal() p: Principal,
    @Param('guid') guid: string,
    @Body() body: unknown,
    @Query() query: unknown,
  ) {
    return this.routes.markUnread(p, this.target(guid), body, query);
  }
}

/** GET /messages/{id}/receipts: who has received and read a message, with when. */
@Controller(v3('messages/:id/receipts'))
@Allow('fullAccess', 'user')
export class MessageReceiptsController {
  constructor(private readonly bus: MessageBus) {}

  @Get()
  @ApiDoc({ summary: 'List the receipts of a message', query: PageQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() query: unknown) {
    const parsed = parseOrThrow(z.object({ id: MessageIdSchema }), { id });
    const q = parseOrThrow(PageQuerySchema, query ?? {});
    return paged(
      await this.bus.request(RPC.messaging.receiptList, {
        appId: p.appId,
        viewer: p.uid,
        id: parsed.id,
        query: q,
      }),
    );
  }
}
