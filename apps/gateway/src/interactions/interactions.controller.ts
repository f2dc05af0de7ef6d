import { Body, Controller, Headers, Param, Patch } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import { InteractedBodySchema, Principal, RPC } from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { deviceIdOf } from '../http/device-id';
import { ok } from '../http/envelope';
import { messageIdParam } from '../http/params';
import { v3 } from '../http/routes';
import { actingUid } from '../relationships/acting-user';

/**
 * `PATCH /messages/{id}/interacted` `{interactions: [elementId, ...]}` (reference §4.8, §6.6; the
 * client SDK's markAsInteracted): a user (auth token, or the REST key with onBehalfOf) records
 * interactions with an interactive message. The reply is `{success, message}`.
 */
@Controller(v3('messages/:id/interacted'))
@Allow('fullAccess', 'user')
export class InteractionsController {
  constructor(private readonly bus: MessageBus) {}

  @Patch()
  @ApiDoc({ summary: 'Mark an interactive message as interacted', body: InteractedBodySchema })
  async mark(
    @CurrentPrincipal() p: Principal,
    @Param('id') id: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const uid = actingUid(p);
    const messageId = messageIdParam(id);
    const { interactions } = parseOrThrow(InteractedBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.messaging.messageInteracted, {
        appId: p.appId,
        uid,
        deviceId: deviceIdOf(resource),
        messageId,
        interactions,
      }),
    );
  }
}
