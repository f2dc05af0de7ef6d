import { Clock, DomainError, Outbox, Transactor } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { EVENTS, Message, MessageSend } from '@parley/contracts';
import { EntityManager } from 'typeorm';
import { messageRow, profile, T0, textTo } from '../testing/message.factory';
import { MessageDelivery } from './message-delivery';
import { NewMessage } from './message.entity';
import { toMessage } from './message.mapper';
import { MessageRepository } from './message.repository';
import { MessageService } from './message.service';
import { MessageViews } from './message-views';
import { MessageMentions } from './mentions';
import { SendRules } from './send-rules';

const TX = {} as EntityManager;
const muidTaken = Object.assign(new Error('duplicate key'), {
  code: '23505',
  constraint: 'messages_sender_muid',
});

function setup(
  opts: {
    stored?: boolean;
    seq?: number;
    heldBy?: string;
    parent?: object | null;
    byId?: ReturnType<typeof messageRow> | null;
  } = {},
) {
  const users = new Map([
    ['alice', profile('alice')],
    ['bob', profile('bob')],
  ]);
  const repo = {
    findByMuid: jest.fn(async () =>
      opts.stored ? messageRow({ muid: 'm1', id: '55', seq: '4' }) : null,
    ),
    takeSeq: jest.fn(async (_tx: unknown, _a: string, _c: string, type: string, _now: Date) => ({
      seq: opts.seq ?? 1,
      conversationType: opts.heldBy ?? type,
    })),
    insert: jest.fn(async (_tx: EntityManager, m: NewMessage) =>
      messageRow({
        id: '101',
        conversation_id: m.conversationId,
        seq: String(m.seq),
        muid: m.muid,
        sender: m.sender,
        receiver: m.receiver,
        receiver_type: m.receiverType,
        data: m.data,
        parent_id: m.parentId,
        mentioned_uids: m.mentionedUids,
        quoted_message_id: m.quotedMessageId,
        sent_at: m.sentAt,
        updated_at: m.sentAt,
      }),
    ),
    findParent: jest.fn(async () => opts.parent ?? null),
    findById: jest.fn(async () => opts.byId ?? null),
    countReply: jest.fn(async () => undefined),
    advancePosition: jest.fn(async (..._args: unknown[]) => undefined),
    openPosition: jest.fn(async (..._args: unknown[]) => undefined),
    // A send to a conversation that exists, in one statement (the int-specs run it): here the
    // conversation is never there, so the general way below is taken unless a test says otherwise.
    appendToConversation: jest.fn(
      async (..._args: unknown[]): Promise<ReturnType<typeof messageRow> | null> => null,
    ),
    // The send's one statement, told as its parts (the int-specs run the statement itself).
    insertWithSeq: jest.fn(
      async (
        tx: EntityManager,
        m: Omit<NewMessage, 'seq'>,
        positions: { open: string | null },
      ): Promise<{ conversationType: string; message: ReturnType<typeof messageRow> | null }> => {
        const { seq, conversationType }: { seq: number; conversationType: string } =
          await repo.takeSeq(tx, m.appId, m.conversationId, m.receiverType, m.sentAt);
        if (conversationType !== m.receiverType) return { conversationType, message: null };
        const message = await repo.insert(tx, { ...m, seq });
        if (positions.open && seq === 1) {
          await repo.openPosition(tx, m.appId, m.conversationId, positions.open, m.sentAt);
        }
        return { conversationType, message };
      },
    ),
  };
  const rules = {
    check: jest.fn(async (_a: string, sender: string, c: { receiver: string }) => ({
      conversationId: [sender, c.receiver].sort().join('_user_'),
      participants: { users, groups: new Map() },
    })),
  };
  const views = {
    render: jest.fn(async (_a: string, row) => toMessage(row, { users, groups: new Map() })),
    withQuotes: jest.fn(async (_a: string, _rows: unknown[], messages: Message[]) => messages),
  };
  const delivery = { deliver: jest.fn() };
  const committed: string[] = [];
  const tx = {
    run: jest.fn(async (work: (tx: EntityManager) => Promise<unknown>) => {
      const result = await work(TX);
      committed.push('commit');
      return result;
    }),
    statement: jest.fn(async (work: (db: unknown) => Promise<unknown>) => work(TX)),
  };
  const outbox = {
    stage: jest.fn(async () => undefined),
    event: jest.fn((_def: unknown, appId: string, body: object) => ({
      eventId: 'e1',
      subject: `evt.messaging.${appId}.message.created`,
      payload: { v: 1, eventId: 'e1', appId, occurredAt: 1, ...body },
    })),
  };
  const clock = { now: () => T0 };
  const mentions = {
    resolve: jest.fn(async (_a: string, _c: string, data: { text?: string }) =>
      data.text?.includes('<@uid:carol>')
        ? new Map([['carol', profile('carol')]])
        : new Map<string, ReturnType<typeof profile>>(),
    ),
  };
  const service = new MessageService(
    repo as unknown as MessageRepository,
    rules as unknown as SendRules,
    views as unknown as MessageViews,
    delivery as unknown as MessageDelivery,
    tx as unknown as Transactor,
    outbox as unknown as Outbox,
    clock as unknown as Clock,
    mentions as unknown as MessageMentions,
  );
  return { service, repo, rules, delivery, tx, outbox, committed };
}

