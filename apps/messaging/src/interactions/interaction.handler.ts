import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { InteractionService } from './interaction.service';

@Injectable()
export class InteractionHandler {
  constructor(private readonly interactions: InteractionService) {}

  @RpcHandler(RPC.messaging.messageInteracted)
  mark(p: RpcParsedRequest<typeof RPC.messaging.messageInteracted>) {
    return this.interactions.mark(p);
  }
}
