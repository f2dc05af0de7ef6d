import type { Call, CometChatException, User } from '@cometchat/chat-sdk-javascript';
import { appWithUsers } from '../sdk/support/sdk-app';
import { SdkClient } from '../sdk/support/sdk-client';
import { sdkSuite } from '../sdk/support/sdk-suite';
import { AppClient } from './support/parley';

/**
 * Calls through CometChat's own JavaScript SDK (set-up as in sdk-contract.e2e-spec.ts):
 * `initiateCall`, `acceptCall`, `rejectCall` and `endCall` against Parley, and the SDK's
 * CallListener hearing each step on the other side. The test platform rings for 4 s
 * (CALL_RING_TIMEOUT_SECONDS in the e2e global setup); the SDK's own timer is set longer so the
 * server's ring deadline is what ends an unanswered call.
 */

jest.setTimeout(30_000);

const { login } = sdkSuite();

/** The SDK's own timer for a call nobody answers, in seconds: longer than the server's 4 s. */
const SDK_TIMEOUT = 60;

function dial(from: SdkClient, receiver: string, receiverType = 'user', type = 'audio') {
  const { CometChat } = from;
  return CometChat.initiateCall(
    new CometChat.Call(receiver, type, receiverType),
    SDK_TIMEOUT,
  ) as Promise<Call>;
}

const ofSession = (sessionId: string) => (c: Call) => c.getSessionId() === sessionId;

/** The SDK's rejection of a call, as CometChat's error code. */
async function refusal(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'accepted';
  } catch (err) {
    return String((err as CometChatException).code);
  }
}

