import { DomainError } from '@parley/common';
import { Call } from '@parley/contracts';
import { ActionDraft, ActionMessageWriter } from '../actions/action-message.writer';
import { ParticipantDirectory } from '../directory/participant-directory';
import { SendRules } from '../messages/send-rules';
import { CallMessageHandler } from './call-message.handler';

const room = { guid: 'room', name: 'Room', type: 'public' };

function setup(refusal?: string) {
  const drafts: ActionDraft[] = [];
  const writer = {
    write: jest.fn(async (draft: ActionDraft) => {
      drafts.push(draft);
      return { id: '1' };
    }),
  };
  const directory = {
    profiles: jest.fn(
      async (_appId: string, uids: string[]) =>
        new Map(uids.map((uid) => [uid, { uid, name: `User ${uid}` }])),
    ),
    group: jest.fn(async (_appId: string, guid: string) => (guid === 'room' ? room : null)),
  };
  const rules = {
    check: jest.fn(async () => {
      if (refusal) throw new DomainError(refusal as 'ERR_BLOCKED_SENDER', 'refused');
      return {};
    }),
  };
  const handler = new CallMessageHandler(
    writer as unknown as ActionMessageWriter,
    directory as unknown as ParticipantDirectory,
    rules as unknown as SendRules,
  );
  return { handler, drafts, rules };
}

const groupCall: Call = {
  sessionid: 'v1.g',
  type: 'video',
  sender: 'alice',
  receiver: 'room',
  receiverType: 'group',
  status: 'ongoing',
  initiatedAt: 100,
  joinedAt: 110,
  participants: [
    { uid: 'alice', joinedAt: 100 },
    { uid: 'bob', joinedAt: 110, leftAt: 150 },
  ],
  version: 3,
};

describe('CallMessageHandler', () => {
  it("stores a group member's step in the group's conversation, the action as the call's status", async () => {
    const { handler, drafts, rules } = setup();
    await handler.store({ appId: 'app1', actor: 'bob', call: groupCall, action: 'left' });
    expect(rules.check).not.toHaveBeenCalled();
    const [draft] = drafts;
    expect(draft).toMatchObject({
      conversationId: 'group_room',
      sender: 'alice',
      receiver: 'room',
      receiverType: 'group',
      category: 'call',
      type: 'video',
      sourceEventId: 'call:v1.g:v3',
      data: {
        action: 'left',
        entities: {
          by: { entity: { uid: 'bob' }, entityType: 'user' },
          for: { entity: room, entityType: 'group' },
          on: {
            entityType: 'call',
            entity: {
              sessionid: 'v1.g',
              status: 'left',
              participants: groupCall.participants,
              conversationId: 'group_room',
              data: {
                entities: {
                  sender: { entity: { uid: 'alice' }, entityType: 'user' },
                  receiver: { entity: room, entityType: 'group' },
                },
              },
            },
          },
        },
      },
    });
  });

  it('keys a 1:1 call message by session and status', async () => {
    const { handler, drafts } = setup();
    const call: Call = { ...groupCall, receiver: 'bob', receiverType: 'user', status: 'ended' };
    delete call.participants;
    delete call.version;
    await handler.store({ appId: 'app1', actor: 'bob', call });
    expect(drafts[0]).toMatchObject({
      conversationId: 'alice_user_bob',
      sourceEventId: 'call:v1.g:ended',
      data: { action: 'ended', entities: { for: { entityType: 'user' } } },
    });
  });

  it('places a call only where a message could go, storing nothing when refused', async () => {
    const { handler, drafts, rules } = setup('ERR_BLOCKED_SENDER');
    const call: Call = { ...groupCall, receiver: 'bob', receiverType: 'user', status: 'initiated' };
    await expect(handler.store({ appId: 'app1', actor: 'alice', call })).rejects.toMatchObject({
      code: 'ERR_BLOCKED_SENDER',
    });
    expect(rules.check).toHaveBeenCalledWith(
      'app1',
      'alice',
      expect.objectContaining({ receiver: 'bob', receiverType: 'user' }),
    );
    expect(drafts).toEqual([]);
  });
});
