import { ParticipantDirectory } from '../directory/participant-directory';
import { groupSnapshot, messageRow, profile } from '../testing/message.factory';
import { ActionMessageWriter } from './action-message.writer';
import { ActionRepository } from './action.repository';
import { MembershipActions } from './membership-actions';

function setup(opts: { stored?: boolean } = {}) {
  const writer = { write: jest.fn(async () => ({})) };
  const actions = {
    findBySourceEvent: jest.fn(async () => (opts.stored ? messageRow() : null)),
  };
  const directory = {
    profiles: jest.fn(
      async (_app: string, uids: string[]) => new Map(uids.map((u) => [u, profile(u)])),
    ),
  };
  return {
    writer,
    directory,
    membership: new MembershipActions(
      writer as unknown as ActionMessageWriter,
      actions as unknown as ActionRepository,
      directory as unknown as ParticipantDirectory,
    ),
  };
}

const team = groupSnapshot('team', { createdAt: 100 });
const event = (extra: object = {}) => ({
  v: 1,
  eventId: 'e-1',
  appId: 'app1',
  occurredAt: 200,
  guid: 'team',
  group: team,
  actor: 'mod',
  uid: 'ann',
  ...extra,
});
const member = { scope: 'participant', joinedAt: 200 };
const subject = (name: string) => `evt.groups.app1.${name}`;

describe('MembershipActions', () => {
  it.each([
    ['member.joined', { ...member, actor: 'ann' }, 'joined', 'ann', []],
    ['member.added', member, 'added', 'mod', []],
    ['member.left', { ...member, actor: 'ann' }, 'left', 'ann', ['ann']],
    ['member.kicked', member, 'kicked', 'mod', ['ann']],
    ['member.banned', { scope: null, joinedAt: null, bannedAt: 200 }, 'banned', 'mod', ['ann']],
    ['member.unbanned', {}, 'unbanned', 'mod', []],
  ])('makes %s (%j) a `%s` message by %s', async (name, extra, action, by, alsoTo) => {
    const { writer, membership } = setup();
    await membership.apply(subject(name), event(extra));
    expect(writer.write).toHaveBeenCalledTimes(1);
    expect(writer.write).toHaveBeenCalledWith(
      {
        appId: 'app1',
        conversationId: 'group_team',
        sender: by,
        receiver: 'team',
        receiverType: 'group',
        type: 'groupMember',
        data: {
          action,
          entities: {
            by: { entity: expect.objectContaining({ uid: by }), entityType: 'user' },
            on: { entity: expect.objectContaining({ uid: 'ann' }), entityType: 'user' },
            for: { entity: team, entityType: 'group' },
          },
        },
        participants: expect.anything(),
        sourceEventId: 'e-1',
      },
      { alsoTo },
    );
  });

  it('puts the old and the new scope of a scope change in extras.scope', async () => {
    const { writer, membership } = setup();
    await membership.apply(
      subject('member.scopeChanged'),
      event({ scope: 'moderator', oldScope: 'participant', newScope: 'moderator', joinedAt: 1 }),
    );
    expect(writer.write).toHaveBeenCalledWith(
      expect.objectContaining({
        data: expect.objectContaining({
          action: 'scopeChanged',
          extras: { scope: { new: 'moderator', old: 'participant' } },
        }),
      }),
      { alsoTo: [] },
    );
  });

  it('shows the app acting as System', async () => {
    const { writer, membership } = setup();
    await membership.apply(subject('member.added'), event({ ...member, actor: 'app_system' }));
    const [[draft]] = writer.write.mock.calls as unknown as Array<[{ data: { entities: object } }]>;
    expect(draft.data.entities).toMatchObject({
      by: { entity: { uid: 'app_system', name: 'System' } },
    });
  });

  it.each([
    ['an imported membership', { ...member, imported: true }],
    ["the owner's membership staged with the group", { ...member, uid: 'owner', joinedAt: 100 }],
    [
      "the owner's membership of a group the app created",
      { ...member, uid: 'owner', actor: 'app_system', joinedAt: 100 },
    ],
  ])('makes nothing of %s', async (_what, extra) => {
    const { writer, membership } = setup();
    await membership.apply(subject('member.added'), event(extra));
    expect(writer.write).not.toHaveBeenCalled();
  });

  it('makes nothing of an event whose message is stored (a redelivery)', async () => {
    const { writer, directory, membership } = setup({ stored: true });
    await membership.apply(subject('member.joined'), event({ ...member, actor: 'ann' }));
    expect(writer.write).not.toHaveBeenCalled();
    expect(directory.profiles).not.toHaveBeenCalled();
  });

  it('makes nothing of group and ownership events, and refuses a broken payload', async () => {
    const { writer, membership } = setup();
    await membership.apply(subject('group.created'), { ...event(), actor: 'owner' });
    await membership.apply(
      subject('group.ownerChanged'),
      event({ oldOwner: 'owner', scope: 'admin', joinedAt: 1 }),
    );
    expect(writer.write).not.toHaveBeenCalled();
    await expect(membership.apply(subject('member.added'), event())).rejects.toThrow();
  });
});
