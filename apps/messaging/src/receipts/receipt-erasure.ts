import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { ErasureBound, UserErasureStep } from '../erasure/user-erasure';
import { ReceiptRepository } from './receipt.repository';

/** When the user received and read messages (receipt_marks), up to the delete. */
@Injectable()
export class ReceiptMarksErasure implements UserErasureStep {
  readonly erases = 'receipt times';

  constructor(private readonly receipts: ReceiptRepository) {}

  erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    return this.receipts.dropMarksOf(tx, appId, uid, bound.before);
  }
}
