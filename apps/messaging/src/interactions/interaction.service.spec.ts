import { Clock, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { EVENTS } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageDelivery } from '../messages/message-delivery';
import { MessageRow } from '../messages/message.entity';
import { MessageViews } from '../messages/message-views';
import { messageRow, profile, T0 } from '../testing/message.factory';
import { InteractionRepository, InteractionRow } from './interaction.repository';
import { InteractionService } from './interaction.service';

const TX = {} as EntityManager;

/** A form from alice to bob whose goal is allOf [name, submit]; bob has `done` already. */
function setup(opts: { row?: Partial<MessageRow>; done?: string[] } = {}) {
  const stored: InteractionRow[] = (opts.done ?? []).map((element_id) => ({
    message_id: '101',
    uid: 'bob',
    element_id,
    interacted_at: T0,
  }));
  const repo = {
    lock: jest.fn(async () => undefined),
    of: jest.fn(async () => [...stored]),
    record: jest.fn(async (_tx, _app, _id, uid: string, ids: string[]) => {
      for (const element_id of ids) {
        if (!stored.some((s) => s.element_id === element_id)) {
          stored.push({ message_id: '101', uid, element_id, interacted_at: T0 });
        }
      }
    }),
  };
  const row = messageRow({
    category: 'interactive',
    type: 'form',
    data: {
      interactiveData: { title: 'x' },
      interactionGoal: { type: 'allOf', elementIds: ['name', 'submit'] },
      allowSenderInteraction: false,
    },
    ...opts.row,
  });
  const views = { findVisible: jest.fn(async () => row) };
  const directory = { usersForDisplay: jest.fn(async () => new Map([['bob', profile('bob')]])) };
  const delivery = { publish: jest.fn() };
  const outbox = { stage: jest.fn(async () => undefined) };
  const tx = { run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => work(TX)) };
  const service = new InteractionService(
    repo as unknown as InteractionRepository,
    views as unknown as MessageViews,
    directory as unknown as ParticipantDirectory,
    delivery as unknown as MessageDelivery,
    tx as unknown as Transactor,
    outbox as unknown as Outbox,
    { now: () => T0 } as unknown as Clock,
  );
  return { service, repo, delivery, outbox };
}

const mark = (uid: string, interactions: string[]) => ({
  appId: 'app1',
  uid,
  deviceId: 'WEB-1',
  messageId: '101',
  interactions,
});

describe('InteractionService.mark', () => {
  it('records the elements once each and stages the event; no frame before the goal is met', async () => {
    const { service, repo, outbox, delivery } = setup();
    const reply = await service.mark(mark('bob', ['name', 'name']));
    expect(reply).toEqual({
      success: true,
      message: 'The message id 101 has been marked as interacted for the user bob.',
    });
    expect(repo.record).toHaveBeenCalledWith(TX, 'app1', '101', 'bob', ['name'], T0);
    expect(outbox.stage).toHaveBeenCalledWith(
      TX,
      EVENTS.messaging.messageInteracted,
      'app1',
      expect.objectContaining({ uid: 'bob', interactionGoalCompleted: false }),
    );
    expect(delivery.publish).not.toHaveBeenCalled();
  });

  it('sends interaction_completed once, with the mark that meets the goal', async () => {
    const { service, delivery, outbox } = setup({ done: ['name'] });
    await service.mark(mark('bob', ['submit']));
    expect(outbox.stage).toHaveBeenCalledWith(
      TX,
      EVENTS.messaging.messageInteracted,
      'app1',
      expect.objectContaining({ interactionGoalCompleted: true, goalJustCompleted: true }),
    );
    expect(delivery.publish).toHaveBeenCalledWith(
      expect.objectContaining({ id: '101', sender: 'alice', receiver: 'bob' }),
      expect.objectContaining({
        type: 'interaction_completed',
        sender: 'bob',
        messageSender: 'alice',
        deviceId: 'WEB-1',
        body: expect.objectContaining({
          messageId: '101',
          user: expect.objectContaining({ uid: 'bob' }),
        }),
      }),
    );
    delivery.publish.mockClear();
    await service.mark(mark('bob', ['name']));
    expect(delivery.publish).not.toHaveBeenCalled();
  });

  it('refuses the sender unless the message allows it, and non-interactive messages', async () => {
    const { service, repo } = setup();
    expect((await domainErrorOf(service.mark(mark('alice', ['name'])))).code).toBe(
      'ERR_MESSAGE_NO_ACCESS',
    );
    const open = setup({
      row: {
        data: {
          interactiveData: {},
          interactionGoal: { type: 'anyAction' },
          allowSenderInteraction: true,
        },
      },
    });
    await expect(open.service.mark(mark('alice', ['name']))).resolves.toMatchObject({
      success: true,
    });
    const text = setup({ row: { category: 'message', type: 'text', data: { text: 'hi' } } });
    expect((await domainErrorOf(text.service.mark(mark('bob', ['name'])))).code).toBe(
      'ERR_BAD_REQUEST',
    );
    expect(repo.record).not.toHaveBeenCalled();
  });
});
