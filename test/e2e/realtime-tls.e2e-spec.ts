import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { NatsConnection } from 'nats';
import { createApp, gateways } from './support/parley';
import { login, natsPublisher, publishFrame, TestSocket } from './support/realtime-client';

/**
 * TLS (ARCHITECTURE.md §7): the CometChat SDK speaks only https and wss, so with TLS_CERT_FILE and
 * TLS_KEY_FILE the gateway serves both itself, and with PUBLIC_URL it advertises that address in
 * `settings`. This suite starts one more gateway, on a certificate it makes with openssl.
 */

// Whole-platform tests wait on real services and events (Jest's default is 5 s).
jest.setTimeout(30_000);

const root = path.resolve(__dirname, '../..');
const gatewayMain = path.join(root, 'dist/apps/gateway/main.js');
let dir: string;
let ca: Buffer;
let port: number;
let base: string;
let gateway: ChildProcess | undefined;
let nc: NatsConnection;

/** A self-signed certificate for 127.0.0.1, valid for a day. */
function makeCertificate(into: string): { cert: string; key: string } {
  const cert = path.join(into, 'cert.pem');
  const key = path.join(into, 'key.pem');
  try {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-sha256',
        '-days',
        '1',
        '-subj',
        '/CN=127.0.0.1',
        '-addext',
        'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'pipe' },
    );
  } catch (err) {
    throw new Error(
      `The TLS tests need the openssl command to make a test certificate: ${(err as Error).message}`,
    );
  }
  return { cert, key };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

/** An https request trusting only the test certificate. */
function https(
  method: string,
  url: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, headers: { 'content-type': 'application/json', ...headers }, ca },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined }),
        );
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Starts a gateway with `env` on top of the test's own (NATS, Redis, the operator key). */
function startGateway(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [gatewayMain], {
    cwd: root,
    env: {
      ...process.env,
      PARLEY_ADMIN_KEY: process.env.PARLEY_E2E_ADMIN_KEY ?? 'e2e-admin-key-0123456789',
      SERVICE_NAME: 'gateway',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'parley-tls-'));
  const files = makeCertificate(dir);
  ca = readFileSync(files.cert);
  port = await freePort();
  base = `https://127.0.0.1:${port}`;
  gateway = startGateway({
    PORT: String(port),
    TLS_CERT_FILE: files.cert,
    TLS_KEY_FILE: files.key,
    PUBLIC_URL: base,
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (gateway.exitCode !== null) throw new Error(`the TLS gateway exited (${gateway.exitCode})`);
    const ready = await https('GET', `${base}/health/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) throw new Error('the TLS gateway did not become ready');
    await new Promise((r) => setTimeout(r, 200));
  }
  nc = await natsPublisher();
}, 45_000);

afterAll(async () => {
  await nc?.close();
  // Still running: no exit code and no terminating signal yet.
  if (gateway && gateway.exitCode === null && gateway.signalCode === null) {
    const exited = new Promise((r) => gateway?.once('exit', r));
    gateway.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
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
      CHAT_HOST: '127.0.0.1',
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
