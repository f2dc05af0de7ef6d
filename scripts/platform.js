// Starts Parley: its services as separate processes (as containers run them) on real NATS,
// PostgreSQL and Redis, waiting until each answers /health/ready (`startPlatform`); or all of them
// in this process on embedded parts (`startEmbedded`). Used by `npm start` and by the end-to-end
// tests; both need the build in dist/.
'use strict';
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const net = require('node:net');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

/** Every service, in start order; the gateway last so its dependencies answer first. */
const SERVICES = [
  { name: 'identity', port: 3001 },
  { name: 'users', port: 3002 },
  { name: 'groups', port: 3003 },
  { name: 'messaging', port: 3004 },
  { name: 'webhooks', port: 3005 },
  { name: 'presence', port: 3006 },
  { name: 'gateway', port: 3000 },
];

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Waits until `child` itself answers `url` ready (another process that took the port does not count). */
async function waitReady(url, child, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer';
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const res = await fetch(url);
      const text = await res.text();
      const body = JSON.parse(text || '{}');
      if (res.ok && body.pid === child.pid) return;
      last = res.ok
        ? `port answered by another process (pid ${body.pid})`
        : `${res.status} ${text}`;
    } catch (err) {
      last = err.message;
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`not ready after ${timeoutMs} ms: ${last}`);
}

/**
 * Start the platform.
 * @param {object} opts
 * @param {Record<string,string>} opts.env  environment for every service (URLs, keys)
 * @param {boolean} [opts.randomPorts]      pick free ports instead of the defaults
 * @param {number} [opts.gateways]          how many gateway processes (default 1)
 * @param {Record<string,number>} [opts.replicas] how many processes of a service (with randomPorts;
 *                                          for the gateway, overrides `gateways`)
 * @param {string} [opts.logDir]            write each service's output to <logDir>/<name>.log
 * @param {number} [opts.gatewayPort]       port of the first gateway when not random
 * @param {string[]} [opts.nodeArgs]         extra node flags for every service (e.g. --cpu-prof)
 * @returns {Promise<{gatewayUrls: string[], processes: {name:string,pid:number,port:number}[], stop: () => Promise<void>, pid: (name: string) => number, signal: (name: string, signal: NodeJS.Signals) => boolean, restart: (name: string, stopSignal?: NodeJS.Signals) => Promise<void>}>}
 */
async function startPlatform(opts) {
  const started = [];
  const stop = async () => {
    await Promise.all(
      started.map(
        ({ child }) =>
          new Promise((resolve) => {
            // Already gone (exited, or killed by a signal, as a test may do).
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', resolve);
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref();
          }),
      ),
    );
  };
  const specs = [];
  for (const s of SERVICES) {
    const copies = opts.replicas?.[s.name] ?? (s.name === 'gateway' ? (opts.gateways ?? 1) : 1);
    if (copies > 1 && s.name !== 'gateway' && !opts.randomPorts) {
      throw new Error(`${copies} ${s.name} processes need randomPorts (one fixed port each)`);
    }
    for (let i = 0; i < copies; i++) {
      const port = opts.randomPorts
        ? await freePort()
        : s.name === 'gateway'
          ? (opts.gatewayPort ?? s.port) + i
          : s.port;
      specs.push({ name: copies > 1 ? `${s.name}-${i + 1}` : s.name, app: s.name, port });
    }
  }
  /** Spawns one service on its port and waits until it answers ready. */
  const launch = async (spec) => {
    const main = path.join(root, 'dist', 'apps', spec.app, 'main.js');
    const stdio = opts.logDir
      ? [
          'ignore',
          fs.openSync(path.join(opts.logDir, `${spec.name}.log`), 'a'),
          fs.openSync(path.join(opts.logDir, `${spec.name}.log`), 'a'),
        ]
      : ['ignore', 'inherit', 'inherit'];
    // With random ports, a port another process took between the pick and the bind (the
    // service exits, or someone else answers on it) is picked again.
    for (let attempt = 1; ; attempt++) {
      const child = spawn(
        process.execPath,
        [...(opts.nodeArgs ?? []), '--enable-source-maps', main],
        {
          cwd: root,
          env: { ...process.env, ...opts.env, PORT: String(spec.port), SERVICE_NAME: spec.app },
          stdio,
        },
      );
      started.push({ ...spec, child });
      try {
        await waitReady(`http://127.0.0.1:${spec.port}/health/ready`, child, 60_000);
        return;
      } catch (err) {
        if (opts.randomPorts && attempt < 3 && child.exitCode !== null) {
          started.pop();
          spec.port = await freePort();
          continue;
        }
        const where = opts.logDir ? ` (see ${path.join(opts.logDir, `${spec.name}.log`)})` : '';
        throw new Error(`${spec.name}: ${err.message}${where}`);
      }
    }
  };
  try {
    for (const spec of specs) await launch(spec);
  } catch (err) {
    await stop();
    throw err;
  }
  /** The newest process of a service by name (`messaging`, `gateway-2`, ...). */
  const current = (name) => {
    const entry = started.findLast((s) => s.name === name);
    if (!entry) throw new Error(`no service ${name}`);
    return entry;
  };
  const exited = (child) =>
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', resolve));
  return {
    gatewayUrls: started
      .filter((s) => s.app === 'gateway')
      .map((s) => `http://127.0.0.1:${s.port}`),
    processes: started.map((s) => ({ name: s.name, pid: s.child.pid, port: s.port })),
    stop,
    /** The pid of a service's newest process. */
    pid: (name) => current(name).child.pid,
    /** Sends `signal` to a service's newest process (a test's fault: SIGKILL, SIGSTOP, ...). */
    signal: (name, signal) => current(name).child.kill(signal),
    /**
     * Starts a service again on its port once its process has exited (after `signal`, or sends
     * `stopSignal` first and waits for the exit) and resolves when the new process is ready.
     */
    restart: async (name, stopSignal) => {
      const { child, ...spec } = current(name);
      if (stopSignal) child.kill(stopSignal);
      await exited(child);
      await launch({ name: spec.name, app: spec.app, port: spec.port });
    },
  };
}

