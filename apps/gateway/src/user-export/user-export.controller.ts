import { Controller, Get, Param } from '@nestjs/common';
import { Principal } from '@parley/contracts';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { UserExportService } from './user-export.service';

/** A user's data export (Parley's addition): the REST API key only. */
@Controller(v3('users/:uid/export'))
export class UserExportController {
  constructor(private readonly exports: UserExportService) {}

  @Get()
  @ApiDoc({
    summary:
      'Export everything Parley holds about a user as JSON: per service, the rows about them (secrets left out), and their presence',
  })
  async export(@CurrentPrincipal() p: Principal, @Param('uid') uid: string) {
    return ok(await this.exports.export(p.appId, idParam('uid', uid)));
  }
}
