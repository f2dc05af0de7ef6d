import { Injectable } from '@nestjs/common';
import { Clock } from '@parley/common';
import { EntityManager } from 'typeorm';
import { MessageLifecycleRepository } from '../lifecycle/message-lifecycle.repository';
import { MessageRepository } from '../messages/message.repository';
import { UserErasureStep } from './user-erasure';

/** The content of the messages the user sent (the rows stay: seqs stay gap-free). */
@Injectable()
export class SentMessagesErasure implements UserErasureStep {
  readonly erases = 'sent messages';

  constructor(
    private readonly messages: MessageRepository,
    private readonly clock: Clock,
  ) {}

  async erase(tx: EntityManager, appId: string, uid: string): Promise<void> {
    await this.messages.eraseSentBy(tx, appId, uid, this.clock.now());
  }
}

/** The user's read and delivered positions (their receipts). */
@Injectable()
export class ReadPositionsErasure implements UserErasureStep {
  readonly erases = 'read positions';

  constructor(private readonly messages: MessageRepository) {}

  erase(tx: EntityManager, appId: string, uid: string): Promise<void> {
    return this.messages.dropPositionsOf(tx, appId, uid);
  }
}

/** What edits kept of the user's messages: revisions, and copies in edit/delete action messages. */
@Injectable()
export class RevisionsErasure implements UserErasureStep {
  readonly erases = 'message revisions';

  constructor(
    private readonly lifecycle: MessageLifecycleRepository,
    private readonly clock: Clock,
  ) {}

  erase(tx: EntityManager, appId: string, uid: string): Promise<void> {
    return this.lifecycle.eraseRevisionsOf(tx, appId, uid, this.clock.now());
  }
}
