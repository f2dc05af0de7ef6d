import { ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { eventually } from '@parley/common/testing';
import { parseDockerfile, read, stagesOf } from '../deploy/helpers';
import { kustomize } from '../deploy/kustomize';

/**
 * The migrations step and the services run here from the command lines the manifests give them
 * (the Job's command, the image's CMD), against the local PostgreSQL and a NATS server of their
 * own (so the services started here never answer the platform's requests on the shared one).
 */

// The Job starts every app's main.js in turn, each a few seconds on a loaded machine, twice.
jest.setTimeout(300_000);

const root = path.resolve(__dirname, '../..');
const NATS_SERVER = '/usr/sbin/nats-server';
const adminUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/parley');
adminUrl.pathname = '/postgres';

/** The Job's container command, exactly as rendered from the kustomize base. */
function jobCommand(): string[] {
  const job = kustomize(path.join(root, 'deploy/k8s/base')).find(
    (m) => m.kind === 'Job' && m.metadata.name === 'migrate',
  ) as { spec: { template: { spec: { containers: { command: string[] }[] } } } } | undefined;
  if (!job) throw new Error('no Job "migrate" in deploy/k8s/base');
  return job.spec.template.spec.containers[0].command;
}

/** The runtime image's CMD (exec form), as `docker run` would run it. */
function imageCommand(): string[] {
  const stages = stagesOf(parseDockerfile(read('deploy/Dockerfile')));
  const cmd = stages
    .at(-1)
    ?.filter((i) => i.keyword === 'CMD')
    .at(-1);
  if (!cmd) throw new Error('the runtime stage has no CMD');
  return JSON.parse(cmd.args) as string[];
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      srv.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function freshDatabase(): Promise<string> {
  const name = `parley_migrate_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await query(adminUrl.toString(), `CREATE DATABASE "${name}"`);
  created.push(name);
  return url.toString();
}

async function query(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

function runJob(databaseUrl: string) {
  const [cmd, ...args] = jobCommand();
  return spawnSync(cmd, args, {
    cwd: root,
    env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl, LOG_LEVEL: 'warn' },
    encoding: 'utf8',
    timeout: 240_000,
  });
}

/** Apps with a schema: those with migrations. */
const schemas = readdirSync(path.join(root, 'apps')).filter((app) =>
  existsSync(path.join(root, 'apps', app, 'src', 'migrations')),
);

const created: string[] = [];
const children: ChildProcess[] = [];
let natsUrl = '';
let natsDir = '';

beforeAll(async () => {
  const port = await freePort();
  natsDir = mkdtempSync(path.join(tmpdir(), 'parley-nats-'));
  const nats = spawn(NATS_SERVER, ['-a', '127.0.0.1', '-p', String(port), '-js', '-sd', natsDir], {
    stdio: 'ignore',
  });
  children.push(nats);
  natsUrl = `nats://127.0.0.1:${port}`;
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(natsDir, { recursive: true, force: true });
  for (const name of created) {
    await query(adminUrl.toString(), `DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`).catch(
      () => undefined,
    );
  }
});

function startService(service: string, databaseUrl: string, extra: Record<string, string>) {
  const [cmd, ...args] = imageCommand();
  const child = spawn(cmd, args, {
    cwd: root,
    env: {
      PATH: process.env.PATH,
      SERVICE: service,
      DATABASE_URL: databaseUrl,
      NATS_URL: natsUrl,
      REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      LOG_LEVEL: 'warn',
      ...extra,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (d: Buffer) => (output += d.toString()));
  }
  children.push(child);
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, output: () => output };
}

async function ready(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok;
  } catch {
    return false;
  }
}

describe('the migrations Job, run as the manifests run it', () => {
  it("applies every schema's migrations on an empty database, and again is a no-op", async () => {
    const url = await freshDatabase();
    const first = runJob(url);
    expect([first.status, first.stdout, first.stderr]).toEqual([0, '', '']);
    const applied = async () =>
      Object.fromEntries(
        await Promise.all(
          schemas.map(async (schema) => {
            const rows = await query(
              url,
              `SELECT count(*)::int AS n FROM "${schema}"."migrations"`,
            );
            return [schema, rows[0].n as number];
          }),
        ),
      );
    const counts = await applied();
    for (const schema of schemas) expect(counts[schema]).toBeGreaterThan(0);

    const second = runJob(url);
    expect([second.status, second.stdout, second.stderr]).toEqual([0, '', '']);
    expect(await applied()).toEqual(counts);
  });

  it('a service started with MIGRATIONS_RUN=false waits for the Job, then serves', async () => {
    const url = await freshDatabase();
    const port = await freePort();
    const users = startService('users', url, {
      PORT: String(port),
      MIGRATIONS_RUN: 'false',
      MIGRATIONS_WAIT_SECONDS: '120',
    });
    // It does not listen while its schema is missing, and it did not create the schema itself.
    await new Promise((r) => setTimeout(r, 3000));
    expect(await ready(port)).toBe(false);
    expect(users.child.exitCode).toBeNull();
    const before = await query(url, `SELECT to_regclass('"users"."users"') IS NOT NULL AS t`);
    expect(before[0].t).toBe(false);

    expect(runJob(url).status).toBe(0);
    await eventually(async () => expect(await ready(port)).toBe(true), { timeoutMs: 30_000 });
    // Graceful shutdown ends with the signal re-raised (Nest's shutdown hooks), not an error code.
    users.child.kill('SIGTERM');
    expect(await users.exited).toEqual({ code: null, signal: 'SIGTERM' });
  });

  it('a service that waits longer than MIGRATIONS_WAIT_SECONDS stops, naming the Job', async () => {
    const url = await freshDatabase();
    const users = startService('users', url, {
      PORT: String(await freePort()),
      MIGRATIONS_RUN: 'false',
      MIGRATIONS_WAIT_SECONDS: '1',
    });
    expect((await users.exited).code).toBe(1);
    expect(users.output()).toMatch(/still pending .*migrations Job/);
  });
});
