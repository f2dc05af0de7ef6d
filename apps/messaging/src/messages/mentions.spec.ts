import { DomainError } from '@parley/common';
import { domainErrorOf } from '@parley/common/testing';
import { ParticipantDirectory } from '../directory/participant-directory';
import { profile } from '../testing/message.factory';
import { MAX_MENTIONED_USERS, MessageMentions, parseMentions } from './mentions';

describe('parseMentions', () => {
  it('finds each <@uid:UID> once, lower-cased, in order of first mention', () => {
    expect(parseMentions('hi <@uid:Bob> and <@uid:carol_1>, again <@uid:bob>')).toEqual([
      'bob',
      'carol_1',
    ]);
  });

  it('ignores what is not a mention', () => {
    expect(parseMentions('<@uid:> <@uid:a b> <@user:bob> @bob <uid:bob> <@uid:bad!>')).toEqual([]);
    expect(parseMentions(undefined)).toEqual([]);
    expect(parseMentions(42)).toEqual([]);
  });

  it('takes uids of up to 100 characters only', () => {
    expect(parseMentions(`<@uid:${'a'.repeat(100)}>`)).toEqual(['a'.repeat(100)]);
    expect(parseMentions(`<@uid:${'a'.repeat(101)}>`)).toEqual([]);
  });
});

describe('MessageMentions.resolve', () => {
  const directory = (statuses: Record<string, 'active' | 'deactivated'>) => ({
    users: jest.fn(async (_app: string, uids: string[]) => {
      const known = uids.filter((u) => statuses[u]);
      return new Map(known.map((u) => [u, { uid: u, status: statuses[u], profile: profile(u) }]));
    }),
  });

  it('keeps active users as mentions; unknown and deactivated uids stay plain text', async () => {
    const dir = directory({ bob: 'active', dan: 'deactivated' });
    const mentions = new MessageMentions(dir as unknown as ParticipantDirectory);
    const found = await mentions.resolve('app1', 'message', {
      text: '<@uid:bob> <@uid:dan> <@uid:ghost>',
    });
    expect([...found.keys()]).toEqual(['bob']);
  });

  it('reads the text of message-category messages only', async () => {
    const dir = directory({ bob: 'active' });
    const mentions = new MessageMentions(dir as unknown as ParticipantDirectory);
    expect((await mentions.resolve('app1', 'custom', { text: '<@uid:bob>' })).size).toBe(0);
    expect(dir.users).not.toHaveBeenCalled();
  });

  it(`refuses more than ${MAX_MENTIONED_USERS} distinct users, asking nobody`, async () => {
    const dir = directory({});
    const mentions = new MessageMentions(dir as unknown as ParticipantDirectory);
    const text = Array.from({ length: 11 }, (_, i) => `<@uid:u${i}>`).join(' ');
    const err = await domainErrorOf(mentions.resolve('app1', 'message', { text }));
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('ERR_BAD_REQUEST');
    expect(dir.users).not.toHaveBeenCalled();
    const ten = Array.from({ length: 10 }, (_, i) => `<@uid:u${i}> <@uid:u${i}>`).join(' ');
    await expect(mentions.resolve('app1', 'message', { text: ten })).resolves.toBeInstanceOf(Map);
  });
});
