import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

/**
 * A NATS server and a PostgreSQL cluster of a test's own, on their own ports and in their own
 * directories, so that a test may kill, stop and restart them without touching the machine's
 * servers or anyone else's platform.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { freePort } = require('../../../scripts/platform.js') as {
  freePort(): Promise<number>;
};

/** Resolves once something accepts TCP connections on `port`. */
export async function waitForPort(port: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`nothing listens on ${port} after ${timeoutMs} ms`);
    await sleep(100);
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise<void>((resolve) => child.once('exit', () => resolve()));

function findExecutable(name: string, extraDirs: string[]): string {
  const dirs = [...extraDirs, ...(process.env.PATH ?? '').split(path.delimiter)];
  for (const dir of dirs) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} not found (looked in ${dirs.join(', ')})`);
}

/** A nats-server with JetStream on a port and a store directory of its own. */
export class PrivateNats {
  private child!: ChildProcess;

  private constructor(
    readonly port: number,
    private readonly storeDir: string,
    private readonly bin: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  get pid(): number {
    return this.child.pid as number;
  }

  static async start(dir: string): Promise<PrivateNats> {
    const bin = findExecutable('nats-server', ['/usr/sbin', '/usr/local/bin']);
    const nats = new PrivateNats(await freePort(), path.join(dir, 'nats'), bin);
    await nats.launch();
    return nats;
  }

  private async launch(): Promise<void> {
    this.child = spawn(
      this.bin,
      ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', this.storeDir],
      { stdio: 'ignore' },
    );
    await waitForPort(this.port);
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  /** Kills it with `signal` (when given), waits for the exit and starts it again on its store. */
  async restart(signal?: NodeJS.Signals): Promise<void> {
    if (signal) this.child.kill(signal);
    await exited(this.child);
    await this.launch();
  }

  async stop(): Promise<void> {
    this.child.kill('SIGCONT');
    this.child.kill('SIGTERM');
    await exited(this.child);
  }
}

/**
 * A PostgreSQL cluster made with initdb in a directory of its own, listening on 127.0.0.1 on a
 * port of its own, trusting local connections. PostgreSQL refuses to run as root, so as root its
 * tools run as the `postgres` user.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly binDir: string,
  ) {}

  /** The URL of a database of this cluster. */
  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  static async start(dir: string, databases: string[]): Promise<PrivatePostgres> {
    const pg = new PrivatePostgres(await freePort(), path.join(dir, 'pg'), postgresBinDir());
    execFileSync('mkdir', ['-p', pg.dir]);
    if (process.getuid?.() === 0) {
      const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
      const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
      chownSync(pg.dir, uid, gid);
    }
    pg.tool('initdb', [
      '-D',
      pg.dataDir,
      '-A',
      'trust',
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--no-sync',
      '--no-instructions',
    ]);
    pg.start();
    for (const db of databases) {
      pg.tool('psql', [
        '-h',
        '127.0.0.1',
        '-p',
        String(pg.port),
        '-U',
        'postgres',
        '-qc',
        `CREATE DATABASE "${db}"`,
      ]);
    }
    return pg;
  }

  private get dataDir() {
    return path.join(this.dir, 'data');
  }

  private tool(name: string, args: string[]): void {
    const bin = path.join(this.binDir, name);
    const [cmd, argv] =
      process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
    execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'], cwd: this.dir });
  }

  /** Starts the cluster and waits until it accepts connections. */
  start(): void {
    this.tool('pg_ctl', [
      '-D',
      this.dataDir,
      '-l',
      path.join(this.dir, 'log'),
      '-w',
      '-o',
      // fsync off: a killed server loses nothing the kernel holds, and tests run faster.
      `-p ${this.port} -k ${this.dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`,
      'start',
    ]);
  }

  /** Stops the cluster: `immediate` is a crash (recovery at the next start), `fast` is clean. */
  stop(mode: 'immediate' | 'fast' = 'fast'): void {
    this.cont();
    this.tool('pg_ctl', ['-D', this.dataDir, '-m', mode, '-w', 'stop']);
  }

  /** The postmaster and every server process it started. */
  pids(): number[] {
    const postmaster = Number(
      readFileSync(path.join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0],
    );
    const children = (() => {
      try {
        return execFileSync('pgrep', ['-P', String(postmaster)])
          .toString()
          .split('\n')
          .filter(Boolean)
          .map(Number);
      } catch {
        return [];
      }
    })();
    return [postmaster, ...children];
  }

  /** Freezes every process of the cluster (SIGSTOP), as a host that stops answering. */
  pause(): void {
    for (const pid of this.pids()) process.kill(pid, 'SIGSTOP');
  }

  cont(): void {
    try {
      for (const pid of this.pids()) process.kill(pid, 'SIGCONT');
    } catch {
      // not running
    }
  }

  remove(): void {
    try {
      this.stop('immediate');
    } catch {
      // already stopped
    }
  }
}

/** The newest PostgreSQL's tools: Debian keeps them in /usr/lib/postgresql/<version>/bin. */
function postgresBinDir(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(path.join(root, v, 'bin', 'initdb')))
      .sort((a, b) => Number(b) - Number(a));
    if (versions.length) return path.join(root, versions[0], 'bin');
  }
  return path.dirname(findExecutable('initdb', []));
}

/** A temporary directory the postgres user may enter (for the cluster's socket and files). */
export function privateDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  execFileSync('chmod', ['755', dir]);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
