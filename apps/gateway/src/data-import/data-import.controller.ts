import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import {
  GroupImportBodySchema,
  MemberImportBodySchema,
  MessageImportBodySchema,
  Principal,
  RPC,
  UserImportBodySchema,
} from '@parley/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok } from '../http/envelope';
import { v3 } from '../http/routes';

/** Bulk import keyed by natural ids; importing the same data again changes nothing more. */
@Controller(v3('data_import'))
export class DataImportController {
  constructor(private readonly bus: MessageBus) {}

  @Post('users')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Import users keyed by uid (per-item results; idempotent)',
    body: UserImportBodySchema,
  })
  async users(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { users } = parseOrThrow(UserImportBodySchema, body);
    return ok(await this.bus.request(RPC.users.usersImport, { appId: p.appId, users }));
  }

  @Post('groups')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Import groups keyed by guid (per-item results; idempotent)',
    body: GroupImportBodySchema,
  })
  async groups(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { groups } = parseOrThrow(GroupImportBodySchema, body);
    return ok(await this.bus.request(RPC.groups.groupsImport, { appId: p.appId, groups }));
  }

  @Post('members')
  @HttpCode(200)
  @ApiDoc({
    summary:
      'Import memberships and bans keyed by `<guid>_member_<uid>` (per-item results; idempotent)',
    body: MemberImportBodySchema,
  })
  async members(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { members } = parseOrThrow(MemberImportBodySchema, body);
    return ok(await this.bus.request(RPC.groups.membersImport, { appId: p.appId, members }));
  }

  @Post('messages')
  @HttpCode(200)
  @ApiDoc({
    summary:
      'Import messages keyed by muid (per-item results; idempotent; sentAt kept; no real-time delivery)',
    body: MessageImportBodySchema,
  })
  async messages(@CurrentPrincipal() p: Principal, @Body() body: unknown) {
    const { messages } = parseOrThrow(MessageImportBodySchema, body);
    return ok(await this.bus.request(RPC.messaging.messagesImport, { appId: p.appId, messages }));
  }
}
