import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Headers, HttpCode, Post } from '@nestjs/common';
import { DomainError, MessageBus, parseOrThrow, PresenceReader } from '@parley/common';
import { IdSchema, RPC } from '@parley/contracts';
import { z } from 'zod';
import { Public } from '../auth/access.decorator';
import { appIdFrom } from '../auth/app-id';
import { ok } from '../http/envelope';
import { RealtimeAuth } from './realtime-auth';

/** `{}` for the app's online users, `{groups: [guid…]}` (1 to 100) for those groups' members. */
const OnlineMembersBodySchema = z.object({ groups: z.array(IdSchema).min(1).max(100).optional() });

/**
 * Online counts as CometChat's SDK asks for them (`getOnlineUserCount`,
 * `getOnlineGroupMemberCount`): `POST https://CHAT_HOST/api/<WS_API_VERSION>/online-members`
 * with the socket's credential, the JWT, in `Authorization`. Outside the REST credential rules
 * (a socket's call, like the WebSocket itself), so it checks the JWT here.
 */
@Controller()
@Public()
export class OnlineMembersController {
  constructor(
    private readonly auth: RealtimeAuth,
    private readonly bus: MessageBus,
    private readonly presence: PresenceReader,
  ) {}

  @Post(['api/:version/online-members', 'ws/api/:version/online-members'])
  @HttpCode(200)
  async count(@Headers() headers: IncomingHttpHeaders, @Body() body: unknown) {
    const jwt = headers.authorization?.replace(/^Bearer\s+/i, '');
    if (!jwt) throw new DomainError('AUTH_ERR_INVALID_JWT', 'The Authorization header is empty.');
    const { appId, uid } = await this.auth.verifyJwt(jwt, appIdFrom(headers));
    const { groups } = parseOrThrow(OnlineMembersBodySchema, body ?? {});
    if (!groups) return ok({ onlineUsersCount: await this.presence.onlineCount(appId) });
    return ok(await this.bus.request(RPC.groups.onlineMemberCounts, { appId, uid, guids: groups }));
  }
}
