import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { startPlatform } from './platform';
import { freePort } from './tls-gateway';

const root = path.resolve(__dirname, '../../..');
const NATS_SERVER = '/usr/sbin/nats-server';

/**
 * A whole Parley of its own for a test that kills one of its processes: its own NATS server (so
 * no other platform's service answers its requests), its own database, its own presence keys,
 * on the shared Postgres and Redis. The operator key is the shared platform's, so the usual
 * support code (createApp, login) works against `gateway`.
 */
export interface PrivatePlatform {
  gateway: string;
  /** The environment its services run with (to start a replacement the same way). */
  env: Record<string, string>;
  logDir: string;
  pidOf(service: string): number;
  /** Starts one more process of `service` as the platform started it; resolves once it is ready. */
  startService(service: string): Promise<ChildProcess>;
  stop(): Promise<void>;
}

export async function startPrivatePlatform(
  extraEnv: Record<string, string> = {},
): Promise<PrivatePlatform> {
  const natsPort = await freePort();
  const natsDir = mkdtempSync(path.join(tmpdir(), 'parley-nats-'));
  const logDir = mkdtempSync(path.join(tmpdir(), 'parley-private-'));
  const nats = spawn(
    NATS_SERVER,
    ['-a', '127.0.0.1', '-p', String(natsPort), '-js', '-sd', natsDir],
    { stdio: 'ignore' },
  );
  const extra: ChildProcess[] = [];
  const adminUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley');
  adminUrl.pathname = '/postgres';
  const database = `parley_private_${process.pid}_${randomBytes(4).toString('hex')}`;
  const dbUrl = new URL(adminUrl);
  dbUrl.pathname = `/${database}`;
  await sql(adminUrl, `CREATE DATABASE "${database}"`);
  await untilListening(natsPort);

  const env: Record<string, string> = {
    DATABASE_URL: dbUrl.toString(),
    NATS_URL: `nats://127.0.0.1:${natsPort}`,
    REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    PARLEY_ADMIN_KEY: process.env.PARLEY_E2E_ADMIN_KEY as string,
    PARLEY_JWT_SECRET: process.env.PARLEY_JWT_SECRET ?? 'test-only-jwt-secret-0123456789abcdef',
    LOG_LEVEL: 'warn',
    DB_POOL_SIZE: '3',
    PRESENCE_TTL_SECONDS: '3',
    PRESENCE_KEY_PREFIX: `parley:presence:private-${randomBytes(6).toString('hex')}`,
    ...extraEnv,
  };
  const stopServers = async () => {
    await Promise.all(extra.map(stopChild));
    await stopChild(nats);
    rmSync(natsDir, { recursive: true, force: true });
    await sql(adminUrl, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => {});
  };
  let platform;
  try {
    platform = await startPlatform({ env, randomPorts: true, gateways: 1, logDir });
  } catch (err) {
    await stopServers();
    throw err;
  }
  const started = platform;
  return {
    gateway: started.gatewayUrls[0],
    env,
    logDir,
    pidOf(service) {
      const found = started.processes.find((p) => p.name === service);
      if (!found) throw new Error(`no ${service} process`);
      return found.pid;
    },
    async startService(service) {
      const port = await freePort();
      const log = openSync(path.join(logDir, `${service}-again.log`), 'a');
      const child = spawn(
        process.execPath,
        ['--enable-source-maps', path.join(root, 'dist/apps', service, 'main.js')],
        {
          cwd: root,
          env: { ...process.env, ...env, PORT: String(port), SERVICE_NAME: service },
          stdio: ['ignore', log, log],
        },
      );
      extra.push(child);
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (child.exitCode !== null) throw new Error(`${service} exited (${child.exitCode})`);
        const ready = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => undefined);
        if (ready?.ok) return child;
        if (Date.now() > deadline) throw new Error(`${service} did not become ready`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    async stop() {
      await started.stop();
      await stopServers(); // the logs stay, for a failed run
    },
  };
}

async function sql(url: URL, statement: string): Promise<void> {
  const client = new Client({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
  });
}

async function untilListening(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => resolve(socket.end() !== undefined));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nats-server did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
