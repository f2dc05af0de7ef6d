import { T0 } from '../testing/user.factory';
import { BlockRepository, BlockTimes } from './block.repository';
import { FriendshipRepository } from './friendship.repository';
import { RelationshipReader } from './relationship-reader';

function setup(times: Map<string, BlockTimes>) {
  const blocks = { blockTimes: jest.fn(async () => times) };
  const friendships = {
    areFriends: jest.fn(async () => true),
    friendUids: jest.fn(async () => ['bob']),
  };
  const reader = new RelationshipReader(
    friendships as unknown as FriendshipRepository,
    blocks as unknown as BlockRepository,
  );
  return { reader, blocks, friendships };
}

describe('RelationshipReader', () => {
  it('annotates every uid of a page with one query, users without a block included', async () => {
    const { reader, blocks } = setup(new Map([['bob', { hasBlockedMeAt: T0 }]]));
    const fields = await reader.blockFieldsFor('app1', 'alice', ['bob', 'carol']);
    expect(blocks.blockTimes).toHaveBeenCalledTimes(1);
    expect(fields.get('bob')).toMatchObject({ blockedByMe: false, hasBlockedMe: true });
    expect(fields.get('carol')).toEqual({ blockedByMe: false, hasBlockedMe: false });
  });

  it('tells which side blocked which', async () => {
    const { reader } = setup(new Map([['bob', { blockedByMeAt: T0 }]]));
    await expect(reader.blocksBetween('app1', 'alice', 'bob')).resolves.toEqual({
      aBlockedB: true,
      bBlockedA: false,
    });
  });
});