/**
 * Start every service in this process (ARCHITECTURE.md §9): an in-process broker for NATS, an
 * embedded PostgreSQL per service, presence and rate limits in memory, all kept under `dataDir`.
 * @param {object} opts
 * @param {Record<string,string>} opts.env  environment for every service (keys, settings); set on
 *                                          this process, where the services read it
 * @param {string} opts.dataDir             where streams and databases are kept
 * @param {number} [opts.gatewayPort]       port of the gateway (0: a free one)
 * @param {(name: string) => Promise<{url: string, poolSize?: number, stop(): Promise<void>}>} [opts.openDatabase]
 *                                          a service's database (default: embedded PostgreSQL)
 * @param {(step: string) => void} [opts.onProgress]
 * @param {number} [opts.natsPort]          also serve the bus over the NATS protocol on this port
 *                                          of 127.0.0.1 (0: a free one)
 * @returns {Promise<{gatewayUrls: string[], natsUrl?: string, processes: {name:string,pid:number,port:number}[], stop: () => Promise<void>}>}
 */
async function startEmbedded(opts) {
  Object.assign(process.env, opts.env);
  const dist = path.join(root, 'dist');
  const { runEmbedded } = require(path.join(dist, 'libs/common/embedded/run-embedded.js'));
  const services = SERVICES.map(
    (s) => require(path.join(dist, 'apps', s.name, 'service.js')).SERVICE,
  );
  const openDatabase =
    opts.openDatabase ??
    (async (name) => {
      const { startEmbeddedPostgres } = require(
        path.join(dist, 'libs/common/embedded/pglite-server.js'),
      );
      const db = await startEmbeddedPostgres({ dataDir: path.join(opts.dataDir, 'db'), name });
      // One connection: the embedded server runs one statement at a time anyway.
      return { url: db.url, poolSize: 1, stop: db.stop };
    });
  const platform = await runEmbedded({
    services,
    dataDir: opts.dataDir,
    port: opts.gatewayPort ?? 3000,
    openDatabase,
    onProgress: opts.onProgress,
    natsPort: opts.natsPort,
  });
  const port = Number(new URL(platform.url).port);
  return {
    gatewayUrls: [platform.url],
    natsUrl: platform.natsUrl,
    processes: [{ name: 'parley', pid: process.pid, port }],
    stop: platform.stop,
  };
}

module.exports = { SERVICES, startPlatform, startEmbedded, freePort, root };
