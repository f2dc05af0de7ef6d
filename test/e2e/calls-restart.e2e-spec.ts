import { AppClient, createApp } from './support/parley';
import { login, TestSocket, Frame } from './support/realtime-client';
import { PrivatePlatform, startPrivatePlatform } from './support/private-platform';

/**
 * A ringing call's deadline lives in Redis, not in the presence process: presence is killed
 * (SIGKILL, no shutdown) while the call rings and started again, and the call still ends as
 * `unanswered` at its deadline. On a platform of its own, so no other test loses its presence.
 */

jest.setTimeout(180_000);

/** Long enough for presence to be killed and started again while the call rings. */
const RING_SECONDS = 12;

let platform: PrivatePlatform;
const sockets: TestSocket[] = [];

beforeAll(async () => {
  platform = await startPrivatePlatform({ CALL_RING_TIMEOUT_SECONDS: String(RING_SECONDS) });
}, 240_000);

afterAll(async () => {
  for (const s of sockets) s.ws.terminate();
  await platform?.stop();
});

type CallEntity = { sessionid: string; status: string; initiatedAt: number; endedAt?: number };
type CallMessage = { data: { action: string; entities: { on: { entity: CallEntity } } } };

const callFrame = (sessionId: string, action: string) => (f: Frame) => {
  const body = f.body as CallMessage | undefined;
  return (
    f.type === 'message' &&
    body?.data?.action === action &&
    body.data.entities?.on?.entity?.sessionid === sessionId
  );
};

describe('calls across a presence restart', () => {
  it('a call ringing while presence is killed still ends as unanswered at its deadline', async () => {
    const { gateway } = platform;
    const app = await createApp('restart', gateway);
    const [alice, bob] = [await login(app, 'alice', gateway), await login(app, 'bob', gateway)];
    const aliceWs = await TestSocket.authenticated(gateway, alice, app.appId, 'alice-1');
    const bobWs = await TestSocket.authenticated(gateway, bob, app.appId, 'bob-1');
    sockets.push(aliceWs, bobWs);

    const caller = new AppClient(app.appId, { authtoken: alice.authToken }, gateway);
    const started = await caller.post<{ data: CallMessage }>('/calls', {
      receiver: 'bob',
      receiverType: 'user',
      type: 'audio',
    });
    expect(started.status).toBe(200);
    const call = started.body.data.data.entities.on.entity;
    await bobWs.next(callFrame(call.sessionid, 'initiated'));

    process.kill(platform.pidOf('presence'), 'SIGKILL');
    await platform.startService('presence');
    const backAt = Math.ceil(Date.now() / 1000);

    const frame = await aliceWs.next(callFrame(call.sessionid, 'unanswered'), 60_000);
    await bobWs.next(callFrame(call.sessionid, 'unanswered'));
    const ended = (frame.body as CallMessage).data.entities.on.entity;
    expect(ended.status).toBe('unanswered');
    // At the stored deadline: not before it, and within a few of the new process's once-a-second
    // sweeps after it (or after the new process is up, on a machine too slow to restart it in time).
    const deadline = call.initiatedAt + RING_SECONDS;
    expect(ended.endedAt).toBeGreaterThanOrEqual(deadline);
    expect(ended.endedAt).toBeLessThanOrEqual(Math.max(deadline, backAt) + 5);
    // Nothing else happened to the call, and both lines are free again.
    const again = await caller.post<{ data: CallMessage }>('/calls', {
      receiver: 'bob',
      receiverType: 'user',
      type: 'audio',
    });
    expect(again.body.data.data.action).toBe('initiated');
  });
});
