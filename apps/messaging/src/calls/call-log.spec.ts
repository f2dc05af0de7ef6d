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

describe('toCallLog of a group call', () => {
  const group: Call = {
    ...base,
    receiver: 'room',
    receiverType: 'group',
    status: 'ended',
    initiatedAt: 1_000,
    joinedAt: 1_010,
    endedAt: 1_190,
    participants: [
      { uid: 'alice', joinedAt: 1_000, leftAt: 1_130 },
      { uid: 'bob', joinedAt: 1_010, leftAt: 1_070 },
      { uid: 'carol', joinedAt: 1_040, leftAt: 1_190 },
      { uid: 'bob', joinedAt: 1_100, leftAt: 1_160 },
    ],
    version: 8,
  };

  it('counts each member once, with the minutes of all their stays after the first join', () => {
    const log = toCallLog(group);
    expect(log).toMatchObject({
      receiverType: 'group',
      receiver: 'room',
      status: 'ended',
      totalDuration: '00:03:00',
      totalDurationInMinutes: 3,
      totalParticipants: 3,
      startedAt: 1_010,
      endedAt: 1_190,
    });
    expect(log.participants).toEqual([
      expect.objectContaining({ uid: 'alice', totalDurationInMinutes: 2, state: 'left' }),
      expect.objectContaining({
        uid: 'bob',
        totalDurationInMinutes: 2,
        joinedAt: 1_010,
        leftAt: 1_160,
      }),
      expect.objectContaining({ uid: 'carol', totalDurationInMinutes: 2.5, leftAt: 1_190 }),
    ]);
  });

  it('shows a group call nobody joined as the caller alone, unjoined', () => {
    const log = toCallLog({
      ...group,
      status: 'unanswered',
      joinedAt: undefined,
      endedAt: 1_045,
      participants: [{ uid: 'alice', joinedAt: 1_000, leftAt: 1_045 }],
    });
    expect(log).toMatchObject({ status: 'unanswered', totalParticipants: 1 });
    expect(log.participants).toEqual([
      expect.objectContaining({ uid: 'alice', isJoined: false, state: 'unjoined' }),
    ]);
  });
});
