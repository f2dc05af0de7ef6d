import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MemberImportService } from './member-import.service';

@Injectable()
export class MemberImportHandler {
  constructor(private readonly imports: MemberImportService) {}

  @RpcHandler(RPC.groups.membersImport)
  import(p: RpcParsedRequest<typeof RPC.groups.membersImport>) {
    return this.imports.import(p.appId, p.members);
  }
}
