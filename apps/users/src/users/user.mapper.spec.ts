import { fullUserRow, T0, userRow } from '../testing/user.factory';
import { toUser } from './user.mapper';

describe('toUser', () => {
  it('omits unset optional fields but always gives tags', () => {
    const user = toUser(userRow());
    expect(user).toEqual({
      uid: 'alice',
      name: 'Alice',
      role: 'default',
      status: 'offline',
      tags: [],
      createdAt: Math.floor(T0.getTime() / 1000),
      updatedAt: Math.floor(T0.getTime() / 1000),
    });
  });

  it('gives timestamps in whole Unix seconds', () => {
    const user = toUser(fullUserRow({ deactivatedAt: T0 }));
    expect(user.createdAt).toBe(1735787045);
    expect(user.lastActiveAt).toBe(1735787045);
    expect(user.deactivatedAt).toBe(1735787045);
  });

  it('carries every set field and never the deletion time', () => {
    const row = fullUserRow({ deletedAt: T0 });
    const user = toUser(row);
    expect(user).toMatchObject({
      avatar: row.avatar,
      link: row.link,
      role: row.role,
      statusMessage: row.statusMessage,
      metadata: row.metadata,
      tags: row.tags,
    });
    expect(user).not.toHaveProperty('deletedAt');
  });
});
