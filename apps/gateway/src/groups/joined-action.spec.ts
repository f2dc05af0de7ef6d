import { Group, User } from '@parley/contracts';
import { joinedActionOf } from './joined-action';

const GROUP: Group = {
  guid: 'team',
  name: 'Team',
  type: 'public',
  owner: 'own',
  membersCount: 2,
  conversationId: 'group_team',
  createdAt: 1_800_000_000,
  scope: 'participant',
  hasJoined: true,
  joinedAt: 1_800_000_100,
};
const AMY: User = { uid: 'amy', name: 'Amy', role: 'default', status: 'offline', createdAt: 1 };

describe('joinedActionOf', () => {
  it("is the joined action message, with the group where the SDK's joinGroup reads it", () => {
    const action = joinedActionOf(GROUP, AMY);
    expect(action).toEqual({
      conversationId: 'group_team',
      sender: 'amy',
      receiver: 'team',
      receiverType: 'group',
      category: 'action',
      type: 'groupMember',
      data: {
        action: 'joined',
        entities: {
          by: { entity: AMY, entityType: 'user' },
          on: { entity: AMY, entityType: 'user' },
          for: { entity: GROUP, entityType: 'group' },
        },
      },
      sentAt: 1_800_000_100,
      updatedAt: 1_800_000_100,
    });
  });
});
