import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { CredentialService } from './credential.service';

@Injectable()
export class CredentialHandler {
  constructor(private readonly credentials: CredentialService) {}

  @RpcHandler(RPC.identity.verify)
  verify(p: RpcParsedRequest<typeof RPC.identity.verify>) {
    return this.credentials.verify(p);
  }
}
