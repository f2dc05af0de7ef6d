import { Clock, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageDelivery } from '../messages/message-delivery';
import { toMessage } from '../messages/message.mapper';
import { MessageViews } from '../messages/message-views';
import { messageRow, profile, T0 } from '../testing/message.factory';
import { ReactionRepository } from './reaction.repository';
import { ReactionService } from './reaction.service';

const TX = {} as EntityManager;

function setup(opts: { distinct?: string[]; changed?: boolean } = {}) {
  const row = messageRow();
  const reactionRow = { id: '7', message_id: '101', reaction: '👍', uid: 'bob', reacted_at: T0 };
  const repo = {
    lockMessage: jest.fn(async () => true),
    distinctReactions: jest.fn(async () => opts.distinct ?? []),
    add: jest.fn(async () => (opts.changed === false ? null : reactionRow)),
    remove: jest.fn(async () => (opts.changed === false ? null : reactionRow)),
    counts: jest.fn(async () => [
      { message_id: '101', reaction: '👍', count: 1, reacted_by_viewer: false },
    ]),
  };
  const views = {
    findVisible: jest.fn(async () => row),
    render: jest.fn(async () => toMessage(row, { users: new Map(), groups: new Map() })),
  };
  const directory = { usersForDisplay: jest.fn(async () => new Map([['bob', profile('bob')]])) };
  const delivery = { publish: jest.fn() };
  const outbox = { stage: jest.fn(async () => undefined) };
  const tx = { run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)) };
  const service = new ReactionService(
    repo as unknown as ReactionRepository,
    views as unknown as MessageViews,
    directory as unknown as ParticipantDirectory,
    delivery as unknown as MessageDelivery,
    tx as unknown as Transactor,
    outbox as unknown as Outbox,
    { now: () => T0 } as unknown as Clock,
  );
  return { service, repo, views, delivery, outbox };
}

const change = (reaction = '👍') => ({
  appId: 'app1',
  uid: 'bob',
  deviceId: 'WEB-1',
  messageId: '101',
  reaction,
});

describe('ReactionService', () => {
  it('adds under the message lock, stages reaction.added, delivers, and answers as the reactor sees it', async () => {
    const { service, repo, outbox, delivery, views } = setup();
    await service.add(change());
    expect(repo.lockMessage).toHaveBeenCalledWith(TX, 'app1', '101');
    expect(repo.add).toHaveBeenCalledWith(TX, 'app1', '101', '👍', 'bob', T0);
    expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.messaging.reactionAdded, 'app1', {
      reaction: expect.objectContaining({
        id: '7',
        uid: 'bob',
        reactedBy: expect.objectContaining({ uid: 'bob' }),
      }),
      message: expect.objectContaining({
        id: '101',
        reactions: [{ reaction: '👍', count: 1, reactedByMe: false }],
      }),
    });
    expect(delivery.publish).toHaveBeenCalledWith(
      expect.objectContaining({ id: '101' }),
      expect.objectContaining({
        type: 'reaction',
        deviceId: 'WEB-1',
        body: expect.objectContaining({ action: 'message_reaction_added', messageId: '101' }),
      }),
    );
    expect(views.render).toHaveBeenCalledWith('app1', expect.anything(), 'bob');
  });

  it('stages and delivers nothing when nothing changed', async () => {
    const { service, outbox, delivery } = setup({ changed: false });
    await service.remove(change());
    expect(outbox.stage).not.toHaveBeenCalled();
    expect(delivery.publish).not.toHaveBeenCalled();
  });

  it('refuses a 26th distinct reaction, but not one of the 25', async () => {
    const distinct = Array.from({ length: 25 }, (_, i) => `r${i}`);
    const { service, repo } = setup({ distinct });
    expect((await domainErrorOf(service.add(change('new')))).code).toBe('ERR_BAD_REQUEST');
    expect(repo.add).not.toHaveBeenCalled();
    await service.add(change('r3'));
    expect(repo.add).toHaveBeenCalled();
  });
});