describe('CometChat SDK: 1:1 calls', () => {
  it('an answered call: the callee hears it ring, the caller hears it accepted, both hear the end', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    const outgoing = await dial(alice, 'bob', 'user', 'video');
    expect(outgoing.getStatus()).toBe('initiated');
    const sessionId = outgoing.getSessionId();
    expect(sessionId).toMatch(/^v1\./);

    const incoming = await bob.next<Call>('onIncomingCallReceived', ofSession(sessionId));
    expect(incoming.getType()).toBe('video');
    expect(incoming.getCallInitiator().getUid()).toBe('alice');
    expect((incoming.getCallReceiver() as User).getUid()).toBe('bob');

    const accepted = await bob.CometChat.acceptCall(sessionId);
    expect(accepted.getStatus()).toBe('ongoing');
    const heard = await alice.next<Call>('onOutgoingCallAccepted', ofSession(sessionId));
    expect(heard.getStatus()).toBe('ongoing');

    const ended = await alice.CometChat.endCall(sessionId);
    expect(ended?.getStatus()).toBe('ended');
    const end = await bob.next<Call>('onCallEndedMessageReceived', ofSession(sessionId));
    expect(end.getStatus()).toBe('ended');

    const log = await AppClient.rest(app).get<{ data: { status: string } }>(`/calls/${sessionId}`);
    expect(log.body.data.status).toBe('ended');
  });

  it('rejected by the callee: the caller hears it rejected', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    const sessionId = (await dial(alice, 'bob')).getSessionId();
    await bob.next<Call>('onIncomingCallReceived', ofSession(sessionId));
    const { CometChat } = bob;
    const rejected = await CometChat.rejectCall(sessionId, CometChat.CALL_STATUS.REJECTED);
    expect(rejected.getStatus()).toBe('rejected');
    const heard = await alice.next<Call>('onOutgoingCallRejected', ofSession(sessionId));
    expect(heard.getStatus()).toBe('rejected');
  });

  it('cancelled by the caller: the callee stops ringing', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    const sessionId = (await dial(alice, 'bob')).getSessionId();
    await bob.next<Call>('onIncomingCallReceived', ofSession(sessionId));
    const { CometChat } = alice;
    const cancelled = await CometChat.rejectCall(sessionId, CometChat.CALL_STATUS.CANCELLED);
    expect(cancelled.getStatus()).toBe('cancelled');
    const heard = await bob.next<Call>('onIncomingCallCancelled', ofSession(sessionId));
    expect(heard.getStatus()).toBe('cancelled');
  });

  it('busy when the callee is on a call on another device: the caller hears it rejected as busy', async () => {
    const app = await appWithUsers('alice', 'bob', 'carol');
    const [alice, bobPhone, bobTab, carol] = await Promise.all([
      login(app, 'alice'),
      login(app, 'bob'),
      login(app, 'bob'),
      login(app, 'carol'),
    ]);
    // Bob takes carol's call on his phone.
    const withCarol = (await dial(carol, 'bob')).getSessionId();
    await bobPhone.next<Call>('onIncomingCallReceived', ofSession(withCarol));
    await bobPhone.CometChat.acceptCall(withCarol);

    const tried = await dial(alice, 'bob');
    expect(tried.getStatus()).toBe('busy');
    const heard = await alice.next<Call>('onOutgoingCallRejected', ofSession(tried.getSessionId()));
    expect(heard.getStatus()).toBe('busy');
    // Bob's other tab sees the attempt and its end as busy, as a callee's own busy reply reads.
    const onTab = await bobTab.next<Call>(
      'onOutgoingCallRejected',
      ofSession(tried.getSessionId()),
    );
    expect(onTab.getStatus()).toBe('busy');
    // Carol's call goes on.
    await carol.next<Call>('onOutgoingCallAccepted', ofSession(withCarol));
  });

  it('unanswered after the ring timeout: the caller hears it rejected, the callee stops ringing', async () => {
    const app = await appWithUsers('alice', 'bob');
    const [alice, bob] = await Promise.all([login(app, 'alice'), login(app, 'bob')]);
    const sessionId = (await dial(alice, 'bob')).getSessionId();
    await bob.next<Call>('onIncomingCallReceived', ofSession(sessionId));
    const rejected = await alice.next<Call>('onOutgoingCallRejected', ofSession(sessionId), 20_000);
    expect(rejected.getStatus()).toBe('unanswered');
    const cancelled = await bob.next<Call>('onIncomingCallCancelled', ofSession(sessionId));
    expect(cancelled.getStatus()).toBe('unanswered');
    expect(await refusal(bob.CometChat.acceptCall(sessionId))).toBe('ERR_CALL_TERMINATED');
  });

  it('refusals reach the SDK as CometChat error codes', async () => {
    const app = await appWithUsers('alice', 'bob', 'carol');
    const [alice, bob, carol] = await Promise.all([
      login(app, 'alice'),
      login(app, 'bob'),
      login(app, 'carol'),
    ]);
    expect(await refusal(dial(alice, 'alice'))).toBe('ERR_CALLING_SELF');
    expect(await refusal(dial(alice, 'nobody'))).toBe('ERR_UID_NOT_FOUND');
    expect(await refusal(bob.CometChat.acceptCall('v1.no-such-call'))).toBe(
      'ERR_CALL_SESSION_NOT_FOUND',
    );
    const sessionId = (await dial(alice, 'bob')).getSessionId();
    expect(await refusal(carol.CometChat.acceptCall(sessionId))).toBe('ERR_CALL_NOT_A_PART');
    const { CometChat } = bob;
    expect(await refusal(CometChat.rejectCall(sessionId, CometChat.CALL_STATUS.CANCELLED))).toBe(
      'ERR_CALL_INVALID_INIT',
    );
    expect(await refusal(dial(bob, 'carol'))).toBe('ERR_CALL_BUSY_SELF');
    await CometChat.acceptCall(sessionId);
    expect(await refusal(CometChat.rejectCall(sessionId, CometChat.CALL_STATUS.REJECTED))).toBe(
      'ERR_CALL_ONGOING_TO_INVALID',
    );
  });
});

