import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { NatsConnection } from 'nats';
import { createApp, gateways } from './support/parley';
import { login, natsPublisher, publishFrame, TestSocket } from './support/realtime-client';
import {
  freePort,
  https as httpsWith,
  startGateway,
  startTlsGateway,
  TlsGateway,
} from './support/tls-gateway';

/**
 * TLS (ARCHITECTURE.md §7): the CometChat SDK speaks only https and wss, so with TLS_CERT_FILE and
 * TLS_KEY_FILE the gateway serves both itself, and with PUBLIC_URL it advertises that address in
 * `settings`. This suite starts one more gateway, on a certificate it makes with openssl.
 */

// Whole-platform tests wait on real services and events (Jest's default is 5 s).
jest.setTimeout(30_000);

let tls: TlsGateway;
let dir: string;
let ca: Buffer;
let port: number;
let base: string;
let gateway: ChildProcess | undefined;
let nc: NatsConnection;

const https = (method: string, url: string, headers?: Record<string, string>, body?: unknown) =>
  httpsWith(ca, method, url, headers, body);

beforeAll(async () => {
  tls = await startTlsGateway();
  ({ dir, ca, port, base } = tls);
  gateway = tls.process;
  nc = await natsPublisher();
}, 90_000);

afterAll(async () => {
  await nc?.close();
  await tls?.stop();
});

describe('TLS', () => {
  it('serves https with the configured certificate, and no plain http', async () => {
    expect((await https('GET', `${base}/health/live`)).status).toBe(200);
    await expect(fetch(`http://127.0.0.1:${port}/health/live`)).rejects.toThrow();
  });

  it('logs in over https, advertises PUBLIC_URL, and serves wss where the settings say', async () => {
    const app = await createApp();
    // The token is made on a plain gateway; the SDK then logs in where PUBLIC_URL points.
    const alice = await login(app, 'alice');
    const me = await https(
      'PUT',
      `${base}/v3.0/me`,
      { appid: app.appId, authtoken: alice.authToken },
      { platform: 'WEB' },
    );
    expect(me.status).toBe(200);
    const data = (me.body as { data: { jwt: string; settings: Record<string, string> } }).data;
    expect(data.settings).toMatchObject({
      CLIENT_API_HOST: `127.0.0.1:${port}`,
      ADMIN_API_HOST: `127.0.0.1:${port}`,
      CHAT_HOST: `127.0.0.1:${port}/ws`,
      CHAT_WSS_PORT: String(port),
    });

    // The socket URL exactly as the SDK concatenates it.
    const url = `wss://${data.settings.CHAT_HOST}:${data.settings.CHAT_WSS_PORT}`;
    const socket = await TestSocket.authenticated(
      url,
      { ...alice, jwt: data.jwt },
      app.appId,
      'WEB-tls',
      { ca },
    );
    try {
      await socket.roundTrip();
      const frame = {
        appId: app.appId,
        type: 'message',
        receiver: 'alice',
        receiverType: 'user',
        body: { data: { text: 'over tls' } },
      };
      await publishFrame(nc, `deliver.${app.appId}.u.alice`, frame);
      expect(await socket.next((f) => f.type === 'message')).toEqual(frame);
    } finally {
      socket.ws.terminate();
    }
  });

  it('advertises the request host when PUBLIC_URL is unset', async () => {
    const app = await createApp();
    const alice = await login(app, 'alice');
    const plain = new URL(gateways()[0]);
    const res = await fetch(`${gateways()[0]}/v3.0/settings`, {
      headers: { appid: app.appId, authtoken: alice.authToken },
    });
    const { data } = (await res.json()) as { data: Record<string, string> };
    expect(data).toMatchObject({ CLIENT_API_HOST: plain.host, CHAT_WSS_PORT: plain.port });
  });

  // Last: it stops the TLS gateway.
  it('closes its sockets with 1001 on SIGTERM, so clients move to another gateway, and exits', async () => {
    const app = await createApp();
    const alice = await login(app, 'alice');
    const jwt = (
      (await https('PUT', `${base}/v3.0/me`, { appid: app.appId, authtoken: alice.authToken }, {}))
        .body as { data: { jwt: string } }
    ).data.jwt;
    const socket = await TestSocket.authenticated(base, { ...alice, jwt }, app.appId, 's1', {
      ca,
    });
    const exited = new Promise<{ code: number | null; signal: string | null }>((r) =>
      gateway?.once('exit', (code, signal) => r({ code, signal })),
    );
    gateway?.kill('SIGTERM');
    expect((await socket.closedWithin()).code).toBe(1001);
    // Nest re-raises the signal once its shutdown hooks are done.
    expect([
      { code: 0, signal: null },
      { code: null, signal: 'SIGTERM' },
    ]).toContainEqual(await exited);
  });

  it('refuses to start with a certificate and no key, naming the setting', async () => {
    const child = startGateway({
      PORT: String(await freePort()),
      TLS_CERT_FILE: path.join(dir, 'cert.pem'),
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toContain('TLS_KEY_FILE');
  });

  it('refuses to start on files that are not a certificate and its key', async () => {
    const child = startGateway({
      PORT: String(await freePort()),
      TLS_CERT_FILE: path.join(dir, 'key.pem'),
      TLS_KEY_FILE: path.join(dir, 'cert.pem'),
    });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    expect(await new Promise((r) => child.once('exit', r))).toBe(1);
    expect(stderr).toContain('TLS_CERT_FILE');
  });
});
