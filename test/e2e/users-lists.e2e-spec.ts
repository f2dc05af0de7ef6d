import { AppClient, createApp, ErrorReply, eventually } from './support/parley';

interface User {
  uid: string;
  name: string;
  role: string;
  tags?: string[];
  metadata?: Record<string, unknown>;
  deactivatedAt?: number;
  createdAt: number;
  authToken?: string;
}
type Many = { data: User[]; meta: { pagination: { total: number; count: number } } };

const uidsOf = (res: { body: Many }) => res.body.data.map((u) => u.uid);

describe('user lists: filters, deactivation, import', () => {
  it('filters by searchKey in uid or name, role(s) and tags, in combination', async () => {
    const rest = AppClient.rest(await createApp());
    for (const role of ['staff', 'guest']) await rest.post('/roles', { role, name: role });
    const people: Array<[string, string, string, string[]]> = [
      ['alice', 'Alice Smith', 'staff', ['vip', 'eu']],
      ['albert', 'Bert', 'guest', ['eu']],
      ['bob', 'Alan Bob', 'staff', []],
      ['carol', 'Carol', 'default', ['vip']],
    ];
    for (const [uid, name, role, tags] of people) {
      expect((await rest.post('/users', { uid, name, role, tags })).status).toBe(200);
    }
    expect(uidsOf(await rest.get<Many>('/users?searchKey=al'))).toEqual(['albert', 'alice', 'bob']);
    expect(uidsOf(await rest.get<Many>('/users?searchKey=AL&searchIn=uid'))).toEqual([
      'albert',
      'alice',
    ]);
    expect(uidsOf(await rest.get<Many>('/users?searchKey=al&searchIn=name'))).toEqual([
      'alice',
      'bob',
    ]);
    expect(uidsOf(await rest.get<Many>('/users?role=staff'))).toEqual(['alice', 'bob']);
    expect(uidsOf(await rest.get<Many>('/users?roles=guest,default'))).toEqual(['albert', 'carol']);
    expect(uidsOf(await rest.get<Many>('/users?tags=vip'))).toEqual(['alice', 'carol']);
    expect(uidsOf(await rest.get<Many>('/users?tags=vip&roles=staff&searchKey=a'))).toEqual([
      'alice',
    ]);
    // Literal wildcards: % and _ match only themselves.
    expect(uidsOf(await rest.get<Many>('/users?searchKey=%25'))).toEqual([]);

    const plain = await rest.get<Many>('/users?tags=vip');
    expect(plain.body.data[0]).not.toHaveProperty('tags');
    const tagged = await rest.get<Many>('/users?tags=vip&withTags=true');
    expect(tagged.body.data.map((u) => u.tags)).toEqual([['vip', 'eu'], ['vip']]);

    expect(uidsOf(await rest.get<Many>('/users?status=offline'))).toHaveLength(4);
    expect(uidsOf(await rest.get<Many>('/users?status=available'))).toEqual([]); // nobody is connected
    const bad = await rest.get<ErrorReply>('/users?searchIn=email');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty(['searchIn.0']);
  });

  it('pages a filtered list across several pages with no duplicates or gaps', async () => {
    const rest = AppClient.rest(await createApp());
    const made = [];
    for (let i = 0; i < 23; i++) {
      const uid = `m${String(i).padStart(2, '0')}`;
      made.push(uid);
      await rest.post('/users', { uid, name: `Member ${i}`, tags: i % 2 ? ['odd'] : [] });
    }
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const res = await rest.get<Many>(`/users?perPage=5&page=${page}&tags=odd`);
      expect(res.body.meta.pagination.total).toBe(11);
      seen.push(...uidsOf(res));
    }
    expect(seen).toEqual(made.filter((_, i) => i % 2));
  });

  it('deactivates and reactivates users in bulk; a deactivated user behaves as not found', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const dee = await rest.post<{ data: User }>('/users', {
      uid: 'dee',
      name: 'Dee',
      withAuthToken: true,
    });
    await rest.post('/users', { uid: 'eve', name: 'Eve' });
    const asDee = new AppClient(app.appId, { authtoken: dee.body.data.authToken as string });
    expect((await asDee.get('/users/dee')).status).toBe(200);

    const off = await rest.delete<{ data: { deactivatedUids: string[] } }>('/users', {
      uidsToDeactivate: ['dee', 'ghost', 'DEE'],
    });
    expect(off.status).toBe(200);
    expect(off.body.data.deactivatedUids).toEqual(['dee']);

    expect((await rest.get<ErrorReply>('/users/dee')).body.error.code).toBe('ERR_UID_NOT_FOUND');
    expect((await rest.put<ErrorReply>('/users/dee', { name: 'x' })).status).toBe(404);
    expect((await rest.post<ErrorReply>('/users/dee/auth_tokens', {})).status).toBe(404);
    expect((await rest.post<ErrorReply>('/users', { uid: 'dee', name: 'Copy' })).status).toBe(409);
    expect(uidsOf(await rest.get<Many>('/users'))).toEqual(['eve']);
    const withDeactivated = await rest.get<Many>('/users?withDeactivated=true');
    expect(uidsOf(withDeactivated)).toEqual(['dee', 'eve']);
    expect(withDeactivated.body.data[0].deactivatedAt).toEqual(expect.any(Number));
    expect(uidsOf(await rest.get<Many>('/users?onlyDeactivated=true'))).toEqual(['dee']);
    await eventually(async () => {
      const res = await asDee.get<ErrorReply>('/users/eve');
      expect(res.body.error?.code).toBe('ERR_UID_NOT_FOUND');
    });

    const on = await rest.put<{ data: { nonDeactivatedUids: string[] } }>('/users', {
      uidsToActivate: ['dee', 'eve'],
    });
    expect(on.body.data.nonDeactivatedUids).toEqual(['dee']);
    expect((await rest.get<{ data: User }>('/users/dee')).body.data).not.toHaveProperty(
      'deactivatedAt',
    );
    await eventually(async () => expect((await asDee.get('/users/eve')).status).toBe(200));

    const bad = await rest.delete<ErrorReply>('/users', { uidsToDeactivate: [] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details).toHaveProperty('uidsToDeactivate');
  });

  it('imports users keyed by uid: per-item results, idempotent, refusing deleted uids and unknown roles', async () => {
    const rest = AppClient.rest(await createApp());
    await rest.post('/users', { uid: 'gone', name: 'Gone' });
    await rest.delete('/users/gone', {});
    const body = {
      users: [
        { uid: 'Imp1', name: 'Imported One', createdAt: 1600000000, tags: ['old'] },
        { uid: 'imp2', name: 'Imported Two', deactivatedAt: 1650000000 },
        { uid: 'gone', name: 'Back' },
        { uid: 'imp3', name: 'Three', role: 'no-such-role' },
      ],
    };
    type ImportReply = {
      data: Record<string, { success: boolean; data?: User; error?: { code: string } }>;
    };
    const first = await rest.post<ImportReply>('/data_import/users', body);
    expect(first.status).toBe(200);
    expect(first.body.data.imp1).toMatchObject({
      success: true,
      data: { uid: 'imp1', createdAt: 1600000000 },
    });
    expect(first.body.data.imp2).toMatchObject({
      success: true,
      data: { deactivatedAt: 1650000000 },
    });
    expect(first.body.data.gone).toMatchObject({
      success: false,
      error: { code: 'ERR_UID_ALREADY_EXISTS' },
    });
    expect(first.body.data.imp3).toMatchObject({
      success: false,
      error: { code: 'ERR_ROLE_NOT_FOUND' },
    });

    const again = await rest.post<ImportReply>('/data_import/users', body);
    expect(again.body.data.imp1).toMatchObject({
      success: true,
      data: { uid: 'imp1', createdAt: 1600000000 },
    });
    expect(uidsOf(await rest.get<Many>('/users?withDeactivated=true'))).toEqual(['imp1', 'imp2']);
    expect((await rest.get<{ data: User }>('/users/imp1')).body.data.tags).toEqual(['old']);

    const dup = await rest.post<ErrorReply>('/data_import/users', {
      users: [
        { uid: 'a', name: 'A' },
        { uid: 'a', name: 'B' },
      ],
    });
    expect(dup.status).toBe(400);
    const auth = await AppClient.rest(await createApp()).post('/data_import/users', { users: [] });
    expect(auth.status).toBe(400);
  });

  it('shows a viewer (onBehalfOf or a user token) what their role allows, with block flags and no private metadata', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    await rest.post('/roles', {
      role: 'restricted',
      name: 'Restricted',
      settings: { listUsers: 'friendsOnly' },
    });
    const viewer = await rest.post<{ data: User }>('/users', {
      uid: 'vic',
      name: 'Vic',
      role: 'restricted',
      withAuthToken: true,
    });
    await rest.post('/users', {
      uid: 'fay',
      name: 'Fay',
      metadata: { '@private': { email: 'fay@example.com' }, team: 'a' },
    });
    await rest.post('/users', { uid: 'sam', name: 'Sam' });
    await rest.post('/users/vic/friends', { accepted: ['fay'] });
    await rest.post('/users/fay/blockedusers', { blockedUids: ['vic'] });

    const asVic = new AppClient(app.appId, { authtoken: viewer.body.data.authToken as string });
    const onBehalf = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'vic' });
    for (const client of [asVic, onBehalf]) {
      const list = await client.get<Many>('/users');
      expect(uidsOf(list)).toEqual(['fay']); // friends only
      expect(list.body.data[0]).toMatchObject({
        conversationId: 'fay_user_vic',
        blockedByMe: false,
        hasBlockedMe: true,
        metadata: { team: 'a' },
      });
      expect(list.body.data[0].metadata).not.toHaveProperty('@private');
      const sam = await client.get<{ data: User & { blockedByMe: boolean } }>('/users/sam');
      expect(sam.body.data).toMatchObject({
        uid: 'sam',
        conversationId: 'sam_user_vic',
        blockedByMe: false,
      });
    }
    // The app itself sees everyone and everything.
    const all = await rest.get<Many>('/users');
    expect(uidsOf(all)).toEqual(['fay', 'sam', 'vic']);
    expect(
      (await rest.get<{ data: User & { metadata: object } }>('/users/fay')).body.data.metadata,
    ).toHaveProperty('@private');
    expect(all.body.data[0]).not.toHaveProperty('conversationId');

    const ghost = await new AppClient(app.appId, {
      apikey: app.restKey,
      onBehalfOf: 'ghost',
    }).get<ErrorReply>('/users');
    expect(ghost.status).toBe(404);
    expect(ghost.body.error.code).toBe('ERR_UID_NOT_FOUND');
  });
});
