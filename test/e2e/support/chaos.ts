import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { chaosWorld, finalState, LoadOptions } from './chaos-load';
import { HistoryReport } from './history';
import { PrivateNats, PrivatePostgres, privateDir, sleep } from './private-servers';
import { TcpProxy } from './tcp-proxy';

/**
 * Fault injection under load. `startChaosPlatform` starts a platform of the test's own — its own
 * nats-server and PostgreSQL cluster (./private-servers.ts), Redis shared under key prefixes — so
 * that killing, freezing and restarting its parts touches nothing else on the machine. A round
 * (`chaosRound`) puts load on a fresh app, injects one fault, lets the load run on, stops it, and
 * checks the history (./history.ts).
 */

interface Platform {
  gatewayUrls: string[];
  processes: Array<{ name: string; pid: number; port: number }>;
  stop(): Promise<void>;
  pid(name: string): number;
  signal(name: string, signal: NodeJS.Signals): boolean;
  restart(name: string, stopSignal?: NodeJS.Signals): Promise<void>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startPlatform } = require('../../../scripts/platform.js') as {
  startPlatform(opts: {
    env: Record<string, string>;
    randomPorts: boolean;
    gateways: number;
    logDir: string;
  }): Promise<Platform>;
};

export interface ChaosPlatform {
  platform: Platform;
  nats: PrivateNats;
  pg: PrivatePostgres;
  /** The link of the clients that reach gateway-1 through a proxy (the others connect directly). */
  proxy: TcpProxy;
  adminKey: string;
  logDir: string;
  /** Service processes in start order (`gateway-1`, `gateway-2` for the gateways). */
  services: string[];
  stop(): Promise<void>;
}

export async function startChaosPlatform(): Promise<ChaosPlatform> {
  const started = Date.now();
  const tmp = privateDir('parley-chaos-');
  const pg = await PrivatePostgres.start(tmp.dir, ['parley']);
  let nats: PrivateNats | undefined;
  try {
    nats = await PrivateNats.start(tmp.dir);
    const serversMs = Date.now() - started;
    const adminKey = randomBytes(24).toString('hex');
    const logDir = tmp.dir;
    const platform = await startPlatform({
      env: {
        DATABASE_URL: pg.url('parley'),
        NATS_URL: nats.url,
        REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
        PARLEY_ADMIN_KEY: adminKey,
        PARLEY_JWT_SECRET: randomBytes(24).toString('hex'),
        LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
        DB_POOL_SIZE: '5',
        // A frozen service fails the gateway's call in 3 s, before the client's 6 s timeout.
        RPC_TIMEOUT_MS: '3000',
        PRESENCE_TTL_SECONDS: '3',
        PRESENCE_KEY_PREFIX: `parley:presence:chaos-${randomBytes(6).toString('hex')}`,
      },
      randomPorts: true,
      gateways: 2,
      logDir,
    });
    const proxy = await TcpProxy.start(platform.gatewayUrls[0]);
    record({ setup: { serversMs, platformMs: Date.now() - started - serversMs } });
    return {
      platform,
      nats,
      pg,
      proxy,
      adminKey,
      logDir,
      services: platform.processes.map((p) => p.name),
      stop: async () => {
        await proxy.stop();
        for (const p of platform.processes) {
          try {
            process.kill(p.pid, 'SIGCONT');
          } catch {
            // gone
          }
        }
        await platform.stop();
        await nats?.stop();
        pg.remove();
        if (!process.env.PARLEY_CHAOS_KEEP_LOGS) tmp.remove();
      },
    };
  } catch (err) {
    await nats?.stop();
    pg.remove();
    throw err;
  }
}

export interface Fault {
  name: string;
  /** `note` records a step of the fault in the round's history. */
  run(env: ChaosPlatform, note: (what: string) => void): Promise<void>;
}

const PAUSE_MS = 5000;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

const killService = (name: string): Fault => ({
  name: `SIGKILL and restart of ${name}`,
  run: async ({ platform }) => {
    platform.signal(name, 'SIGKILL');
    await platform.restart(name);
  },
});

const pauseService = (name: string): Fault => ({
  name: `SIGSTOP of ${name} for 5 s, then SIGCONT`,
  run: async ({ platform }) => {
    platform.signal(name, 'SIGSTOP');
    await sleep(PAUSE_MS);
    platform.signal(name, 'SIGCONT');
  },
});

