import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { cp, mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { rootLogger } from '../logging/logger';

export interface EmbeddedPostgresOptions {
  /** Folder that holds the embedded databases; created when missing. */
  dataDir: string;
  /** The database's name: its files live in `<dataDir>/<name>`. */
  name: string;
}

export interface EmbeddedPostgres {
  /** `postgres://` URL of the database, for `pg` and TypeORM (database `postgres`, no password). */
  url: string;
  /** Stop serving, then shut the database down cleanly (checkpoint). Idempotent. */
  stop(): Promise<void>;
}

/**
 * Connections the socket server accepts at once. PGlite is one backend, so connections take turns
 * (see `oneSessionAtATime`): several are correct but never faster than one, and a service needs
 * one (`DB_POOL_SIZE=1`). The headroom is for short-lived clients (the migration lock, tools).
 */
const MAX_CONNECTIONS = 32;

/**
 * PostgreSQL settings for a database that serves one service in a shared process: 16 MB of shared
 * buffers instead of the 128 MB that `initdb` writes keeps an instance near 50 MB of memory.
 */
const SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * Open (creating on first use) the PGlite database `<dataDir>/<name>` and serve it over the
 * PostgreSQL wire protocol on a free 127.0.0.1 port, so unchanged `pg`/TypeORM code runs on it.
 * One process owns a database at a time (`<dataDir>/<name>.pid`; a lock left by a process that
 * is gone is taken over). Close the clients before `stop()`: it rolls back open transactions.
 */
export async function startEmbeddedPostgres(
  opts: EmbeddedPostgresOptions,
): Promise<EmbeddedPostgres> {
  if (!/^[A-Za-z0-9_-]+$/.test(opts.name)) {
    throw new Error(`embedded database name ${JSON.stringify(opts.name)} must be [A-Za-z0-9_-]+`);
  }
  const log = rootLogger().child({ component: 'embedded-postgres', database: opts.name });
  await mkdir(opts.dataDir, { recursive: true });
  const dir = join(opts.dataDir, opts.name);
  const lockFile = `${dir}.pid`;
  await acquireLock(lockFile);
  let db: PGlite | undefined;
  try {
    const started = Date.now();
    const created = await ensureInitialised(opts.dataDir, dir);
    db = await PGlite.create(dir, { startParams: [...PGlite.defaultStartParams, ...SETTINGS] });
    const server = new PGLiteSocketServer({
      db: oneSessionAtATime(db),
      host: '127.0.0.1',
      port: 0,
      maxConnections: MAX_CONNECTIONS,
    });
    await server.start();
    const url = `postgres://postgres@${server.getServerConn()}/postgres`;
    log.info(
      { dir, created, ms: Date.now() - started, address: server.getServerConn() },
      'embedded PostgreSQL ready',
    );
    const open = db;
    let stopping: Promise<void> | undefined;
    return {
      url,
      stop: () =>
        (stopping ??= (async () => {
          try {
            await server.stop();
          } finally {
            await open.close();
            await rm(lockFile, { force: true });
          }
        })()),
    };
  } catch (err) {
    await db?.close().catch(() => undefined);
    await rm(lockFile, { force: true });
    throw err;
  }
}

/**
 * Create the database cluster when `dir` has none, as a copy of a pristine cluster kept in the
 * data folder (`initdb` takes seconds; a copy, a fraction of one). Both are made in side folders
 * renamed into place when complete, so a process killed during a first start leaves no half a
 * cluster.
 */
async function ensureInitialised(dataDir: string, dir: string): Promise<boolean> {
  if (await exists(join(dir, 'PG_VERSION'))) return false;
  const template = join(dataDir, '.initdb');
  if (!(await exists(join(template, 'PG_VERSION')))) {
    const made = `${template}.${process.pid}`;
    await rm(made, { recursive: true, force: true });
    const db = await PGlite.create(made);
    await db.close();
    // Another process may have made one meanwhile: theirs is as good.
    await rename(made, template).catch(() => rm(made, { recursive: true, force: true }));
  }
  const pending = `${dir}.initdb`;
  await rm(pending, { recursive: true, force: true });
  await cp(template, pending, { recursive: true });
  await rm(dir, { recursive: true, force: true });
  await rename(pending, dir);
  return true;
}

/**
 * Take the database's lock file for this process: PGlite itself has no lock, and two processes on
 * one data folder would corrupt it. A file naming a process that no longer runs (a crash) is stale.
 */
async function acquireLock(file: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await writeFile(file, `${process.pid}\n`, { flag: 'wx' });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw err;
    }
    const holder = Number.parseInt(await readFile(file, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isRunning(holder)) {
      throw new Error(
        `embedded database ${file.replace(/\.pid$/, '')} is in use by process ${holder}`,
      );
    }
    if (holder === process.pid) {
      throw new Error(
        `embedded database ${file.replace(/\.pid$/, '')} is already open in this process`,
      );
    }
    await rm(file, { force: true }); // stale: its process is gone
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

const READY_FOR_QUERY = 0x5a; // 'Z'
const TERMINATE = 0x58; // 'X'

/**
 * The socket server runs one protocol message at a time and switches to another connection's
 * messages whenever PGlite is outside a transaction block. That is too early: an extended-protocol
 * query (Parse, Bind, Execute ... Sync, as `pg` sends every query with parameters) or a COPY spans
 * several messages, and another connection's Parse in between replaces the unnamed statement. This
 * view of the database reports a transaction in progress until the backend has answered
 * ReadyForQuery, so the server keeps serving the same connection until its exchange is complete.
 */
function oneSessionAtATime(db: PGlite): PGlite {
  let midExchange = false;
  const reader = new BackendMessageTypes();
  const execProtocolRawStream: PGlite['execProtocolRawStream'] = async (message, options) => {
    if (message[0] === TERMINATE) return db.execProtocolRawStream(message, options);
    midExchange = true;
    reader.last = undefined;
    await db.execProtocolRawStream(message, {
      ...options,
      onRawData: (data) => {
        reader.read(data);
        options?.onRawData?.(data);
      },
    });
    midExchange = reader.last !== READY_FOR_QUERY;
  };
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'execProtocolRawStream') return execProtocolRawStream;
      if (prop === 'isInTransaction') return () => midExchange || target.isInTransaction();
      if (prop === 'exec') {
        // The server's rollback for a connection that went away: its exchange is over.
        return (...args: Parameters<PGlite['exec']>) => {
          midExchange = false;
          return target.exec(...args);
        };
      }
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** Follows the backend's message stream across chunks and remembers the last message's type. */
class BackendMessageTypes {
  last?: number;
  private header: number[] = [];
  private bodyLeft = 0;

  read(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.bodyLeft > 0) {
        const n = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= n;
        i += n;
        continue;
      }
      this.header.push(chunk[i++]);
      if (this.header.length === 5) {
        const [type, a, b, c, d] = this.header;
        this.last = type;
        this.bodyLeft = ((a << 24) | (b << 16) | (c << 8) | d) - 4;
        this.header = [];
      }
    }
  }
}
