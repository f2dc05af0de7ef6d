import { ParleyAdmin } from './admin';
import { textMessage } from './chat-api';
import { FetchLike, ParleyError, RestTransport } from './rest-transport';

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers });

/** A fetch that answers from a script, one reply (or thrown error) per call, and records calls. */
function scripted(...replies: Array<Response | Error>) {
  const calls: Array<{ url: string; init?: RequestInit }> = [];
  const fetch: FetchLike = async (url, init) => {
    calls.push({ url, init });
    const next = replies.shift();
    if (!next) throw new Error('no more replies');
    if (next instanceof Error) throw next;
    return next;
  };
  return { fetch, calls };
}

const transport = (fetch: FetchLike) =>
  new RestTransport({
    baseUrl: 'https://chat.example.com/',
    appId: 'app1',
    fetch,
    retry: { initialMs: 1, maxMs: 1 },
  });

describe('RestTransport', () => {
  it('sends the app, the credential and JSON, and answers the envelope', async () => {
    const { fetch, calls } = scripted(json(200, { data: { uid: 'alice' }, meta: { n: 1 } }));
    const res = await transport(fetch).request('POST', '/v3/users', {
      credential: { apiKey: 'k1', onBehalfOf: 'bob' },
      body: { uid: 'alice' },
      query: { tags: ['a', 'b'], skip: undefined },
      resource: 'session-1',
    });
    expect(res).toEqual({ data: { uid: 'alice' }, meta: { n: 1 } });
    expect(calls[0].url).toBe('https://chat.example.com/v3/users?tags=a%2Cb');
    expect(calls[0].init).toMatchObject({
      method: 'POST',
      body: '{"uid":"alice"}',
      headers: {
        appid: 'app1',
        apikey: 'k1',
        onbehalfof: 'bob',
        resource: 'session-1',
        'content-type': 'application/json',
      },
    });
  });

  it("turns Parley's error into a ParleyError with its code and status, and does not retry it", async () => {
    const { fetch, calls } = scripted(
      json(404, { error: { code: 'ERR_UID_NOT_FOUND', message: 'no such user' } }),
    );
    await expect(
      transport(fetch).request('GET', '/v3/users/x', { idempotent: true }),
    ).rejects.toMatchObject({ code: 'ERR_UID_NOT_FOUND', status: 404, retryable: false });
    expect(calls).toHaveLength(1);
  });

  it('retries a request that is safe to repeat after no reply, a 5xx or a 429', async () => {
    const { fetch, calls } = scripted(
      new TypeError('fetch failed'),
      json(503, { error: { code: 'ERR_SERVICE_UNAVAILABLE', message: 'retry' } }),
      json(429, { error: { code: 'ERR_TOO_MANY_REQUESTS', message: 'slow down' } }),
      json(200, { data: [] }),
    );
    await expect(
      transport(fetch).request('GET', '/v3/users', { idempotent: true }),
    ).resolves.toEqual({ data: [], meta: undefined });
    expect(calls).toHaveLength(4);
  });

  it('does not repeat a request that is not safe to repeat', async () => {
    const { fetch, calls } = scripted(new TypeError('fetch failed'));
    const err = await transport(fetch)
      .request('POST', '/v3/users', { body: {} })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ParleyError);
    expect(err).toMatchObject({ code: 'ERR_NETWORK', status: 0, retryable: true });
    expect(calls).toHaveLength(1);
  });
});

describe('sendMessage', () => {
  it('keeps one muid across its retries, so a lost reply stores one message', async () => {
    const stored = { id: '7', seq: 1, muid: 'x' };
    const { fetch, calls } = scripted(new TypeError('socket hang up'), json(200, { data: stored }));
    const admin = new ParleyAdmin({
      baseUrl: 'https://chat.example.com',
      appId: 'app1',
      apiKey: 'k1',
      fetch,
      retry: { initialMs: 1, maxMs: 1 },
    });
    await expect(admin.as('alice').sendMessage(textMessage('bob', 'hi'))).resolves.toEqual(stored);
    const bodies = calls.map((c) => JSON.parse(String(c.init?.body)) as Record<string, unknown>);
    expect(bodies).toHaveLength(2);
    expect(bodies[0].muid).toEqual(expect.any(String));
    expect(bodies[1].muid).toBe(bodies[0].muid);
    expect(bodies[0]).toMatchObject({
      receiver: 'bob',
      receiverType: 'user',
      category: 'message',
      type: 'text',
      data: { text: 'hi' },
    });
  });

  it('uses the muid it is given, and a new one for each other message', async () => {
    const { fetch, calls } = scripted(
      json(200, { data: {} }),
      json(200, { data: {} }),
      json(200, { data: {} }),
    );
    const admin = new ParleyAdmin({ baseUrl: 'https://c', appId: 'a', apiKey: 'k', fetch });
    await admin.sendMessage(textMessage('bob', 'one', { muid: 'mine' }));
    await admin.sendMessage(textMessage('bob', 'two'));
    await admin.sendMessage(textMessage('bob', 'three'));
    const muids = calls.map((c) => (JSON.parse(String(c.init?.body)) as { muid: string }).muid);
    expect(muids[0]).toBe('mine');
    expect(new Set(muids).size).toBe(3);
  });
});
