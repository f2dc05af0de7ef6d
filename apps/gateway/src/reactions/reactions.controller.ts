import {
  Body,
  Controller,
  Delete,
  Get,
  Headers,
  HttpCode,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  MessageIdSchema,
  Principal,
  ReactionListQuerySchema,
  ReactionValueSchema,
  RPC,
} from '@parley/contracts';
import { z } from 'zod';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { deviceIdOf } from '../http/device-id';
import { ok } from '../http/envelope';
import { v3 } from '../http/routes';
import { actingUid } from '../relationships/acting-user';

const ReactionPathSchema = z.object({ id: MessageIdSchema, reaction: ReactionValueSchema });
const ReactionBodySchema = z.object({ reaction: ReactionValueSchema });

/**
 * Reactions (reference §4.8; the client SDK's addReaction, removeReaction, getReactionsList,
 * getFilteredReactionsList). A user reacts: their auth token, or the REST key with onBehalfOf; the
 * reply is the message with `data.reactions` as they see it. Whoever may read the message may
 * list its reactions (the app too), oldest first, with `meta.next`/`meta.previous` cursors.
 * `POST /messages/{id}/reactions` with `{reaction}` is accepted as well (the reference overview's
 * spelling).
 */
@Controller(v3('messages/:id/reactions'))
@Allow('fullAccess', 'user')
export class ReactionsController {
  constructor(private readonly bus: MessageBus) {}

  @Post(':reaction')
  @HttpCode(200)
  @ApiDoc({ summary: 'React to a message (the reply is the message, with data.reactions)' })
  add(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('reaction') reaction: string,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.change('reactionAdd', p, { id, reaction }, resource);
  }

  @Post()
  @HttpCode(200)
  @ApiDoc({ summary: 'React to a message, the reaction in the body', body: ReactionBodySchema })
  addFromBody(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const { reaction } = parseOrThrow(ReactionBodySchema, body ?? {});
    return this.change('reactionAdd', p, { id, reaction }, resource);
  }

  @Delete(':reaction')
  @ApiDoc({ summary: 'Take back a reaction (the reply is the message, with data.reactions)' })
  remove(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('reaction') reaction: string,
    @Headers('resource') resource: string | undefined,
  ) {
    return this.change('reactionRemove', p, { id, reaction }, resource);
  }

  @Get()
  @ApiDoc({ summary: "List a message's reactions", query: ReactionListQuerySchema })
  list(@CurrentPrincipal() p: Principal, @Param('id') id: string, @Query() query: unknown) {
    return this.page(p, { id }, query);
  }

  @Get(':reaction')
  @ApiDoc({ summary: "List a message's reactions of one kind", query: ReactionListQuerySchema })
  listOne(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Param('reaction') reaction: string,
    @Query() query: unknown,
  ) {
    return this.page(p, { id, reaction }, query);
  }

  private async change(
    rpc: 'reactionAdd' | 'reactionRemove',
    p: Principal,
    path: { id: string; reaction: string },
    resource: string | undefined,
  ) {
    const uid = actingUid(p);
    const { id, reaction } = parseOrThrow(ReactionPathSchema, path);
    return ok(
      await this.bus.request(RPC.messaging[rpc], {
        appId: p.appId,
        uid,
        deviceId: deviceIdOf(resource),
        messageId: id,
        reaction,
      }),
    );
  }

  /** `{data: [reactions], meta: {current, next, previous}}` (reference §2.2b). */
  private async page(p: Principal, path: { id: string; reaction?: string }, query: unknown) {
    const { id, reaction } = parseOrThrow(ReactionPathSchema.partial({ reaction: true }), path);
    const q = parseOrThrow(ReactionListQuerySchema, query ?? {});
    const page = await this.bus.request(RPC.messaging.reactionList, {
      appId: p.appId,
      viewer: p.uid,
      messageId: id,
      reaction,
      query: q,
    });
    return { data: page.items, meta: page.meta };
  }
}
