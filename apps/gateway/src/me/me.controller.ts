import type { IncomingHttpHeaders } from 'node:http';
import { Body, Controller, Delete, Get, Headers, HttpCode, Post, Put } from '@nestjs/common';
import { parseOrThrow } from '@parley/common';
import { MeUpdateBodySchema, Principal } from '@parley/contracts';
import { Allow } from '../auth/access.decorator';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok } from '../http/envelope';
import { v3 } from '../http/routes';
import { MeService, Session } from './me.service';

/** The guard let a user token through; this is that user on that token. */
function sessionOf(p: Principal, headers: IncomingHttpHeaders): Session {
  const raw = headers['authtoken'];
  const authToken = (Array.isArray(raw) ? raw[0] : raw)?.trim() ?? '';
  return { appId: p.appId, uid: p.uid as string, authToken };
}

/**
 * The CometChat client API's session calls (API.md §1; realtime reference §4): the SDK's login
 * (`PUT me` after creating an auth token), `GET`/`DELETE me`, its settings and its telemetry.
 */
// One base for every route: the OpenAPI builder joins the controller's path with the route's.
@Controller(v3(''))
export class MeController {
  constructor(private readonly me: MeService) {}

  @Put('me')
  @Allow('user')
  @ApiDoc({
    summary:
      "Log in on this auth token: the user, the token, a real-time JWT and settings; profile fields (name, avatar, link, statusMessage, metadata, tags) update the user's own profile",
    body: MeUpdateBodySchema,
  })
  async login(
    @CurrentPrincipal() p: Principal,
    @Headers() headers: IncomingHttpHeaders,
    @Body() body: unknown,
  ) {
    const input = parseOrThrow(MeUpdateBodySchema, body ?? {});
    return ok(await this.me.login(sessionOf(p, headers), input, headers, body ?? {}));
  }

  @Get('me')
  @Allow('user')
  @ApiDoc({ summary: 'The user of this auth token' })
  async get(@CurrentPrincipal() p: Principal, @Headers() headers: IncomingHttpHeaders) {
    return ok(await this.me.me(sessionOf(p, headers)));
  }

  @Delete('me')
  @Allow('user')
  @ApiDoc({ summary: 'Log out: delete this auth token' })
  async logout(@CurrentPrincipal() p: Principal, @Headers() headers: IncomingHttpHeaders) {
    return ok(await this.me.logout(sessionOf(p, headers)));
  }

  @Get('settings')
  @Allow('user', 'fullAccess', 'authOnly')
  @ApiDoc({ summary: "Where the client SDK finds Parley's REST and WebSocket hosts" })
  settings(@Headers() headers: IncomingHttpHeaders) {
    return ok(this.me.settings(headers));
  }

  @Post('user_sessions')
  @HttpCode(200)
  @Allow('user')
  @ApiDoc({ summary: "The SDK's session telemetry: accepted, nothing is stored" })
  userSessions() {
    return ok({ success: true, message: 'Accepted; Parley does not store session telemetry.' });
  }

  // The settings turn the SDK's analytics ping off; a client that pings anyway gets an answer.
  @Post('ping')
  @HttpCode(200)
  @Allow('user')
  @ApiDoc({ summary: "The SDK's analytics ping (switched off by the settings): accepted" })
  ping() {
    return ok({ success: true, message: 'pong' });
  }
}
