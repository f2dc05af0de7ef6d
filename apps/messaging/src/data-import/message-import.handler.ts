import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { MessageImportService } from './message-import.service';

@Injectable()
export class MessageImportHandler {
  constructor(private readonly imports: MessageImportService) {}

  @RpcHandler(RPC.messaging.messagesImport)
  import(p: RpcParsedRequest<typeof RPC.messaging.messagesImport>) {
    return this.imports.import(p.appId, p.messages);
  }
}
