import { appWithUsers } from '../sdk/support/sdk-app';
import { sdkSuite } from '../sdk/support/sdk-suite';
import { AppClient, createApp, eventually } from './support/parley';
import { login as loginOverRest } from './support/realtime-client';
import { https } from './support/tls-gateway';

/**
 * Online counts through CometChat's SDK (`getOnlineUserCount`, `getOnlineGroupMemberCount`), which
 * posts to `https://CHAT_HOST/api/<WS_API_VERSION>/online-members` with its JWT: the settings
 * Parley gives it make that URL reach the gateway, and the counts follow presence.
 */

jest.setTimeout(30_000);

const sdk = sdkSuite();
const login = sdk.login;

it('counts the online users of the app and the online members of the groups the user is in', async () => {
  const app = await appWithUsers('alice', 'bob', 'carol', 'dave', 'erin');
  const rest = AppClient.rest(app);
  const group = async (guid: string, members: string[]) => {
    expect((await rest.post('/groups', { guid, name: guid, type: 'public' })).status).toBe(200);
    expect((await rest.post(`/groups/${guid}/members`, { participants: members })).status).toBe(
      200,
    );
  };
  // `team` has more members than the app has online users, `pair` fewer: both ways of counting.
  await group('team', ['alice', 'bob', 'carol', 'dave', 'erin']);
  await group('pair', ['alice', 'bob']);
  await group('elsewhere', ['bob', 'carol']);
  const [alice, bob] = [await login(app, 'alice'), await login(app, 'bob')];
  await login(app, 'carol');
  const { CometChat } = alice;

  await eventually(async () => expect(await CometChat.getOnlineUserCount()).toBe(3));
  // Only the groups alice is in are counted; others, and unknown ones, are left out.
  await eventually(async () =>
    expect(
      await CometChat.getOnlineGroupMemberCount(['team', 'pair', 'elsewhere', 'nope']),
    ).toEqual({ team: 3, pair: 2 }),
  );

  await bob.close();
  await eventually(async () =>
    expect(await CometChat.getOnlineGroupMemberCount(['team', 'pair'])).toEqual({
      team: 2,
      pair: 1,
    }),
  );
  expect(await CometChat.getOnlineUserCount()).toBe(2);
  await expect(CometChat.getOnlineGroupMemberCount([])).rejects.toMatchObject({
    code: 'ERROR_INVALID_GROUPLIST',
  });
});

it('refuses a count without a valid JWT, or with a body it cannot read', async () => {
  const app = await createApp();
  // The JWT as PUT /v3.0/me issues it; nobody of this app is online.
  const { jwt } = await loginOverRest(app, 'alice');
  const { host, ca } = sdk.target(app);
  const url = `https://${host}/ws/api/v1/online-members`;
  const post = (headers: Record<string, string>, body: unknown) =>
    https(ca, 'POST', url, { appid: app.appId, ...headers }, body);
  const refused = (res: { status: number; body: unknown }) => [
    res.status,
    (res.body as { error?: { code?: string } }).error?.code,
  ];
  expect(refused(await post({}, {}))).toEqual([401, 'AUTH_ERR_INVALID_JWT']);
  expect(refused(await post({ authorization: 'not-a-jwt' }, {}))).toEqual([
    401,
    'AUTH_ERR_INVALID_JWT',
  ]);
  const other = await createApp();
  expect(
    refused(await https(ca, 'POST', url, { appid: other.appId, authorization: jwt }, {})),
  ).toEqual([401, 'AUTH_ERR_INVALID_JWT']);
  expect(refused(await post({ authorization: jwt }, { groups: 'team' }))).toEqual([
    400,
    'ERR_BAD_REQUEST',
  ]);
  expect(await post({ authorization: `Bearer ${jwt}` }, {})).toEqual({
    status: 200,
    body: { data: { onlineUsersCount: 0 } },
  });
});
