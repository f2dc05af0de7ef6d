import { Clock, MessageBus } from '@parley/common';
import { MeUpdateBody, RPC, User } from '@parley/contracts';
import { GatewayEnvSchema } from '../config/gateway-env';
import { MeService, Session } from './me.service';

const SESSION: Session = { appId: 'app1', uid: 'alice', authToken: 'alice_1800000000abc' };
const USER: User = {
  uid: 'alice',
  name: 'Alice',
  role: 'default',
  status: 'offline',
  createdAt: 1_800_000_000,
};

/** The service over a bus that answers each RPC it is asked, recording the calls. */
function setup(env: Record<string, string> = {}) {
  const calls: Array<{ subject: string; payload: unknown }> = [];
  const bus = {
    request: jest.fn(async (def: { subject: string }, payload: unknown) => {
      calls.push({ subject: def.subject, payload });
      if (def.subject === RPC.users.userGet.subject) return USER;
      if (def.subject === RPC.identity.jwtIssue.subject) return { jwt: 'h.p.s' };
      return { success: true, message: 'done' };
    }),
  };
  const clock = { nowSeconds: () => 1_800_000_100 } as unknown as Clock;
  const config = GatewayEnvSchema.parse({ PARLEY_ADMIN_KEY: 'operator-key-0123456789', ...env });
  const service = new MeService(bus as unknown as MessageBus, clock, config);
  return { service, calls };
}

const payloadOf = (calls: Array<{ subject: string; payload: unknown }>, subject: string) =>
  calls.find((c) => c.subject === subject)?.payload as Record<string, unknown>;

describe('MeService', () => {
  it('logs in: device on the token first, then the user, the same token, a JWT and settings', async () => {
    const { service, calls } = setup({ PUBLIC_URL: 'https://chat.example.com' });
    const me = await service.login(
      SESSION,
      { platform: 'WEB', deviceId: 'd1', appInfo: { version: '4.2.0', userAgent: 'Browser/1' } },
      { host: 'internal:3000', 'user-agent': 'header-agent' },
    );
    expect(calls[0]).toEqual({
      subject: RPC.identity.tokenUpdate.subject,
      payload: {
        ...SESSION,
        platform: 'WEB',
        userAgent: 'Browser/1',
        appInfo: { version: '4.2.0', userAgent: 'Browser/1' },
      },
    });
    expect(payloadOf(calls, RPC.users.userGet.subject)).toEqual({
      appId: 'app1',
      uid: 'alice',
      viewer: 'alice',
    });
    expect(payloadOf(calls, RPC.identity.jwtIssue.subject)).toEqual(SESSION);
    expect(me).toMatchObject({ ...USER, authToken: SESSION.authToken, jwt: 'h.p.s' });
    expect(me.settings).toMatchObject({
      CLIENT_API_HOST: 'chat.example.com',
      settingsHashReceivedAt: 1_800_000_100,
    });
  });

  it("takes the user agent from the body, else appInfo, else the request's header", async () => {
    const agentOf = async (body: MeUpdateBody) => {
      const { service, calls } = setup();
      await service.login(SESSION, body, { 'user-agent': 'header-agent' });
      return payloadOf(calls, RPC.identity.tokenUpdate.subject).userAgent;
    };
    expect(await agentOf({ userAgent: 'body', appInfo: { userAgent: 'info' } })).toBe('body');
    expect(await agentOf({ appInfo: { userAgent: 'info' } })).toBe('info');
    expect(await agentOf({})).toBe('header-agent');
  });

  it('cuts long device details to what a token keeps, and leaves out an oversized appInfo', async () => {
    const { service, calls } = setup();
    await service.login(
      SESSION,
      {
        platform: 'p'.repeat(500),
        userAgent: 'u'.repeat(5000),
        appInfo: { big: 'x'.repeat(6000) },
      },
      {},
    );
    const update = payloadOf(calls, RPC.identity.tokenUpdate.subject);
    expect(update.platform).toHaveLength(100);
    expect(update.userAgent).toHaveLength(1000);
    expect(update).not.toHaveProperty('appInfo');
  });

  it("changes the user's own profile first when the body carries profile fields", async () => {
    const { service, calls } = setup();
    await service.login(SESSION, {}, {}, { uid: 'alice', name: 'Alice L', hasBlockedMe: false });
    const subjects = calls.map((c) => c.subject);
    expect(payloadOf(calls, RPC.users.userUpdate.subject)).toEqual({
      appId: 'app1',
      uid: 'alice',
      name: 'Alice L',
    });
    expect(subjects.indexOf(RPC.users.userUpdate.subject)).toBeLessThan(
      subjects.indexOf(RPC.users.userGet.subject),
    );
  });

  it('changes no profile on a plain login', async () => {
    const { service, calls } = setup();
    await service.login(SESSION, { platform: 'WEB' }, {}, { platform: 'WEB', deviceId: 'd1' });
    expect(calls.map((c) => c.subject)).not.toContain(RPC.users.userUpdate.subject);
  });

  it('logs out by deleting this auth token', async () => {
    const { service, calls } = setup();
    await service.logout(SESSION);
    expect(calls).toEqual([{ subject: RPC.identity.tokenDelete.subject, payload: SESSION }]);
  });
});
