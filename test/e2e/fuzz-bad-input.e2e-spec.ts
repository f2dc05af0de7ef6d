import fc from 'fast-check';
import { MAX_CLIENT_FRAME_BYTES } from '@parley/contracts';
import { as, One, text, toGroup } from './support/messaging-fixtures';
import { AppClient, createApp, ErrorReply, gateways, http, Reply } from './support/parley';
import { REALTIME_LIMITS } from '../../apps/gateway/src/realtime/realtime-limits';
import { login, TestSocket } from './support/realtime-client';

/**
 * Property-based fuzzing of the REST bodies: wrong types, strings beyond every limit,
 * deeply nested JSON and unicode edge cases, in every field of a representative set of routes.
 * Whatever arrives, the answer is never a 5xx, a refusal carries the CometChat error envelope, and
 * the service keeps serving (a valid request after each batch succeeds).
 */

const NUM_RUNS = Number(process.env.PARLEY_FUZZ_RUNS ?? 30);

const wrongType = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
  fc.array(fc.oneof(fc.integer(), fc.string()), { maxLength: 5 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 3 }),
);

const huge = fc
  .constantFrom(256, 1_001, 10_001, 65_537, 300_000)
  .chain((n) => fc.constantFrom('x', 'é', '😀', ' ').map((c) => c.repeat(n)));

