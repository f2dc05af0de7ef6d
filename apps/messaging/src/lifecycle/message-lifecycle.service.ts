import { Injectable } from '@nestjs/common';
import { Clock, DomainError, Outbox, toSeconds, Transactor } from '@parley/common';
import {
  APP_SYSTEM_UID,
  EVENTS,
  Message,
  MessageDelete,
  MessageEdit,
  MessageEditBody,
  MessageRevision,
} from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ActionMessageWriter } from '../actions/action-message.writer';
import { ParticipantDirectory } from '../directory/participant-directory';
import { messageContent, SERVER_DATA_KEYS } from '../messages/message-content';
import { MessageRow } from '../messages/message.entity';
import { Participants, toMessage, userEntity } from '../messages/message.mapper';
import { MessageMentions } from '../messages/mentions';
import { MessageRepository } from '../messages/message.repository';
import { MessageViews, takesPart } from '../messages/message-views';
import { MessageLifecycleRepository } from './message-lifecycle.repository';

const notFound = (id: string) =>
  new DomainError('ERR_MESSAGE_ID_NOT_FOUND', `The message ${id} does not exist.`);
const MODERATING_SCOPES = new Set(['moderator', 'admin']);

/** What a change does to a locked message, and the action it is announced with. */
interface Change {
  action: 'edited' | 'deleted';
  permanent?: boolean;
  apply(tx: EntityManager, current: MessageRow): Promise<MessageRow>;
}

/**
 * Editing and deleting messages (reference §4.8, §6.3, §6.4). The sender may change their own
 * message; in a group, its moderators and admins (the owner is an admin) may change anyone's; the
 * app (a REST key without onBehalfOf) may change any. Action and call messages are Parley's
 * record and never change (ERR_MESSAGE_ACTION_NOT_ALLOWED). A message the user may not see is
 * ERR_MESSAGE_ID_NOT_FOUND, as for reading it.
 *
 * One transaction locks the conversation, then the message, changes it, stores the `edited` or
 * `deleted` action message (the next seq of the conversation; `on` = the message after the change)
 * and stages `message.edited` / `message.deleted` besides the action's `message.created`. The
 * reply is the action message; after commit it is delivered like any message.
 */
@Injectable()
export class MessageLifecycleService {
  constructor(
    private readonly messages: MessageRepository,
    private readonly lifecycle: MessageLifecycleRepository,
    private readonly views: MessageViews,
    private readonly directory: ParticipantDirectory,
    private readonly writer: ActionMessageWriter,
    private readonly tx: Transactor,
    private readonly outbox: Outbox,
    private readonly clock: Clock,
    private readonly mentions: MessageMentions,
  ) {}

  /**
   * New content: the client keys of `data` given (`text`, `metadata`, `customData`, ...) replace
   * the stored ones, `tags` replace the tags; the result must pass the rules of a new message of
   * its category and type (same codes). The keys Parley fills (`reactions`, `interactions`) stay.
   */
  async edit({ appId, actor, deviceId, id, edit }: MessageEdit): Promise<Message> {
    const row = await this.changeable(appId, actor, id);
    const by = actor ?? APP_SYSTEM_UID;
    const content = editedContent(row, edit);
    // The new text says who is mentioned now (parseMentions, as at send).
    const mentioned = await this.mentions.resolve(appId, row.category, content.data);
    const mentionedUids = [...mentioned.keys()];
    return this.change(appId, row, by, deviceId, {
      action: 'edited',
      apply: (tx, current) =>
        this.lifecycle.edit(tx, current, { ...content, mentionedUids, by, at: this.clock.now() }),
    });
  }

  /** Soft: `deletedAt`/`deletedBy` set, content kept. Permanent: the content is erased. */
  async delete({ appId, actor, deviceId, id, permanent }: MessageDelete): Promise<Message> {
    const row = await this.changeable(appId, actor, id, { permanent });
    const by = actor ?? APP_SYSTEM_UID;
    return this.change(appId, row, by, deviceId, {
      action: 'deleted',
      permanent,
      apply: (tx, current) =>
        permanent
          ? this.lifecycle.erase(tx, current, by, this.clock.now())
          : this.lifecycle.softDelete(tx, current, by, this.clock.now()),
    });
  }

  /**
   * Every version of the content, oldest first (one, as sent, when never edited; none once a
   * permanent delete erased it).
   */
  async history(appId: string, viewer: string | undefined, id: string) {
    const message = await this.views.get(appId, viewer, id); // not found, or not the viewer's
    const rows = await this.lifecycle.revisions(appId, id);
    const revisions: MessageRevision[] = rows.map((r) => ({
      revision: r.revision,
      data: r.data,
      tags: r.tags,
      editedAt: toSeconds(r.edited_at),
      editedBy: r.edited_by,
    }));
    if (!revisions.length && !(await this.messages.findById(appId, id))?.erased) {
      const { entities: _entities, ...data } = message.data;
      revisions.push({
        revision: 0,
        data,
        tags: message.tags ?? [],
        editedAt: message.sentAt,
        editedBy: message.sender,
      });
    }
    return { revisions };
  }

