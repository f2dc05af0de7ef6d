import { Controller, Get, Param, Query } from '@nestjs/common';
import { parseOrThrow } from '@parley/common';
import { Principal, USER_EXPORT_ROW_LIMIT } from '@parley/contracts';
import { z } from 'zod';
import { CurrentPrincipal } from '../auth/principal.decorator';
import { ApiDoc } from '../docs/api-doc.decorator';
import { idParam } from '../http/params';
import { v3 } from '../http/routes';
import { UserExportService } from './user-export.service';

const ExportQuerySchema = z.object({
  cursor: z.string().max(2000).optional(),
  perPage: z.coerce.number().int().min(1).max(USER_EXPORT_ROW_LIMIT).optional(),
});

/** A user's data export (Parley's addition): the REST API key only. */
@Controller(v3('users/:uid/export'))
export class UserExportController {
  constructor(private readonly exports: UserExportService) {}

  @Get()
  @ApiDoc({
    summary:
      'Export everything Parley holds about a user as JSON, a page at a time: per service, the rows about them (secrets left out), and their presence; `meta.next.cursor` reads the next page (`?cursor=`), `perPage` rows at most (default and most 1000)',
    query: ExportQuerySchema,
  })
  async export(@CurrentPrincipal() p: Principal, @Param('uid') uid: string, @Query() q: unknown) {
    const query = parseOrThrow(ExportQuerySchema, q ?? {});
    return this.exports.export(p.appId, idParam('uid', uid), query);
  }
}
