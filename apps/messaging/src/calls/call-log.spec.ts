import { Call } from '@parley/contracts';
import { toCallLog } from './call-log';

const base: Call = {
  sessionid: 'v1.s',
  type: 'video',
  sender: 'alice',
  receiver: 'bob',
  receiverType: 'user',
  status: 'initiated',
  initiatedAt: 1_000,
};

describe('toCallLog', () => {
  it('measures an answered call from joinedAt to endedAt', () => {
    const log = toCallLog({ ...base, status: 'ended', joinedAt: 1_010, endedAt: 1_010 + 3_725 });
    expect(log).toMatchObject({
      status: 'ended',
      totalDuration: '01:02:05',
      totalDurationInMinutes: 62.083,
      totalVideoMinutes: 62.083,
      totalAudioMinutes: 0,
      totalParticipants: 2,
      startedAt: 1_010,
      endedAt: 4_735,
    });
    expect(log.participants).toEqual([
      expect.objectContaining({ uid: 'alice', isJoined: true, state: 'left', leftAt: 4_735 }),
      expect.objectContaining({ uid: 'bob', isJoined: true, joinedAt: 1_010 }),
    ]);
  });

  it('shows a call never answered with no duration, cancelled spelt as the log does', () => {
    const log = toCallLog({ ...base, type: 'audio', status: 'cancelled', endedAt: 1_005 });
    expect(log).toMatchObject({
      status: 'canceled',
      totalDuration: '00:00:00',
      totalAudioMinutes: 0,
      totalParticipants: 1,
      startedAt: 1_000,
    });
    expect(log.participants).toEqual([
      expect.objectContaining({ uid: 'alice', isJoined: false, state: 'unjoined' }),
      expect.objectContaining({ uid: 'bob', isJoined: false, state: 'unjoined' }),
    ]);
  });
});