const send = (over: Partial<MessageSend> = {}, body = textTo('bob')): MessageSend => ({
  appId: 'app1',
  sender: 'alice',
  deviceId: 'WEB-session-1',
  message: body,
  ...over,
});

describe('MessageService.send', () => {
  it('stores the message at the next seq, moves the sender on, stages the event, then delivers', async () => {
    const { service, repo, outbox, delivery, committed } = setup({ seq: 1 });
    const message = await service.send(send());

    expect(repo.takeSeq).toHaveBeenCalledWith(TX, 'app1', 'alice_user_bob', 'user', T0);
    expect(repo.insert).toHaveBeenCalledWith(
      TX,
      expect.objectContaining({
        seq: 1,
        sender: 'alice',
        receiver: 'bob',
        data: { text: 'hello' },
      }),
    );
    expect(repo.advancePosition).toHaveBeenCalledWith(TX, 'app1', 'alice_user_bob', 'alice', 1, T0);
    // The conversation is new: the receiver gets a position with nothing read.
    expect(repo.openPosition).toHaveBeenCalledWith(TX, 'app1', 'alice_user_bob', 'bob', T0);
    expect(outbox.stage).toHaveBeenCalledWith(TX, EVENTS.messaging.messageCreated, 'app1', {
      message,
    });
    expect(message).toMatchObject({ id: '101', seq: 1, sender: 'alice', receiver: 'bob' });
    expect(message.data.entities).toMatchObject({
      sender: { entityType: 'user', entity: { uid: 'alice', name: 'Name alice' } },
      receiver: { entityType: 'user', entity: { uid: 'bob' } },
    });
    expect(committed).toEqual(['commit']);
    expect(delivery.deliver).toHaveBeenCalledWith('app1', message, 'WEB-session-1');
  });

  it('sends to a conversation that exists in one statement, with the event of the message it answers', async () => {
    const { service, repo, tx, outbox, delivery } = setup();
    repo.appendToConversation.mockImplementationOnce(async (_db, m) => {
      const n = m as Omit<NewMessage, 'seq'>;
      return messageRow({
        id: '102',
        conversation_id: n.conversationId,
        seq: '7',
        muid: n.muid,
        sender: n.sender,
        receiver: n.receiver,
        receiver_type: n.receiverType,
        data: n.data,
        mentioned_uids: n.mentionedUids,
        sent_at: n.sentAt,
        updated_at: n.sentAt,
      });
    });
    const message = await service.send(send({}, textTo('bob', { text: 'hi <@uid:carol>' })));

    expect(message).toMatchObject({ id: '102', seq: 7, mentionedUsers: [{ uid: 'carol' }] });
    expect(tx.run).not.toHaveBeenCalled();
    const [, stored, event] = repo.appendToConversation.mock.calls[0] as [
      unknown,
      Omit<NewMessage, 'seq'>,
      unknown,
    ];
    expect(stored).toMatchObject({
      conversationId: 'alice_user_bob',
      sender: 'alice',
      receiver: 'bob',
      mentionedUids: ['carol'],
      sentAt: T0,
    });
    // The event's message is the one answered (but for the sender's own mentionedMe), with the
    // id and seq the statement sets.
    const { mentionedMe, ...everyones } = message;
    expect(mentionedMe).toBe(false);
    expect(outbox.event).toHaveBeenCalledWith(EVENTS.messaging.messageCreated, 'app1', {
      message: { ...everyones, id: '0', seq: 0 },
    });
    expect(event).toBe(outbox.event.mock.results[0].value);
    expect(delivery.deliver).toHaveBeenCalledWith('app1', everyones, 'WEB-session-1');
  });

  it('answers a muid the one statement finds stored with the stored message', async () => {
    const { service, repo, tx } = setup({ stored: true });
    repo.appendToConversation.mockRejectedValueOnce(muidTaken);
    const message = await service.send(send({}, textTo('bob', { muid: 'm1' })));
    expect(message).toMatchObject({ id: '55', seq: 4, muid: 'm1' });
    expect(tx.run).not.toHaveBeenCalled();
  });

  it('stores the users the text mentions and shows them, mentionedMe for the sender', async () => {
    const { service, repo, outbox, delivery } = setup();
    const reply = await service.send(send({}, textTo('bob', { text: 'hi <@uid:carol>' })));
    expect(repo.insert).toHaveBeenCalledWith(
      TX,
      expect.objectContaining({ mentionedUids: ['carol'] }),
    );
    expect(reply).toMatchObject({
      mentionedUsers: [{ uid: 'carol', name: 'Name carol' }],
      mentionedMe: false,
      data: { mentions: { carol: { uid: 'carol', name: 'Name carol' } } },
    });
    // The event and the frame are for everyone: no viewer's mentionedMe.
    const [[, , , { message }]] = outbox.stage.mock.calls as unknown as Array<
      [unknown, unknown, unknown, { message: Message }]
    >;
    expect(message.mentionedMe).toBeUndefined();
    expect(delivery.deliver).toHaveBeenCalledWith('app1', message, 'WEB-session-1');
  });

  it('opens no receiver position once the conversation exists', async () => {
    const { service, repo } = setup({ seq: 7 });
    await service.send(send());
    expect(repo.openPosition).not.toHaveBeenCalled();
  });

  it('sends as app_system for the app itself, with no read position', async () => {
    const { service, repo } = setup();
    const message = await service.send(send({ sender: undefined }));
    expect(message.sender).toBe('app_system');
    expect(repo.advancePosition).not.toHaveBeenCalled();
  });

  it('answers a stored muid with the stored message: its insert rolls back, nothing is staged or delivered', async () => {
    const { service, repo, outbox, delivery } = setup({ stored: true });
    repo.insert.mockRejectedValueOnce(muidTaken); // the muid index
    const message = await service.send(send({}, textTo('bob', { muid: 'm1' })));
    expect(message).toMatchObject({ id: '55', seq: 4, muid: 'm1' });
    expect(outbox.stage).not.toHaveBeenCalled();
    expect(delivery.deliver).not.toHaveBeenCalled();
  });

  it('answers a stored muid with the stored message when the rules now refuse the send', async () => {
    const { service, rules, repo, tx } = setup({ stored: true });
    rules.check.mockRejectedValueOnce(new DomainError('ERR_BLOCKED_SENDER'));
    const message = await service.send(send({}, textTo('bob', { muid: 'm1' })));
    expect(message).toMatchObject({ id: '55', seq: 4, muid: 'm1' });
    expect(tx.run).not.toHaveBeenCalled();
    // Without a stored message the refusal stands.
    rules.check.mockRejectedValueOnce(new DomainError('ERR_BLOCKED_SENDER'));
    repo.findByMuid.mockResolvedValueOnce(null);
    const err = await domainErrorOf(service.send(send({}, textTo('bob', { muid: 'm2' }))));
    expect(err.code).toBe('ERR_BLOCKED_SENDER');
  });

  it('answers the winner when a racing send with the same muid stored first', async () => {
    const { service, repo, outbox, delivery } = setup();
    repo.findByMuid.mockResolvedValueOnce(messageRow({ id: '77', seq: '3', muid: 'm1' }));
    repo.insert.mockRejectedValueOnce(muidTaken);
    const message: Message = await service.send(send({}, textTo('bob', { muid: 'm1' })));
    expect(message).toMatchObject({ id: '77', seq: 3 });
    expect(outbox.stage).not.toHaveBeenCalled();
    expect(delivery.deliver).not.toHaveBeenCalled();
  });

  it('passes other insert failures on', async () => {
    const { service, repo } = setup();
    repo.insert.mockRejectedValueOnce(new Error('connection lost'));
    await expect(service.send(send())).rejects.toThrow('connection lost');
  });

  it('refuses a conversation id another kind of conversation holds', async () => {
    const { service, repo } = setup({ heldBy: 'group' });
    const err = await domainErrorOf(service.send(send()));
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(repo.insert).not.toHaveBeenCalled();
  });

  it('refuses what the content rules refuse before reading anything', async () => {
    const { service, rules } = setup();
    const err = await domainErrorOf(service.send(send({}, textTo('bob', { text: '' }))));
    expect(err.code).toBe('ERR_EMPTY_MESSAGE_TEXT');
    expect(rules.check).not.toHaveBeenCalled();
  });

  it('passes the send rules refusal on, writing nothing', async () => {
    const { service, rules, tx } = setup();
    rules.check.mockRejectedValueOnce(new DomainError('ERR_BLOCKED_SENDER'));
    expect((await domainErrorOf(service.send(send()))).code).toBe('ERR_BLOCKED_SENDER');
    expect(tx.run).not.toHaveBeenCalled();
  });

  describe('replies (parentId)', () => {
    const reply = textTo('bob', { parentId: '9' });

    it('stores a reply to a message of the conversation and counts it on the parent', async () => {
      const { service, repo } = setup({
        parent: { conversation_id: 'alice_user_bob', parent_id: null, category: 'message' },
      });
      const message = await service.send(send({}, reply));
      expect(message.parentId).toBe('9');
      expect(repo.countReply).toHaveBeenCalledWith(TX, 'app1', '9');
    });

    it.each([
      ['a parent that does not exist', null, 'ERR_MESSAGE_ID_NOT_FOUND'],
      [
        'a parent in another conversation',
        { conversation_id: 'alice_user_carol', parent_id: null, category: 'message' },
        'ERR_WRONG_MESSAGE_THREAD',
      ],
      [
        'a parent that is a reply (no nesting)',
        { conversation_id: 'alice_user_bob', parent_id: '3', category: 'message' },
        'ERR_MESSAGE_THREAD_NESTING',
      ],
    ])('refuses %s', async (_what, parent, code) => {
      const { service, repo } = setup({ parent });
      expect((await domainErrorOf(service.send(send({}, reply)))).code).toBe(code);
      expect(repo.insert).not.toHaveBeenCalled();
    });
  });
});

