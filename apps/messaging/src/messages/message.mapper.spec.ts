import { groupSnapshot, messageRow, profile, seconds, T0 } from '../testing/message.factory';
import { toMessage, userEntity } from './message.mapper';

describe('toMessage', () => {
  it('shows edits and deletes, and keeps the by/on/for entities of an action message', () => {
    const at = new Date(T0.getTime() + 60_000);
    const by = { entity: { uid: 'alice', name: 'Name alice' }, entityType: 'user' };
    const m = toMessage(
      messageRow({
        category: 'action',
        type: 'message',
        data: {
          action: 'edited',
          entities: { by, on: { entity: { id: '7' }, entityType: 'message' } },
        },
        edited_at: at,
        edited_by: 'alice',
        deleted_at: at,
        deleted_by: 'app_system',
      }),
      { users: new Map(), groups: new Map() },
    );
    expect(m).toMatchObject({
      editedAt: seconds(at),
      editedBy: 'alice',
      deletedAt: seconds(at),
      deletedBy: 'app_system',
      data: {
        action: 'edited',
        entities: {
          by,
          on: { entity: { id: '7' }, entityType: 'message' },
          sender: { entity: { uid: 'alice' }, entityType: 'user' },
          receiver: { entity: { uid: 'bob' }, entityType: 'user' },
        },
      },
    });
  });

  it('makes one entity per user for the messages rendered with participants that keep them, with the same JSON', () => {
    const users = new Map([
      ['alice', profile('alice', { metadata: { '@private': { k: 1 }, team: 'x' } })],
      ['bob', profile('bob')],
    ]);
    const rows = [
      messageRow({ mentioned_uids: ['bob'] }),
      messageRow({ id: '102', sender: 'bob', receiver: 'alice' }),
    ];
    const alone = rows.map((r) => toMessage(r, { users, groups: new Map() }));
    const participants = { users, groups: new Map(), entities: new Map() };
    const shared = rows.map((r) => toMessage(r, participants));
    expect(JSON.stringify(shared)).toBe(JSON.stringify(alone));
    const entities = (m: (typeof shared)[number]) =>
      m.data.entities as Record<string, { entity: unknown }>;
    expect(entities(shared[1]).sender.entity).toBe(entities(shared[0]).receiver.entity);
    expect(shared[0].mentionedUsers?.[0]).toBe(entities(shared[0]).receiver.entity);
    expect(entities(shared[1]).receiver.entity).toEqual({
      ...profile('alice'),
      metadata: { team: 'x' },
    });
  });

  it('renders the CometChat shape: numeric string ids, seconds, entities, seq', () => {
    const users = new Map([['alice', profile('alice')]]);
    const m = toMessage(
      messageRow({ muid: 'm1', parent_id: '7', reply_count: 0, tags: ['a'], seq: '12' }),
      { users, groups: new Map() },
    );
    expect(m).toEqual({
      id: '101',
      muid: 'm1',
      conversationId: 'alice_user_bob',
      sender: 'alice',
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: {
        text: 'hello',
        entities: {
          sender: { entity: profile('alice'), entityType: 'user' },
          receiver: { entity: { uid: 'bob', name: 'bob' }, entityType: 'user' },
        },
      },
      sentAt: seconds(T0),
      updatedAt: seconds(T0),
      seq: 12,
      parentId: '7',
      tags: ['a'],
    });
  });

  it('renders the same message from timestamps read as Unix seconds (the page query) as from Dates', () => {
    const at = new Date(T0.getTime() + 90_500);
    const participants = { users: new Map([['alice', profile('alice')]]), groups: new Map() };
    const fromDates = toMessage(
      messageRow({ edited_at: at, edited_by: 'alice', deleted_at: at, deleted_by: 'alice' }),
      participants,
    );
    const fromSeconds = toMessage(
      {
        ...messageRow({ edited_by: 'alice', deleted_by: 'alice' }),
        sent_at: seconds(T0),
        updated_at: seconds(T0),
        edited_at: seconds(at),
        deleted_at: seconds(at),
      },
      participants,
    );
    expect(fromSeconds).toEqual(fromDates);
    expect(fromSeconds).toMatchObject({ sentAt: seconds(T0), editedAt: seconds(at) });
  });

  it('renders a group receiver and a thread parent', () => {
    const m = toMessage(messageRow({ receiver: 'team', receiver_type: 'group', reply_count: 3 }), {
      users: new Map(),
      groups: new Map([['team', groupSnapshot('team')]]),
    });
    expect(m.data.entities).toMatchObject({
      receiver: { entity: { guid: 'team' }, entityType: 'group' },
    });
    expect(m.replyCount).toBe(3);
  });

  it("never shows a user's private metadata, and shows app_system as System", () => {
    const users = new Map([
      ['ann', profile('ann', { metadata: { '@private': { p: 1 }, shared: 2 } })],
    ]);
    expect(userEntity('ann', users)).toMatchObject({ metadata: { shared: 2 } });
    expect(JSON.stringify(userEntity('ann', users))).not.toContain('@private');
    expect(userEntity('app_system', users)).toEqual({ uid: 'app_system', name: 'System' });
  });
});
