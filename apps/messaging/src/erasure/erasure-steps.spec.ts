import { stripProfileOf } from './erasure-steps';

describe('stripProfileOf', () => {
  it("keeps only the uid of every copy of the user's profile, at any depth, and nothing else", () => {
    const profile = { uid: 'ann', name: 'Ann', metadata: { city: 'Oslo' }, tags: ['vip'] };
    const other = { uid: 'bob', name: 'Bob' };
    const action = {
      action: 'added',
      entities: {
        by: { entity: other, entityType: 'user' },
        on: { entity: profile, entityType: 'user' },
        for: { entity: { guid: 'team', members: [profile, other] }, entityType: 'group' },
      },
      text: 'ann was added',
    };
    expect(stripProfileOf(action, 'ann')).toEqual({
      action: 'added',
      entities: {
        by: { entity: other, entityType: 'user' },
        on: { entity: { uid: 'ann' }, entityType: 'user' },
        for: { entity: { guid: 'team', members: [{ uid: 'ann' }, other] }, entityType: 'group' },
      },
      text: 'ann was added',
    });
    expect(stripProfileOf(action, 'carol')).toEqual(action);
  });
});
