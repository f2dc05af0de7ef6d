import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { MessageBus, parseOrThrow } from '@parley/common';
import { Principal, RPC, UserImportBodySchema } from '@parley/contracts';
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
}
