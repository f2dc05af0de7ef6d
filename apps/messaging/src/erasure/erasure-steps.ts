import { Injectable } from '@nestjs/common';
import { Clock } from '@parley/common';
import { EntityManager } from 'typeorm';
import { InteractionRepository } from '../interactions/interaction.repository';
import { MessageLifecycleRepository } from '../lifecycle/message-lifecycle.repository';
import { MessageRepository } from '../messages/message.repository';
import { ReactionRepository } from '../reactions/reaction.repository';
import { ErasureBound, UserErasureStep } from './user-erasure';

/** The content of the messages the user sent before the delete (the rows stay: seqs stay gap-free). */
@Injectable()
export class SentMessagesErasure implements UserErasureStep {
  readonly erases = 'sent messages';

  constructor(
    private readonly messages: MessageRepository,
    private readonly clock: Clock,
  ) {}

  async erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    await this.messages.eraseSentBy(tx, appId, uid, bound.before, this.clock.now());
  }
}

/**
 * The user's read and delivered positions (their receipts), where none has moved since the delete
 * (a position a new user of the uid moved is theirs now).
 */
@Injectable()
export class ReadPositionsErasure implements UserErasureStep {
  readonly erases = 'read positions';

  constructor(private readonly messages: MessageRepository) {}

  erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    return this.messages.dropPositionsOf(tx, appId, uid, bound.before);
  }
}

/**
 * The user's reactions (each uncounted on its message) and interactions, and them as a mention in
 * messages sent, all from before the delete.
 */
@Injectable()
export class SocialErasure implements UserErasureStep {
  readonly erases = 'reactions, interactions and mentions';

  constructor(
    private readonly reactions: ReactionRepository,
    private readonly interactions: InteractionRepository,
    private readonly messages: MessageRepository,
  ) {}

  async erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    await this.reactions.eraseBy(tx, appId, uid, bound.before);
    await this.interactions.eraseBy(tx, appId, uid, bound.before);
    await this.messages.eraseMentionsOf(tx, appId, uid, bound.before);
  }
}

/**
 * What edits kept of the messages the user sent before the delete: revisions, and copies in
 * edit/delete action messages.
 */
@Injectable()
export class RevisionsErasure implements UserErasureStep {
  readonly erases = 'message revisions';

  constructor(
    private readonly lifecycle: MessageLifecycleRepository,
    private readonly clock: Clock,
  ) {}

  erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    return this.lifecycle.eraseRevisionsOf(tx, appId, uid, bound.before, this.clock.now());
  }
}

/**
 * The user in the read models of relationships and memberships: their blocks and friendships
 * either way and their group memberships. Their row in the users model stays, without a profile
 * (DirectoryEvents), so that a late event about them cannot bring them back. Blocks and
 * friendships last written by an event after the delete (`version`, of EVT_USERS) are a new
 * user's; so is a membership that began after the group's last message before the delete
 * (`join_seq`). A membership is a cache: one of a new user erased where no message came between
 * the delete and their join is learnt again from the groups service, which kept it.
 */
@Injectable()
export class DirectoryErasure implements UserErasureStep {
  readonly erases = 'blocks, friendships and memberships';

  async erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    await tx.query(
      `DELETE FROM "messaging"."blocks"
       WHERE "app_id" = $1 AND ("blocker" = $2 OR "blocked" = $2) AND "version" <= $3`,
      [appId, uid, bound.position],
    );
    await tx.query(
      `DELETE FROM "messaging"."friendships"
       WHERE "app_id" = $1 AND ("uid_a" = $2 OR "uid_b" = $2) AND "version" <= $3`,
      [appId, uid, bound.position],
    );
    await tx.query(
      `DELETE FROM "messaging"."group_members" gm
       WHERE gm."app_id" = $1 AND gm."uid" = $2
         AND (gm."state" <> 'member' OR gm."join_seq" <= COALESCE((
           SELECT m."seq" FROM "messaging"."messages" m
           WHERE m."app_id" = $1 AND m."conversation_id" = 'group_' || gm."guid"
             AND m."sent_at" < $3
           ORDER BY m."id" DESC LIMIT 1), 0))`,
      [appId, uid, bound.before],
    );
  }
}

/** Replaces every object naming `uid` by its uid alone: a user's profile copied into a message. */
export function stripProfileOf(value: unknown, uid: string): unknown {
  if (Array.isArray(value)) return value.map((v) => stripProfileOf(v, uid));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if (object.uid === uid) return { uid };
  return Object.fromEntries(Object.entries(object).map(([k, v]) => [k, stripProfileOf(v, uid)]));
}

/**
 * The user in others' messages sent before the delete: the copies of their profile that action
 * and call messages carry (`entities`) keep only their uid; and the user is forgotten as the one
 * who edited or deleted a message before the delete (its `editedAt`/`deletedAt` stay).
 */
@Injectable()
export class ProfileCopiesErasure implements UserErasureStep {
  readonly erases = 'copies of their profile, their edits and deletes';

  async erase(tx: EntityManager, appId: string, uid: string, bound: ErasureBound): Promise<void> {
    const copies = (await tx.query(
      `SELECT "id", "data" FROM "messaging"."messages"
       WHERE "app_id" = $1 AND "sent_at" < $3
         AND jsonb_path_exists("data", '$.** ? (@.uid == $uid)', $2::jsonb)`,
      [appId, JSON.stringify({ uid }), bound.before],
    )) as Array<{ id: string; data: unknown }>;
    for (const { id, data } of copies) {
      const stripped = stripProfileOf(data, uid);
      if (JSON.stringify(stripped) === JSON.stringify(data)) continue;
      await tx.query(
        `UPDATE "messaging"."messages" SET "data" = $3 WHERE "app_id" = $1 AND "id" = $2`,
        [appId, id, JSON.stringify(stripped)],
      );
    }
    const edited = `"edited_by" = $2 AND "edited_at" < $3`;
    const deleted = `"deleted_by" = $2 AND "deleted_at" < $3`;
    await tx.query(
      `UPDATE "messaging"."messages"
         SET "edited_by" = CASE WHEN ${edited} THEN NULL ELSE "edited_by" END,
             "deleted_by" = CASE WHEN ${deleted} THEN NULL ELSE "deleted_by" END
       WHERE "app_id" = $1 AND ((${edited}) OR (${deleted}))`,
      [appId, uid, bound.before],
    );
  }
}
