import type { Redis } from 'ioredis';

/**
 * Deletes every key matching the glob `pattern` (SCAN, never KEYS: Redis keeps serving); returns
 * how many it deleted.
 */
export async function deleteKeysMatching(redis: Redis, pattern: string): Promise<number> {
  let deleted = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length) deleted += await redis.unlink(...keys);
  } while (cursor !== '0');
  return deleted;
}

/** Removes the members of the set or sorted set `key` that match `pattern`; returns how many. */
export async function removeMembersMatching(
  redis: Redis,
  key: string,
  pattern: string,
): Promise<number> {
  const type = await redis.type(key);
  if (type !== 'set' && type !== 'zset') return 0;
  let removed = 0;
  let cursor = '0';
  do {
    const [next, page] =
      type === 'set'
        ? await redis.sscan(key, cursor, 'MATCH', pattern, 'COUNT', 1000)
        : await redis.zscan(key, cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    // ZSCAN pages alternate member and score.
    const members = type === 'set' ? page : page.filter((_, i) => i % 2 === 0);
    if (members.length)
      removed += await (type === 'set' ? redis.srem(key, ...members) : redis.zrem(key, ...members));
  } while (cursor !== '0');
  return removed;
}
