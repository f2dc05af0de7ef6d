import { request } from 'node:http';
import { AppClient, createApp, ErrorReply, http } from './support/parley';

/**
 * Announce a JSON body of `bytes` bytes. The server refuses it from Content-Length alone, so the
 * headers go first and the body only if no answer came: a client writing a body the server has
 * already refused gets EPIPE, which is not what this test is about.
 */
function postOversized(url: string, headers: Record<string, string>, bytes: number) {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    let answered = false;
    const req = request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': bytes },
      },
      (res) => {
        answered = true;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body });
          req.destroy();
        });
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    req.flushHeaders();
    setTimeout(() => {
      if (!answered) req.end(Buffer.alloc(bytes, 0x20));
    }, 2000).unref();
  });
}

/**
 * Bodies of the wrong kind: none may produce a 5xx or change anything. (An empty body is `{}`, which
 * is a valid DELETE, so it is not in this list.)
 */
const HOSTILE_BODIES: Array<string> = [
  '{',
  '[]',
  '"text"',
  '42',
  '{"uid": {"$gt": ""}, "name": []}',
  `{"uid": "${'a'.repeat(5000)}", "name": "x"}`,
  `{"metadata": ${'{"a":'.repeat(200)}1${'}'.repeat(200)}}`,
  '{"uid":"ok","name":"\\ud800"}',
  '{"uid":"nul","name":"a\\u0000b"}',
  '{"uid":"x","name":"y","metadata":{"k\\u0000":1}}',
  '{"__proto__": {"admin": true}, "uid": "proto", "name": "x"}',
  '{"uid":"x","name":"y","withAuthToken":"maybe"}',
];

const ROUTES: Array<[string, string]> = [
  ['POST', '/users'],
  ['PUT', '/users/target'],
  ['DELETE', '/users/target'],
  ['POST', '/users/target/auth_tokens'],
  ['POST', '/apikeys'],
];

describe('bad input', () => {
  it('never answers a hostile body with a 5xx, and changes nothing', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    await rest.post('/users', { uid: 'target', name: 'Target' });
    const before = await rest.get<{ data: unknown[] }>('/users');

    for (const [method, path] of ROUTES) {
      for (const raw of HOSTILE_BODIES) {
        const res = await http<ErrorReply>(method, `${rest.gateway}/v3${path}`, {
          headers: rest.headers(),
          rawBody: raw,
        });
        if (res.status >= 500)
          throw new Error(
            `${method} ${path} with ${raw.slice(0, 60)} -> ${res.status} ${JSON.stringify(res.body)}`,
          );
        if (res.status !== 200) expect(res.body.error.code).toMatch(/^ERR_|^AUTH_ERR_/);
      }
    }
    for (const query of [
      'searchKey=%00',
      'perPage=1e400',
      'page=NaN',
      `searchKey=${'x'.repeat(500)}`,
    ]) {
      const res = await rest.get<ErrorReply>(`/users?${query}`);
      expect({ query, status: res.status }).toEqual({ query, status: 400 });
    }
    // Invalid UTF-8 in a query decodes to U+FFFD: a harmless search that finds nothing.
    const invalidUtf8 = await rest.get<{ data: unknown[] }>('/users?searchKey=%ED%A0%80');
    expect(invalidUtf8.status).toBe(200);
    expect(invalidUtf8.body.data).toEqual([]);
    const after = await rest.get<{ data: unknown[] }>('/users');
    expect(after.body.data).toEqual(before.body.data);
    expect((await rest.get<{ data: { name: string } }>('/users/target')).body.data.name).toBe(
      'Target',
    );
  });

  it('answers a non-JSON content type with a clear 415 and an oversized body with 413', async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    const form = await http<ErrorReply>('POST', `${rest.gateway}/v3/users`, {
      headers: { ...rest.headers(), 'content-type': 'text/plain' },
      rawBody: 'uid=x',
    });
    expect(form.status).toBe(415);
    expect(form.body.error.code).toBe('ERR_UNSUPPORTED_MEDIA_TYPE');
    const huge = await postOversized(`${rest.gateway}/v3/users`, rest.headers(), 2 * 1024 * 1024);
    expect(huge.status).toBe(413);
    expect(JSON.parse(huge.body).error.code).toBe('ERR_PAYLOAD_TOO_LARGE');
    expect((await rest.get<ErrorReply>('/users/big')).status).toBe(404);
  });
});