describe('MessageService: threads, quotes, many receivers, writes', () => {
  it('sends a thread reply without a receiver to where its parent is', async () => {
    const parent = { conversation_id: 'alice_user_bob', parent_id: null, category: 'message' };
    const { service, rules } = setup({
      parent,
      byId: messageRow({ id: '9', sender: 'bob', receiver: 'alice' }),
    });
    const body = { category: 'message', type: 'text', data: { text: 'in thread' }, parentId: '9' };
    const message = await service.send(send({}, body));
    expect(message).toMatchObject({ receiver: 'bob', receiverType: 'user', parentId: '9' });
    expect(rules.check).toHaveBeenCalledWith(
      'app1',
      'alice',
      expect.objectContaining({ receiver: 'bob' }),
    );
  });

  it('refuses a thread reply to a 1:1 parent the sender is no part of', async () => {
    const { service } = setup({ byId: messageRow({ sender: 'bob', receiver: 'carol' }) });
    const body = { category: 'message', type: 'text', data: { text: 'x' }, parentId: '101' };
    expect((await domainErrorOf(service.send(send({}, body)))).code).toBe(
      'ERR_MESSAGE_ID_NOT_FOUND',
    );
  });

  it('stores a quote of a message of the same conversation, and refuses any other', async () => {
    const same = setup({
      parent: { conversation_id: 'alice_user_bob', parent_id: null, category: 'message' },
    });
    const quoting = await same.service.send(send({}, textTo('bob', { quotedMessageId: '4' })));
    expect(quoting.quotedMessageId).toBe('4');
    expect(same.repo.insert).toHaveBeenCalledWith(
      TX,
      expect.objectContaining({ quotedMessageId: '4' }),
    );

    const other = setup({
      parent: { conversation_id: 'alice_user_carol', parent_id: null, category: 'message' },
    });
    const err = await domainErrorOf(
      other.service.send(send({}, textTo('bob', { quotedMessageId: '4' }))),
    );
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(err.details).toHaveProperty('quotedMessageId');
    const missing = setup({ parent: null });
    expect(
      (await domainErrorOf(missing.service.send(send({}, textTo('bob', { quotedMessageId: '4' })))))
        .code,
    ).toBe('ERR_MESSAGE_ID_NOT_FOUND');
  });

  it('sends one message per receiver with its own muid, reporting each failure alone', async () => {
    const { service, rules, delivery } = setup();
    rules.check.mockImplementation(async (_a: string, sender: string, c: { receiver: string }) => {
      if (c.receiver === 'zed') throw new DomainError('ERR_UID_NOT_FOUND', 'no zed');
      return {
        conversationId: [sender, c.receiver].sort().join('_user_'),
        participants: { users: new Map(), groups: new Map() },
      };
    });
    const body = textTo('bob', {
      muid: 'm',
      multipleReceivers: { uids: ['carol', 'zed'], guids: [] },
    });
    const result = await service.sendMany(send({}, body));
    expect(Object.keys(result.uids).sort()).toEqual(['bob', 'carol', 'zed']);
    expect(result.uids.bob).toMatchObject({ success: true, data: { muid: 'm:user:bob' } });
    expect(result.uids.carol).toMatchObject({ success: true, data: { receiver: 'carol' } });
    expect(result.uids.zed).toEqual({
      success: false,
      error: { code: 'ERR_UID_NOT_FOUND', message: 'no zed' },
    });
    expect(result.guids).toEqual({});
    expect(delivery.deliver).toHaveBeenCalledTimes(2);
  });

  it('refuses a send to many with bad content, a parent or a quote, as a whole', async () => {
    const { service, tx } = setup();
    const many = { multipleReceivers: { uids: ['carol'] } };
    for (const [body, code] of [
      [textTo('bob', { ...many, text: '' }), 'ERR_EMPTY_MESSAGE_TEXT'],
      [textTo('bob', { ...many, parentId: '3' }), 'ERR_BAD_REQUEST'],
      [textTo('bob', { ...many, quotedMessageId: '3' }), 'ERR_BAD_REQUEST'],
    ] as const) {
      expect((await domainErrorOf(service.sendMany(send({}, body)))).code).toBe(code);
    }
    // And a plain send does not take multipleReceivers.
    expect((await domainErrorOf(service.send(send({}, textTo('bob', many))))).code).toBe(
      'ERR_BAD_REQUEST',
    );
    expect(tx.run).not.toHaveBeenCalled();
  });

  it('writes an imported message at its own time, staging no event', async () => {
    const { service, repo, outbox, rules } = setup();
    const sentAt = new Date('2020-01-01T00:00:00Z');
    const { message, created } = await service.write(
      'app1',
      'alice',
      {
        receiver: 'bob',
        receiverType: 'user',
        category: 'message',
        type: 'text',
        data: { text: 'old' },
        tags: [],
      },
      (c) => rules.check('app1', 'alice', c),
      { sentAt, event: false },
    );
    expect(created).toBe(true);
    expect(repo.insert).toHaveBeenCalledWith(TX, expect.objectContaining({ sentAt }));
    expect(message.sentAt).toBe(1577836800);
    expect(outbox.stage).not.toHaveBeenCalled();
  });
});
