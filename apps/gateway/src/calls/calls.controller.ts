import { Body, Controller, Get, Headers, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  CallInitiateBodySchema,
  CallLogQuerySchema,
  CallUpdateBodySchema,
  Principal,
  RPC,
} from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok, paged } from '../http/envelope';
import { v3 } from '../http/routes';
import { deviceIdOf } from '../http/device-id';
import { actingUid } from '../relationships/acting-user';

/**
 * Call signalling as the client SDK makes it (SDK endpoints `createCallSession` and
 * `updateCallSession`; ARCHITECTURE.md §8): POST initiates, PUT moves the call on. Each answer is
 * the transition's `call` message, which both parties also receive over the WebSocket. GET is the
 * call log (reference §4.10): the app's calls, or the acting user's with a token or onBehalfOf.
 */
@Controller(v3('calls'))
@Allow('user', 'fullAccess')
export class CallsController {
  constructor(private readonly bus: MessageBus) {}

  @Post()
  @HttpCode(200)
  @ApiDoc({
    summary: 'Call a user or a group (audio or video): the `initiated` call message, or `busy`',
    body: CallInitiateBodySchema,
  })
  async initiate(
    @CurrentPrincipal() p: Principal,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const sender = actingUid(p);
    const call = parseOrThrow(CallInitiateBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.presence.callInitiate, {
        appId: p.appId,
        sender,
        deviceId: deviceIdOf(resource),
        call,
      }),
    );
  }

  @Put(':sessionId')
  @ApiDoc({
    summary:
      'Accept (`ongoing`), reject, report busy, cancel, time out (`unanswered`) or end a call',
    body: CallUpdateBodySchema,
  })
  async update(
    @CurrentPrincipal() p: Principal,
    @Param('sessionId') sessionId: string,
    @Body() body: unknown,
    @Headers('resource') resource: string | undefined,
  ) {
    const uid = actingUid(p);
    const update = parseOrThrow(CallUpdateBodySchema, body ?? {});
    return ok(
      await this.bus.request(RPC.presence.callUpdate, {
        appId: p.appId,
        uid,
        sessionId,
        deviceId: deviceIdOf(resource),
        update,
      }),
    );
  }

  @Get()
  @ApiDoc({ summary: 'The call log: one entry per call, newest first', query: CallLogQuerySchema })
  async list(@CurrentPrincipal() p: Principal, @Query() query: unknown) {
    const q = parseOrThrow(CallLogQuerySchema, query ?? {});
    return paged(
      await this.bus.request(RPC.messaging.callLogList, { ...q, appId: p.appId, uid: p.uid }),
    );
  }

  @Get(':sessionId')
  @ApiDoc({ summary: 'One call of the call log: status, participants, durations' })
  async get(@CurrentPrincipal() p: Principal, @Param('sessionId') sessionId: string) {
    return ok(
      await this.bus.request(RPC.messaging.callLogGet, { appId: p.appId, uid: p.uid, sessionId }),
    );
  }
}