export const FAULTS = {
  killMessaging: killService('messaging'),
  killGateway: killService('gateway-1'),
  killNats: {
    name: 'SIGKILL and restart of nats-server',
    run: async ({ nats }) => {
      await nats.restart('SIGKILL');
    },
  } as Fault,
  restartPostgres: {
    name: 'PostgreSQL crash (immediate stop) and restart',
    run: async ({ pg }) => {
      pg.stop('immediate');
      await sleep(1000);
      pg.start();
    },
  } as Fault,
  pauseMessaging: pauseService('messaging'),
  pauseGateway: pauseService('gateway-1'),
  pauseNats: {
    name: 'SIGSTOP of nats-server for 5 s, then SIGCONT',
    run: async ({ nats }) => {
      nats.signal('SIGSTOP');
      await sleep(PAUSE_MS);
      nats.signal('SIGCONT');
    },
  } as Fault,
  pausePostgres: {
    name: 'SIGSTOP of every PostgreSQL process for 5 s, then SIGCONT',
    run: async ({ pg }) => {
      pg.pause();
      await sleep(PAUSE_MS);
      pg.cont();
    },
  } as Fault,
  cutLinks: {
    name: 'client links reset, refused for 3 s, then resumed',
    run: async ({ proxy }) => {
      proxy.cut();
      await sleep(3000);
      proxy.restore();
    },
  } as Fault,
  stallLinks: {
    name: 'client links stalled (no byte either way) for 5 s, then resumed',
    run: async ({ proxy }) => {
      proxy.stall();
      await sleep(PAUSE_MS);
      proxy.restore();
    },
  } as Fault,
  rollingRestart: {
    name: 'rolling restart of every service (SIGTERM, wait ready, next)',
    run: async ({ platform, services }, note) => {
      for (const name of services) {
        note(`SIGTERM to ${name}`);
        const pid = platform.pid(name);
        platform.signal(name, 'SIGTERM');
        while (alive(pid)) await sleep(50);
        note(`${name} exited`);
        await platform.restart(name);
        note(`${name} ready`);
      }
    },
  } as Fault,
  killService,
  pauseService,
};

export interface RoundOptions {
  load: LoadOptions;
  /** Load before the fault. */
  warmupMs: number;
  /** Load after the fault is over. */
  afterMs: number;
}

export interface RoundResult {
  fault: string;
  report: HistoryReport;
  /** How long the round took, and the fault itself. */
  roundMs: number;
  faultMs: number;
}

/** Users behind the proxy: the first two; the others alternate between the gateways. */
const PROXIED = 2;

export async function chaosRound(
  env: ChaosPlatform,
  fault: Fault,
  opts: RoundOptions,
): Promise<RoundResult> {
  const started = Date.now();
  const gateways = env.platform.gatewayUrls;
  const world = await chaosWorld({
    gateways,
    adminKey: env.adminKey,
    socketUrls: (i) =>
      i < PROXIED
        ? [env.proxy.url]
        : [gateways[i % gateways.length], gateways[(i + 1) % gateways.length]],
    load: opts.load,
  });
  try {
    for (const c of world.clients) c.startSending();
    await sleep(opts.warmupMs);
    const faultStarted = Date.now();
    world.history.note(`fault: ${fault.name}`);
    await fault.run(env, (what) => world.history.note(what));
    world.history.note('fault over');
    const faultMs = Date.now() - faultStarted;
    await sleep(opts.afterMs);
    await Promise.all(world.clients.map((c) => c.stopSending()));
    const final = await finalState(world, env.nats.url, opts.load.giveUpMs);
    const report = world.history.check(final);
    if (process.env.PARLEY_CHAOS_DUMP) {
      const file = path.join(process.env.PARLEY_CHAOS_DUMP, `${world.app.appId}.json`);
      writeFileSync(
        file,
        JSON.stringify({ history: world.history.view(), notes: world.history.notes }),
      );
    }
    const result = { fault: fault.name, report, roundMs: Date.now() - started, faultMs };
    record(result);
    return result;
  } finally {
    for (const c of world.clients) c.close();
  }
}

/** With PARLEY_CHAOS_RESULTS set, each round's result is appended there as one JSON line. */
function record(result: RoundResult | { setup: { serversMs: number; platformMs: number } }): void {
  const file = process.env.PARLEY_CHAOS_RESULTS;
  if (file) appendFileSync(path.resolve(file), `${JSON.stringify(result)}\n`);
}
