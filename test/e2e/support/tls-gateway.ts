import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { AddressInfo, connect, createServer, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { createServer as createTlsServer } from 'node:tls';
import path from 'node:path';

/**
 * One more gateway, serving https and wss on a self-signed certificate, beside the platform the
 * e2e global setup started (same NATS, Postgres, Redis and operator key). The CometChat SDK speaks
 * only https/wss, so the realtime TLS tests and the SDK contract tests run through one of these.
 */

const root = path.resolve(__dirname, '../../..');
const gatewayMain = path.join(root, 'dist/apps/gateway/main.js');

/** A self-signed certificate for 127.0.0.1, valid for a day. */
export function makeCertificate(into: string): { cert: string; key: string } {
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

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port: p } = srv.address() as { port: number };
      srv.close(() => resolve(p));
    });
  });
}

/** An https request trusting only `ca`; a body that is not JSON comes as text. */
export function https(
  ca: Buffer,
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
        res.on('end', () => {
          let body: unknown = text || undefined;
          try {
            body = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON (metrics): keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

/** Starts a gateway with `env` on top of the test's own (NATS, Redis, the operator key). */
export function startGateway(env: Record<string, string>): ChildProcess {
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

export interface TlsGateway {
  /** `https://127.0.0.1:<port>`, its own address (its PUBLIC_URL unless told otherwise). */
  base: string;
  port: number;
  /** The certificate, to trust. */
  ca: Buffer;
  /** The directory holding the certificate and key. */
  dir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** A certificate and key on disk, for gateways that must present the same one. */
export interface TlsCertificate {
  dir: string;
  cert: string;
  key: string;
}

/** A fresh self-signed certificate in a temporary directory (the caller removes `dir`). */
export function makeTlsCertificate(): TlsCertificate {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-tls-'));
  return { dir, ...makeCertificate(dir) };
}

export interface TlsGatewayOptions {
  /** Present this certificate (it stays on disk after `stop`); else a fresh one. */
  certificate?: TlsCertificate;
  /** The address clients use, when something (a load balancer) stands in front of the gateway. */
  publicUrl?: string;
}

/**
 * A TLS gateway on a free port, once it answers ready, with PUBLIC_URL pointing at itself (or at
 * `opts.publicUrl`).
 */
export async function startTlsGateway(
  env: Record<string, string> = {},
  opts: TlsGatewayOptions = {},
): Promise<TlsGateway> {
  const files = opts.certificate ?? makeTlsCertificate();
  const { dir } = files;
  const ca = readFileSync(files.cert);
  const port = await freePort();
  const base = `https://127.0.0.1:${port}`;
  const child = startGateway({
    PORT: String(port),
    TLS_CERT_FILE: files.cert,
    TLS_KEY_FILE: files.key,
    PUBLIC_URL: opts.publicUrl ?? base,
    ...env,
  });
  const stop = async () => {
    // Still running: no exit code and no terminating signal yet.
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    if (!opts.certificate) rmSync(dir, { recursive: true, force: true });
  };
  // Generous: on a machine busy with other suites a gateway can take a while to be ready.
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) {
      await stop();
      throw new Error(`the TLS gateway exited (${child.exitCode})`);
    }
    const ready = await https(ca, 'GET', `${base}/health/ready`).catch(() => undefined);
    if (ready?.status === 200) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error('the TLS gateway did not become ready');
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { base, port, ca, dir, process: child, stop };
}

/** Where the SDK tests reach a gateway over https and wss. */
export type SdkGateway = Pick<TlsGateway, 'base' | 'port' | 'ca' | 'stop'>;

/**
 * A gateway for the CometChat SDK: against the separate processes, a TLS gateway process of its
 * own (`startTlsGateway`); against the one-process platform, which is a single process serving the
 * other tests plain http, TLS in front of its gateway (`tlsInFrontOf`). The gateway derives the
 * addresses it gives the SDK from the Host the SDK sends, so both answer alike.
 */
export function startSdkGateway(): Promise<SdkGateway> {
  if (process.env.PARLEY_E2E_EMBEDDED !== '1') return startTlsGateway();
  const gateway = (process.env.PARLEY_E2E_GATEWAYS ?? '').split(',')[0];
  if (!gateway) throw new Error('PARLEY_E2E_GATEWAYS is not set');
  return tlsInFrontOf(gateway);
}

/**
 * https and wss on a free port with a fresh self-signed certificate, each connection's bytes
 * carried to and from the plain-http gateway at `gatewayUrl`.
 */
export async function tlsInFrontOf(gatewayUrl: string): Promise<SdkGateway> {
  const files = makeTlsCertificate();
  const ca = readFileSync(files.cert);
  const { hostname, port: gatewayPort } = new URL(gatewayUrl);
  const sockets = new Set<Socket>();
  const server = createTlsServer({ cert: ca, key: readFileSync(files.key) }, (client) => {
    const upstream = connect(Number(gatewayPort), hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.once('close', () => sockets.delete(s));
    }
    client.pipe(upstream).pipe(client);
    client.once('error', () => upstream.destroy());
    upstream.once('error', () => client.destroy());
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    base: `https://127.0.0.1:${port}`,
    port,
    ca,
    stop: async () => {
      for (const s of sockets) s.destroy();
      await new Promise((r) => server.close(r));
      rmSync(files.dir, { recursive: true, force: true });
    },
  };
}
