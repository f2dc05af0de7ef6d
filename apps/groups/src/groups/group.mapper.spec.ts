import { fullGroupRow, groupRow, memberRow, seconds, T0 } from '../testing/group.factory';
import { seenBy, toGroup } from './group.mapper';

describe('group mapper', () => {
  it('maps a group to the CometChat shape: seconds, conversationId, unset fields omitted', () => {
    expect(toGroup(groupRow())).toEqual({
      guid: 'g1',
      name: 'Group one',
      type: 'public',
      owner: 'owner',
      membersCount: 1,
      conversationId: 'group_g1',
      tags: [],
      createdAt: seconds(T0),
      updatedAt: seconds(T0),
    });
  });

  it('carries every set field and never the password hash', () => {
    const group = toGroup(fullGroupRow());
    expect(group).toMatchObject({
      type: 'password',
      icon: 'https://example.com/g.png',
      description: 'About the group',
      metadata: { topic: 'chat' },
      tags: ['vip', 'beta'],
      updatedBy: 'owner',
    });
    expect(JSON.stringify(group)).not.toContain('argon2');
    expect(group).not.toHaveProperty('password');
    expect(group).not.toHaveProperty('passwordHash');
  });

  it("adds the viewer's scope, hasJoined and joinedAt, or hasJoined false for a non-member", () => {
    const group = toGroup(groupRow());
    expect(seenBy(group, memberRow({ scope: 'moderator' }))).toMatchObject({
      scope: 'moderator',
      hasJoined: true,
      joinedAt: seconds(T0),
    });
    const outsider = seenBy(group, null);
    expect(outsider.hasJoined).toBe(false);
    expect(outsider).not.toHaveProperty('scope');
    expect(outsider).not.toHaveProperty('joinedAt');
  });
});
