import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { GroupImportService } from './group-import.service';

@Injectable()
export class GroupImportHandler {
  constructor(private readonly imports: GroupImportService) {}

  @RpcHandler(RPC.groups.groupsImport)
  import(p: RpcParsedRequest<typeof RPC.groups.groupsImport>) {
    return this.imports.import(p.appId, p.groups);
  }
}
