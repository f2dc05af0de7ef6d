import { Injectable } from '@nestjs/common';
import { Clock } from '@parley/common';
import { EntityManager } from 'typeorm';
import { InteractionRepository } from '../interactions/interaction.repository';
import { MessageLifecycleRepository } from '../lifecycle/message-lifecycle.repository';
import { MessageRepository } from '../messages/message.repository';
import { ReactionRepository } from '../reactions/reaction.repository';
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

/** The user's reactions (each uncounted on its message) and interactions, and them as a mention. */
@Injectable()
export class SocialErasure implements UserErasureStep {
  readonly erases = 'reactions, interactions and mentions';

  constructor(
    private readonly reactions: ReactionRepository,
    private readonly interactions: InteractionRepository,
    private readonly messages: MessageRepository,
  ) {}

  async erase(tx: EntityManager, appId: string, uid: string): Promise<void> {
    await this.reactions.eraseBy(tx, appId, uid);
    await this.interactions.eraseBy(tx, appId, uid);
    await this.messages.eraseMentionsOf(tx, appId, uid);
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