const unicode = fc.oneof(
  fc.constantFrom(
    '\ud800', // lone high surrogate
    'a\udfffb', // lone low surrogate
    'a\u0000b', // NUL
    '\u0000',
    '\u202e\u200fevil\u202c', // RTL override and mark
    '\ufeffbom',
    'e\u0301'.repeat(300), // combining marks
    '👩‍👩‍👧‍👦🏳️‍🌈',
    '\u2028\u2029',
    '../../etc/passwd',
    "'; drop table users; --",
    '%00%ff',
    ' ',
    '',
  ),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

/** JSON nested `depth` deep inside one field. */
const deep = fc.integer({ min: 50, max: 3000 }).map((depth) => {
  let v: unknown = 1;
  for (let i = 0; i < depth; i += 1) v = i % 2 ? [v] : { a: v };
  return v;
});

const hostile = fc.oneof(wrongType, huge, unicode, deep);

/** A valid body, then one field (or a new one) replaced by a hostile value, or the body itself. */
function mutate(valid: Record<string, unknown>) {
  const keys = Object.keys(valid);
  return fc
    .oneof(
      { weight: 6, arbitrary: fc.tuple(fc.constantFrom(...keys), hostile) },
      { weight: 1, arbitrary: fc.tuple(fc.constant('__extra__'), hostile) },
      { weight: 1, arbitrary: fc.tuple(fc.constant(''), hostile) },
    )
    .map(([key, value]) => {
      if (key === '') return value;
      if (key === '__extra__') return { ...valid, extra: value };
      if (key === 'data' || key === 'members')
        // one level down too: the nested fields are where the rules are
        return { ...valid, [key]: { ...(valid[key] as object), text: value, participants: value } };
      return { ...valid, [key]: value };
    });
}

/** Raw bodies no JSON serializer makes: deep nesting past a parser's stack, broken JSON. */
const rawBodies = fc.oneof(
  fc.integer({ min: 1000, max: 100_000 }).map((n) => `${'['.repeat(n)}${']'.repeat(n)}`),
  fc.integer({ min: 1000, max: 50_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.constantFrom('{', '{"a":}', 'nul', '\u0000', '{"a":"\\ud800"}', '{"a":"\\x"}', '[1,]'),
  fc.string({ unit: 'binary', maxLength: 60 }),
);

function assertSane(res: Reply, what: string) {
  if (res.status >= 500)
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  if (res.status >= 400) {
    const err = (res.body as ErrorReply | undefined)?.error;
    if (typeof err?.code !== 'string' || typeof err.message !== 'string')
      throw new Error(`${what}: ${res.status} without the error envelope: ${String(res.body)}`);
  }
}

/** Percent-encodes `v`; a lone surrogate becomes its invalid UTF-8 bytes (CESU-8), as sent raw. */
function encodeQuery(v: string): string {
  return [...v]
    .map((c) => {
      try {
        return encodeURIComponent(c);
      } catch {
        const u = c.charCodeAt(0);
        const bytes = [0xe0 | (u >> 12), 0x80 | ((u >> 6) & 0x3f), 0x80 | (u & 0x3f)];
        return bytes.map((b) => `%${b.toString(16).toUpperCase()}`).join('');
      }
    })
    .join('');
}

describe('fuzzing bad input', () => {
  it('answers every hostile body without a 5xx, with the error envelope, and keeps serving', async () => {
    const app = await createApp('fuzz');
    const rest = AppClient.rest(app);
    for (const uid of ['alice', 'bob'])
      expect((await rest.post('/users', { uid, name: `Name ${uid}` })).status).toBe(200);
    const alice = as(app, 'alice');
    expect(
      (
        await alice.post('/groups', {
          guid: 'team',
          name: 'Team',
          type: 'public',
          members: { participants: ['bob'] },
        })
      ).status,
    ).toBe(200);
    const sent = await alice.post<One>('/messages', text('bob', 'hello'));
    expect(sent.status).toBe(200);
    const id = sent.body.data.id;

    let n = 0;
    let refused = 0;
    const routes: Array<[string, string, AppClient, Record<string, unknown>]> = [
      ['POST', '/users', rest, { uid: 'fuzzed', name: 'Fuzzed', metadata: { a: 1 }, tags: ['t'] }],
      ['PUT', '/users/bob', rest, { name: 'Bob', avatar: 'https://x.test/a.png', metadata: {} }],
      ['POST', '/groups', alice, { guid: 'g', name: 'G', type: 'public', members: {} }],
      ['POST', '/groups/team/members', alice, { participants: ['bob'], moderators: [] }],
      ['POST', '/messages', alice, { ...toGroup('team', 'hi'), tags: ['a'], metadata: {} }],
      ['PUT', `/messages/${id}`, alice, { data: { text: 'edited' }, metadata: {} }],
      ['POST', '/users/bob/conversation/read', alice, { messageId: id }],
      ['POST', '/groups/team/conversation/delivered', alice, { messageId: id }],
      ['POST', '/data_import/users', rest, { users: [{ uid: 'imp', name: 'Imp' }] }],
      [
        'POST',
        '/data_import/messages',
        rest,
        { messages: [{ ...text('bob', 'old'), sender: 'alice', sentAt: 1_600_000_000 }] },
      ],
    ];

    for (const [method, path, client, valid] of routes) {
      await fc.assert(
        fc.asyncProperty(mutate(valid), async (body) => {
          n += 1;
          const res = await client.request(method, path, body);
          assertSane(res, `${method} ${path} ${JSON.stringify(body).slice(0, 200)}`);
          if (res.status >= 400) refused += 1;
        }),
        { numRuns: NUM_RUNS },
      );
      await fc.assert(
        fc.asyncProperty(rawBodies, async (raw) => {
          const res = await http(method, `${client.gateway}/v3${path}`, {
            headers: client.headers(),
            rawBody: raw,
          });
          assertSane(res, `${method} ${path} raw ${raw.slice(0, 80)}`);
        }),
        { numRuns: 8 },
      );
      // the service keeps serving: a valid request right after the batch succeeds
      const ok = await alice.post('/messages', text('bob', `still here after ${path}`));
      expect([method, path, ok.status]).toEqual([method, path, 200]);
    }
    expect(n).toBe(routes.length * NUM_RUNS);
    // most mutations break a rule: the inputs reach the validation, not just the happy path
    expect(refused).toBeGreaterThan(n / 2);
  }, 120_000);

  it('answers hostile queries and headers without a 5xx', async () => {
    const app = await createApp('fuzz headers');
    const rest = AppClient.rest(app);
    expect((await rest.post('/users', { uid: 'alice', name: 'Alice' })).status).toBe(200);
    const value = fc.oneof(
      unicode.filter((s) => !/[\r\n]/.test(s)),
      fc.constantFrom('-1', '1e309', 'NaN', '0x10', '99999999999999999999'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(
          '/users',
          '/groups',
          '/messages',
          '/conversations',
          '/users/alice/messages',
        ),
        fc.constantFrom(
          'perPage',
          'page',
          'limit',
          'searchKey',
          'status',
          'id',
          'sentAt',
          'affix',
          'tags[]',
        ),
        value,
        async (path, key, v) => {
          const url = `${rest.gateway}/v3${path}?${key}=${encodeQuery(v)}`;
          assertSane(await http('GET', url, { headers: rest.headers() }), `GET ${url}`);
        },
      ),
      { numRuns: 60 },
    );
    // header values a client could send (fetch refuses control characters itself)
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('appid', 'apikey', 'authtoken', 'onbehalfof'),
        fc.string({ maxLength: 300 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        async (name, v) => {
          const headers = { ...rest.headers(), [name]: v };
          assertSane(await http('GET', `${rest.gateway}/v3/users`, { headers }), `${name}=${v}`);
        },
      ),
      { numRuns: 40 },
    );
    expect((await rest.get('/users/alice')).status).toBe(200);
  }, 60_000);

  it('answers hostile WebSocket frames by dropping them or closing that socket alone', async () => {
    const app = await createApp('fuzz frames');
    const gw = gateways()[0];
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const bobSocket = await TestSocket.authenticated(gw, bob, app.appId, 'bob-1');
    const frame = fc.record(
      {
        appId: fc.oneof(fc.constant(app.appId), hostile),
        type: fc.oneof(
          fc.constantFrom('typing_indicator', 'transient_message', 'receipts', 'auth', 'nope'),
          hostile,
        ),
        receiver: fc.oneof(fc.constant('bob'), hostile),
        receiverType: fc.oneof(fc.constantFrom('user', 'group'), hostile),
        sender: fc.oneof(fc.constant('bob'), hostile),
        body: fc.oneof(
          fc.record({ action: fc.oneof(fc.constant('started'), hostile), data: hostile }),
          hostile,
        ),
      },
      { requiredKeys: [] },
    );
    let socket = await TestSocket.authenticated(gw, alice, app.appId, 'alice-1');
    let closes = 0;
    await fc.assert(
      fc.asyncProperty(frame, async (f) => {
        const raw = JSON.stringify(f);
        // a frame over the limit closes the socket (1009), any other bad one at most with 4400/4401
        const oversized = Buffer.byteLength(raw) > MAX_CLIENT_FRAME_BYTES;
        socket.send(raw);
        const alive = await Promise.race([
          socket.roundTrip().then(
            () => true,
            () => false,
          ),
          socket.closed.then(() => false),
        ]);
        if (oversized) expect(alive).toBe(false);
        if (!alive) {
          // refused: the socket alone is closed, with its close code; log in again
          const closed = (await socket.closedWithin()).code;
          expect(oversized ? [1009] : [4400, 4401]).toContain(closed);
          closes += 1;
          socket = await TestSocket.authenticated(gw, alice, app.appId, `alice-${closes + 1}`);
        }
      }),
      { numRuns: NUM_RUNS * 2 },
    );
    socket.close();
    // the other user's socket stayed open and got only well-formed frames; REST still serves
    await bobSocket.roundTrip();
    for (const f of bobSocket.frames) expect(typeof f).toBe('object');
    expect((await as(app, 'alice').post('/messages', text('bob', 'after frames'))).status).toBe(
      200,
    );
    await bobSocket.next((f) => JSON.stringify(f).includes('after frames'));
    bobSocket.close();
  }, 60_000);
  it('closes a socket whose text frame is not UTF-8, and relays a flood of frames only up to the budget', async () => {
    const app = await createApp('floods');
    const gw = gateways()[0];
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const bobSocket = await TestSocket.authenticated(gw, bob, app.appId, 'bob-1', undefined, {});

    // Invalid UTF-8 in a text frame: that socket alone is closed, with the protocol's code 1007.
    const broken = await TestSocket.authenticated(gw, alice, app.appId, 'alice-1', undefined, {});
    broken.ws.send(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]), { binary: false });
    expect((await broken.closedWithin()).code).toBe(1007);

    // A flood of typing frames: the socket stays, and what reaches bob stays within the budget
    // (a burst of twice the rate, then the rate), however fast alice sends.
    const flooder = await TestSocket.authenticated(gw, alice, app.appId, 'alice-2', undefined, {});
    const frame = JSON.stringify({
      appId: app.appId,
      type: 'typing_indicator',
      receiver: 'bob',
      receiverType: 'user',
      body: { action: 'started' },
    });
    const started = Date.now();
    for (let i = 0; i < 3000; i++) flooder.ws.send(frame);
    await flooder.roundTrip();
    await new Promise((done) => setTimeout(done, 1000));
    await bobSocket.roundTrip();
    const seconds = (Date.now() - started) / 1000;
    const relayed = bobSocket.frames.filter((f) => f.type === 'typing_indicator').length;
    const rate = REALTIME_LIMITS.relayedFramesPerSecond;
    expect(relayed).toBeGreaterThan(0);
    expect(relayed).toBeLessThanOrEqual(2 * rate + Math.ceil(rate * seconds));

    // Both sockets still serve: a message reaches bob live.
    expect((await as(app, 'alice').post('/messages', text('bob', 'after the flood'))).status).toBe(
      200,
    );
    await bobSocket.next((f) => JSON.stringify(f).includes('after the flood'));
    await flooder.roundTrip();
    flooder.close();
    bobSocket.close();
  }, 60_000);
});
