import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { UserImportService } from './user-import.service';

@Injectable()
export class UserImportHandler {
  constructor(private readonly imports: UserImportService) {}

  @RpcHandler(RPC.users.usersImport)
  import(p: RpcParsedRequest<typeof RPC.users.usersImport>) {
    return this.imports.import(p.appId, p.users);
  }
}