describe('CometChat SDK: group calls', () => {
  /** alice, bob and carol in the public group `room`; eve banned from it; mallory outside. */
  async function room() {
    const app = await appWithUsers('alice', 'bob', 'carol', 'eve', 'mallory');
    const rest = AppClient.rest(app);
    await rest.post('/groups', { guid: 'room', name: 'Room', type: 'public', owner: 'alice' });
    await rest.post('/groups/room/members', { participants: ['bob', 'carol', 'eve'] });
    await rest.post('/groups/room/bannedusers/eve', {});
    const [alice, bob, carol] = await Promise.all(
      ['alice', 'bob', 'carol'].map((uid) => login(app, uid)),
    );
    return { app, alice, bob, carol };
  }

  it('rings the members, who join and leave; the last one out ends it for everyone', async () => {
    const { app, alice, bob, carol } = await room();
    const outgoing = await dial(alice, 'room', 'group', 'video');
    const sessionId = outgoing.getSessionId();
    for (const member of [bob, carol]) {
      const ringing = await member.next<Call>('onIncomingCallReceived', ofSession(sessionId));
      expect(ringing.getReceiverType()).toBe('group');
      expect(ringing.getCallInitiator().getUid()).toBe('alice');
    }

    expect((await bob.CometChat.acceptCall(sessionId)).getStatus()).toBe('ongoing');
    await alice.next<Call>('onOutgoingCallAccepted', ofSession(sessionId));
    await carol.CometChat.acceptCall(sessionId);
    // Alice and bob leave; carol is still in the call, which goes on.
    expect((await alice.CometChat.endCall(sessionId))?.getStatus()).toBe('left');
    expect((await bob.CometChat.endCall(sessionId))?.getStatus()).toBe('left');
    expect(carol.events.some((e) => e.name === 'onCallEndedMessageReceived')).toBe(false);
    expect((await carol.CometChat.endCall(sessionId))?.getStatus()).toBe('ended');
    for (const member of [alice, bob]) {
      await member.next<Call>('onCallEndedMessageReceived', ofSession(sessionId));
    }

    const log = await AppClient.rest(app).get<{
      data: { status: string; totalParticipants: number; participants: Array<{ uid: string }> };
    }>(`/calls/${sessionId}`);
    expect(log.body.data).toMatchObject({ status: 'ended', totalParticipants: 3 });
    expect(log.body.data.participants.map((p) => p.uid)).toEqual(['alice', 'bob', 'carol']);
  });

  it('refuses outsiders, banned users and a second call with the reference codes', async () => {
    const { app, alice, bob } = await room();
    const [eve, mallory] = await Promise.all([login(app, 'eve'), login(app, 'mallory')]);
    expect(await refusal(dial(mallory, 'room', 'group'))).toBe('ERR_NOT_A_MEMBER');
    expect(await refusal(dial(eve, 'room', 'group'))).toBe('ERR_BANNED_GROUPMEMBER');
    expect(await refusal(dial(alice, 'nowhere', 'group'))).toBe('ERR_GUID_NOT_FOUND');
    const sessionId = (await dial(alice, 'room', 'group')).getSessionId();
    expect(await refusal(dial(bob, 'room', 'group'))).toBe('ERR_CALL_BUSY_GROUP');
    expect(await refusal(mallory.CometChat.acceptCall(sessionId))).toBe('ERR_NOT_A_MEMBER');
    expect(await refusal(eve.CometChat.acceptCall(sessionId))).toBe('ERR_BANNED_GROUPMEMBER');
    const { CometChat } = bob;
    expect(await refusal(CometChat.rejectCall(sessionId, CometChat.CALL_STATUS.BUSY))).toBe(
      'ERR_CALL_GROUP_INVALID_STATUS',
    );
    await CometChat.acceptCall(sessionId);
    // Joined already (the SDK itself refuses a second accept while it holds the call).
    CometChat.clearActiveCall();
    expect(await refusal(CometChat.acceptCall(sessionId))).toBe('ERR_CALL_GROUP_ALREADY_JOINED');
  });
});