  /** The message, if `actor` may change it (see the class comment). */
  private async changeable(
    appId: string,
    actor: string | undefined,
    id: string,
    opts: { permanent?: boolean } = {},
  ): Promise<MessageRow> {
    const row = await this.messages.findById(appId, id);
    if (!row || row.erased) throw notFound(id);
    let moderates = false;
    if (actor !== undefined) {
      if (row.receiver_type === 'user') {
        if (!takesPart(actor, row)) throw notFound(id);
      } else {
        const m = await this.directory.membership(appId, row.receiver, actor);
        if (!m.group || m.state !== 'member') throw notFound(id);
        moderates = MODERATING_SCOPES.has(m.scope ?? '');
      }
    }
    if (row.category === 'action' || row.category === 'call') {
      throw new DomainError(
        'ERR_MESSAGE_ACTION_NOT_ALLOWED',
        `The message ${id} is an ${row.category} message: it cannot be edited or deleted.`,
      );
    }
    if (row.deleted_at && !opts.permanent) {
      throw new DomainError('ERR_MESSAGE_ID_NOT_FOUND', `The message ${id} has been deleted.`);
    }
    if (actor !== undefined && row.sender !== actor && !moderates) {
      throw new DomainError(
        'ERR_MESSAGE_NOT_A_SENDER',
        row.receiver_type === 'group'
          ? `Only the sender, or a moderator or admin of the group, may change the message ${id}.`
          : `Only the sender may change the message ${id}.`,
      );
    }
    return row;
  }

  private async change(
    appId: string,
    row: MessageRow,
    by: string,
    deviceId: string | undefined,
    change: Change,
  ): Promise<Message> {
    const participants = await this.views.participantsOf(appId, [row], [by]);
    const action = await this.tx.run(async (tx) => {
      await this.lifecycle.lockConversation(tx, appId, row.conversation_id);
      const current = await this.lifecycle.lockMessage(tx, appId, row.id);
      // Changed while this request was deciding: the first change wins.
      if (!current || current.erased || (current.deleted_at && !row.deleted_at)) {
        throw notFound(row.id);
      }
      const message = toMessage(await change.apply(tx, current), participants);
      const actionMessage = await this.writer.store(tx, {
        appId,
        conversationId: row.conversation_id,
        sender: by,
        receiver: row.receiver,
        receiverType: row.receiver_type,
        type: 'message',
        data: actionData(change.action, by, message, participants),
        participants,
      });
      const payload = { message, actionMessage, by };
      if (change.action === 'edited') {
        await this.outbox.stage(tx, EVENTS.messaging.messageEdited, appId, payload);
      } else {
        await this.outbox.stage(tx, EVENTS.messaging.messageDeleted, appId, {
          ...payload,
          permanent: change.permanent ?? false,
        });
      }
      return actionMessage;
    });
    // Both users of a 1:1 conversation hear it, whoever acted (the app too).
    this.writer.deliver(appId, action, {
      deviceId,
      alsoTo: row.receiver_type === 'user' ? [row.sender, row.receiver] : [],
    });
    return action;
  }
}

/** `data` of an `edited`/`deleted` action message (reference §6.4). */
function actionData(
  action: 'edited' | 'deleted',
  by: string,
  message: Message,
  participants: Participants,
): Record<string, unknown> {
  const { receiver } = message.data.entities as { receiver: unknown };
  return {
    action,
    entities: {
      by: { entity: userEntity(by, participants.users), entityType: 'user' },
      on: { entity: message, entityType: 'message' },
      for: receiver,
    },
  };
}

/** The edited content of `row`, checked as a new message of its category and type would be. */
function editedContent(
  row: MessageRow,
  edit: MessageEditBody,
): { data: Record<string, unknown>; tags: string[] } {
  const given = { ...(edit.data ?? {}) };
  if (given.text === undefined && edit.text !== undefined) given.text = edit.text;
  if (given.metadata === undefined && edit.metadata !== undefined) given.metadata = edit.metadata;
  for (const key of SERVER_DATA_KEYS) delete given[key];
  if (!Object.keys(given).length && edit.tags === undefined) {
    throw new DomainError(
      'ERR_BAD_REQUEST',
      'Nothing to edit: give data (text, metadata) or tags.',
      {
        data: ['is required when tags are not given'],
      },
    );
  }
  const kept = Object.fromEntries(
    Object.entries(row.data).filter(([key]) => SERVER_DATA_KEYS.includes(key)),
  );
  const clientData = Object.fromEntries(
    Object.entries(row.data).filter(([key]) => !SERVER_DATA_KEYS.includes(key)),
  );
  const checked = messageContent({
    receiver: row.receiver,
    receiverType: row.receiver_type,
    category: row.category,
    type: row.type,
    data: { ...clientData, ...given },
    tags: edit.tags ?? row.tags,
  });
  return { data: { ...kept, ...checked.data }, tags: checked.tags };
}
