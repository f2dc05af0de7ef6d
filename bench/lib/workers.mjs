// Load generators run as separate processes (never in the runner's or Parley's processes). A
// worker reads its JSON config from argv[2] and prints one JSON result line on stdout.
import { configArg } from './config.mjs';
import { inspectorUrlIn } from './inspector.mjs';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export function runWorker(name, config, { timeoutMs = 300_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(here, '..', 'workers', `${name}.mjs`), configArg(config)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0) return reject(new Error(`worker ${name} exited with ${code}: ${last}`));
      try {
        resolve(JSON.parse(last));
      } catch {
        reject(new Error(`worker ${name} printed no result: ${out.slice(-500)}`));
      }
    });
  });
}

/**
 * Start a long-running helper process (a baseline server); resolves once it prints "ready". With
 * `inspect`, it runs with its V8 inspector on a free port, whose URL is `inspector`.
 */
export function startServer(name, config, { inspect = false } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        ...(inspect ? ['--inspect=127.0.0.1:0'] : []),
        path.join(here, '..', 'workers', `${name}.mjs`),
        configArg(config),
      ],
      { stdio: ['ignore', 'pipe', inspect ? 'pipe' : 'inherit'] },
    );
    let out = '';
    let err = '';
    child.stderr?.on('data', (d) => {
      err += d;
      process.stderr.write(d);
    });
    child.stdout.on('data', (d) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('ready'));
      if (line)
        resolve({
          child,
          pid: child.pid,
          info: JSON.parse(line.slice(6) || '{}'),
          inspector: inspectorUrlIn(err),
        });
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}: ${out}`)));
  });
}

export function stopServer(server) {
  return new Promise((resolve) => {
    if (server.child.exitCode !== null) return resolve();
    server.child.once('exit', resolve);
    server.child.kill('SIGTERM');
  });
}

/** A ws-clients worker (workers/ws-clients.mjs) with a promise-returning `ask`. */
export const wsClients = () => forkWorker('ws-clients');

/** An IPC-driven worker (ws-clients, xmpp-clients) with a promise-returning `ask`. */
export async function forkWorker(name) {
  const { fork } = await import('node:child_process');
  const child = fork(path.join(here, '..', 'workers', `${name}.mjs`), [], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  // Each reply names the command it answers (`re`); a waiter takes the next reply to its command.
  const replies = new Map(); // re -> queued replies
  const waiters = new Map(); // re -> waiting resolvers
  child.on('message', (m) => {
    const waiting = waiters.get(m.re) ?? [];
    if (waiting.length) waiting.shift()(m);
    else replies.set(m.re, [...(replies.get(m.re) ?? []), m]);
  });
  const nextReply = (re) => {
    const queued = replies.get(re) ?? [];
    if (queued.length) return Promise.resolve(queued.shift());
    return new Promise((r) => waiters.set(re, [...(waiters.get(re) ?? []), r]));
  };
  await nextReply('ready');
  return {
    pid: child.pid,
    async ask(message) {
      child.send(message);
      return nextReply(message.cmd);
    },
    /**
     * Arms a count of `total` frames; `done` settles with the count once they arrived. Latencies
     * of frames sent in the first `warmupMs` are not recorded (ws-clients).
     */
    async expect(total, timeoutMs, warmupMs = 0) {
      child.send({ cmd: 'expect', total, timeoutMs, warmupMs });
      await nextReply('armed');
      return { done: nextReply('expect') };
    },
    close() {
      child.send({ cmd: 'close' });
      return new Promise((r) => child.once('exit', r));
    },
  };
}
