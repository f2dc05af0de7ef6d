import { Injectable } from '@nestjs/common';
import { RpcHandler } from '@parley/common';
import { RPC, RpcParsedRequest } from '@parley/contracts';
import { ReceiptService } from './receipt.service';

type R = typeof RPC.messaging;

@Injectable()
export class ReceiptHandler {
  constructor(private readonly receipts: ReceiptService) {}

  @RpcHandler(RPC.messaging.receiptMark)
  mark(p: RpcParsedRequest<R['receiptMark']>) {
    return this.receipts.mark(p);
  }

  @RpcHandler(RPC.messaging.receiptList)
  list(p: RpcParsedRequest<R['receiptList']>) {
    return this.receipts.list(p);
  }
}
