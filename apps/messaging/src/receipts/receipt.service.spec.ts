import { Clock, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { EVENTS, ReceiptMark } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { ConversationAccess } from '../conversations/conversation-access';
import { ConversationRepository } from '../conversations/conversation.repository';
import { ParticipantDirectory } from '../directory/participant-directory';
import { MessageRepository } from '../messages/message.repository';
import { MessageViews } from '../messages/message-views';
import { messageRow, profile, T0 } from '../testing/message.factory';
import { ReceiptDelivery } from './receipt-delivery';
import { Position } from './receipt.entity';
import { ReceiptRepository } from './receipt.repository';
import { ReceiptService } from './receipt.service';
import { ReceiptViews } from './receipt-views';

const TX = {} as EntityManager;

/** bob's conversation with alice (or group `team`): 4 messages, bob at `position`. */
function setup(position: Position, opts: { group?: { lowest: number; recorded: number } } = {}) {
  const group = opts.group !== undefined;
  const conversationId = group ? 'group_team' : 'alice_user_bob';
  const positions = {
    lockPosition: jest.fn(async () => ({ ...position })),
    savePosition: jest.fn(async (..._args: unknown[]) => undefined),
    addMark: jest.fn(async (..._args: unknown[]) => undefined),
    countOwnAfter: jest.fn(async () => 0),
    groupPosition: jest.fn(async () => opts.group ?? null),
  };
  const conversations = {
    find: jest.fn(async () => ({ conversation_id: conversationId, last_seq: '4' })),
    messageIdAt: jest.fn(async (_a: string, _c: string, seq: number) => ({
      id: String(100 + seq),
      sender: 'alice',
    })),
  };
  const messages = {
    // Messages 101..104 are the conversation's; 999 is another conversation's.
    findById: jest.fn(async (_a: string, id: string) =>
      messageRow({
        id,
        seq: String(Number(id) - 100),
        conversation_id: id === '999' ? 'carol_user_dan' : conversationId,
      }),
    ),
  };
  const access = {
    resolve: jest.fn(async () => ({
      conversationId,
      receiverType: group ? 'group' : 'user',
      receiver: group ? 'team' : 'alice',
      start: 0,
    })),
  };
  const directory = { usersForDisplay: jest.fn(async () => new Map([['bob', profile('bob')]])) };
  const delivery = { deliver: jest.fn() };
  const outbox = { stage: jest.fn(async (..._args: unknown[]) => undefined) };
  const tx = { run: jest.fn(async (work: (t: EntityManager) => Promise<unknown>) => work(TX)) };
  const service = new ReceiptService(
    positions as unknown as ReceiptRepository,
    conversations as unknown as ConversationRepository,
    messages as unknown as MessageRepository,
    access as unknown as ConversationAccess,
    directory as unknown as ParticipantDirectory,
    {} as MessageViews,
    {} as ReceiptViews,
    delivery as unknown as ReceiptDelivery,
    tx as unknown as Transactor,
    outbox as unknown as Outbox,
    { now: () => T0 } as Clock,
  );
  const mark = (over: Partial<ReceiptMark> = {}) =>
    service.mark({
      appId: 'app1',
      viewer: 'bob',
      with: group ? { kind: 'group', guid: 'team' } : { kind: 'user', uid: 'alice' },
      kind: 'read',
      ...over,
    });
  return { positions, outbox, delivery, mark };
}

const staged = (outbox: { stage: jest.Mock }) =>
  outbox.stage.mock.calls.map(([, def, , payload]) => [def, payload.seq]);

describe('ReceiptService.mark', () => {
  it('reads up to a message: read and delivered move there, each once recorded and published', async () => {
    const { positions, outbox, delivery, mark } = setup({
      readSeq: 1,
      deliveredSeq: 2,
      ownAfterRead: 0,
    });
    await mark({ messageId: '103' });
    expect(positions.savePosition).toHaveBeenCalledWith(
      TX,
      'app1',
      'alice_user_bob',
      'bob',
      {
        readSeq: 3,
        deliveredSeq: 3,
        ownAfterRead: 0,
      },
      T0,
    );
    expect(positions.addMark.mock.calls.map((c) => c.slice(4, 7))).toEqual([
      ['delivered', 2, 3],
      ['read', 1, 3],
    ]);
    expect(staged(outbox)).toEqual([
      [EVENTS.messaging.receiptDelivered, 3],
      [EVENTS.messaging.receiptRead, 3],
    ]);
    expect(delivery.deliver).toHaveBeenCalledTimes(2);
    expect(delivery.deliver).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'read', reader: 'bob', receiver: 'alice', messageId: '103' }),
    );
  });

  it('changes and publishes nothing for a boundary behind the position', async () => {
    const { positions, outbox, delivery, mark } = setup({
      readSeq: 3,
      deliveredSeq: 4,
      ownAfterRead: 0,
    });
    await mark({ messageId: '102' });
    await mark({ kind: 'delivered', messageId: '104' });
    expect(positions.savePosition).not.toHaveBeenCalled();
    expect(outbox.stage).not.toHaveBeenCalled();
    expect(delivery.deliver).not.toHaveBeenCalled();
  });

  it('marks delivered without reading, up to the newest message when none is named', async () => {
    const { positions, outbox, mark } = setup({ readSeq: 1, deliveredSeq: 1, ownAfterRead: 0 });
    await mark({ kind: 'delivered' });
    expect(positions.savePosition).toHaveBeenCalledWith(
      TX,
      'app1',
      'alice_user_bob',
      'bob',
      { readSeq: 1, deliveredSeq: 4, ownAfterRead: 0 },
      T0,
    );
    expect(staged(outbox)).toEqual([[EVENTS.messaging.receiptDelivered, 4]]);
  });

  it('recounts own messages behind a mark-unread when reading on', async () => {
    const { positions, mark } = setup({ readSeq: 1, deliveredSeq: 4, ownAfterRead: 2 });
    positions.countOwnAfter.mockResolvedValueOnce(1);
    await mark({ messageId: '103' });
    expect(positions.countOwnAfter).toHaveBeenCalledWith(TX, 'app1', 'alice_user_bob', 'bob', 3);
    expect(positions.savePosition.mock.calls[0][4]).toMatchObject({ ownAfterRead: 1 });
  });

  it('refuses a message of another conversation, changing nothing', async () => {
    const { positions, mark } = setup({ readSeq: 0, deliveredSeq: 0, ownAfterRead: 0 });
    const err = await domainErrorOf(mark({ messageId: '999' }));
    expect(err.code).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    expect(positions.lockPosition).not.toHaveBeenCalled();
  });

  it("records the whole group's position and sends readByAll when a member completes it", async () => {
    const { positions, delivery, mark } = setup(
      { readSeq: 0, deliveredSeq: 0, ownAfterRead: 0 },
      { group: { lowest: 2, recorded: 1 } },
    );
    await mark({ messageId: '104' });
    expect(positions.addMark).toHaveBeenCalledWith(TX, 'app1', 'group_team', '*', 'read', 1, 2, T0);
    expect(delivery.deliver).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'readByAll', messageId: '102', messageSender: 'alice' }),
    );
  });
});
