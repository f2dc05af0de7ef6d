import { Controller, Get, Param } from '@nestjs/common';
import { parseOrThrow } from '@parley/common';
import { Principal } from '@parley/contracts';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { ok } from '../http/envelope';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { UserErasureService } from './user-erasure.service';

const ErasureIdSchema = z.object({ erasureId: z.uuid() });

/** The report of a user's permanent erasure (Parley's addition): the REST API key only. */
@Controller(v3('users/:uid/erasures/:erasureId'))
export class UserErasureController {
  constructor(private readonly erasures: UserErasureService) {}

  @Get()
  @ApiDoc({
    summary:
      "Report a user's permanent erasure (the `erasureId` a permanent delete answered with): per service, whether it has erased, the rows it erased per table, and the rows that still name the user",
  })
  async report(
    @CurrentPrincipal() p: Principal,
    @Param('uid') uid: string,
    @Param('erasureId') erasureId: string,
  ) {
    const id = parseOrThrow(ErasureIdSchema, { erasureId }).erasureId;
    return ok(await this.erasures.report(p.appId, idParam('uid', uid), id));
  }
}
