import { Clock, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { ActionMessageWriter } from '../actions/action-message.writer';
import { Membership, ParticipantDirectory } from '../directory/participant-directory';
import { MessageMentions } from '../messages/mentions';
import { MessageRow } from '../messages/message.entity';
import { MessageRepository } from '../messages/message.repository';
import { MessageViews } from '../messages/message-views';
import { groupSnapshot, messageRow } from '../testing/message.factory';
import { MessageLifecycleRepository } from './message-lifecycle.repository';
import { MessageLifecycleService } from './message-lifecycle.service';

const member = (scope: Membership['scope']): Membership => ({
  group: groupSnapshot('team'),
  state: 'member',
  scope,
});
const groupRow = (over: Partial<MessageRow> = {}) =>
  messageRow({ receiver: 'team', receiver_type: 'group', conversation_id: 'group_team', ...over });

/** The service with its message and the actor's membership; the transaction is not reached. */
function setup(row: MessageRow | null, membership: Membership = member('participant')) {
  const messages = { findById: jest.fn(async () => row) };
  const directory = { membership: jest.fn(async () => membership) };
  const tx = { run: jest.fn(async () => ({ id: 'action' })) };
  const views = { participantsOf: jest.fn(async () => ({ users: new Map(), groups: new Map() })) };
  const writer = { deliver: jest.fn() };
  const service = new MessageLifecycleService(
    messages as unknown as MessageRepository,
    {} as MessageLifecycleRepository,
    views as unknown as MessageViews,
    directory as unknown as ParticipantDirectory,
    writer as unknown as ActionMessageWriter,
    tx as unknown as Transactor,
    {} as Outbox,
    { now: () => new Date() } as Clock,
    { resolve: jest.fn(async () => new Map()) } as unknown as MessageMentions,
  );
  const edit = (actor: string | undefined, text = 'new') =>
    service.edit({ appId: 'app1', actor, id: '101', edit: { data: { text } } });
  return { service, tx, edit };
}

describe('MessageLifecycleService: who may change a message', () => {
  it.each([
    ['the sender, in a 1:1', messageRow(), 'alice', member(null)],
    ['the app', messageRow(), undefined, member(null)],
    ["a moderator, another's group message", groupRow(), 'mo', member('moderator')],
    ["an admin, another's group message", groupRow(), 'ad', member('admin')],
    ['the sender, their own group message', groupRow(), 'alice', member('participant')],
  ])('lets %s', async (_who, row, actor, membership) => {
    const { edit, tx } = setup(row, membership);
    await expect(edit(actor)).resolves.toEqual({ id: 'action' });
    expect(tx.run).toHaveBeenCalledTimes(1);
  });

  it.each([
    ['the receiver of a 1:1', messageRow(), 'bob', member(null), 'ERR_MESSAGE_NOT_A_SENDER'],
    ['a stranger to a 1:1', messageRow(), 'carol', member(null), 'ERR_MESSAGE_ID_NOT_FOUND'],
    [
      "a participant, another's",
      groupRow(),
      'bob',
      member('participant'),
      'ERR_MESSAGE_NOT_A_SENDER',
    ],
    [
      'a former member, their own',
      groupRow(),
      'alice',
      { group: groupSnapshot('team'), state: 'none', scope: null } as Membership,
      'ERR_MESSAGE_ID_NOT_FOUND',
    ],
    [
      'a stranger, an action message (not found before not allowed)',
      messageRow({ category: 'action' }),
      'carol',
      member(null),
      'ERR_MESSAGE_ID_NOT_FOUND',
    ],
    [
      'the app, an action message',
      messageRow({ category: 'action' }),
      undefined,
      member(null),
      'ERR_MESSAGE_ACTION_NOT_ALLOWED',
    ],
    [
      'the sender, a call message',
      messageRow({ category: 'call' }),
      'alice',
      member(null),
      'ERR_MESSAGE_ACTION_NOT_ALLOWED',
    ],
    [
      'anyone, a deleted message',
      messageRow({ deleted_at: new Date() }),
      'alice',
      member(null),
      'ERR_MESSAGE_ID_NOT_FOUND',
    ],
  ])('refuses %s', async (_who, row, actor, membership, code) => {
    const { edit, tx } = setup(row, membership);
    expect(await domainErrorOf(edit(actor))).toMatchObject({ code });
    expect(tx.run).not.toHaveBeenCalled();
  });

  it('checks the edited content like a new message', async () => {
    const { edit } = setup(messageRow());
    expect(await domainErrorOf(edit('alice', ' '))).toMatchObject({
      code: 'ERR_EMPTY_MESSAGE_TEXT',
    });
  });

  it('erases an already soft-deleted message on a permanent delete, and refuses a second soft one', async () => {
    const deleted = messageRow({ deleted_at: new Date(), deleted_by: 'alice' });
    const { service, tx } = setup(deleted);
    const del = (permanent: boolean) =>
      service.delete({ appId: 'app1', actor: 'alice', id: '101', permanent });
    expect(await domainErrorOf(del(false))).toMatchObject({ code: 'ERR_MESSAGE_ID_NOT_FOUND' });
    await expect(del(true)).resolves.toEqual({ id: 'action' });
    expect(tx.run).toHaveBeenCalledTimes(1);
  });
});
