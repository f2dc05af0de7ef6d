// The infrastructure processes doing Parley's work on a machine others may share, and their CPU.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { cpuSeconds } from './proc.mjs';

const pgrep = (args) => {
  try {
    return execFileSync('pgrep', args).toString().trim().split('\n').map(Number).filter(Boolean);
  } catch {
    return [];
  }
};

/**
 * The PostgreSQL backends connected to the bench's database (not the server's shared background
 * processes, nor other databases' backends), the nats-server listening on NATS_URL's port, and
 * the server's WAL writer (shared with every database: reported apart). Redis is left out: it
 * holds only the rate-limit counters, and its one process serves everyone on the machine.
 */
export async function infraPids(ctx) {
  const db = new pg.Client({ connectionString: ctx.databaseUrl });
  await db.connect();
  const { rows } = await db.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  await db.end();
  const port = new URL(ctx.env.NATS_URL.split(',')[0]).port || '4222';
  const nats = pgrep(['-x', 'nats-server']).filter((pid) => {
    try {
      const args = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      const at = args.findIndex((a) => a === '-p' || a === '--port');
      return (at >= 0 ? args[at + 1] : '4222') === port;
    } catch {
      return false;
    }
  });
  return {
    postgres: rows.map((r) => r.pid),
    nats,
    walwriter: pgrep(['-f', 'postgres: .*walwriter']),
  };
}

/** CPU-seconds of each process of `list` (absent: gone). */
export function cpuEach(list) {
  const out = new Map();
  for (const pid of list) {
    try {
      out.set(pid, cpuSeconds(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

/**
 * CPU-seconds used between two readings: by the processes of both, and all that a process
 * first seen in the second used (it started in between). One that ended in between is not
 * counted (its last seconds are lost; pooled connections seldom end).
 */
export function cpuBetween(before, after) {
  let sum = 0;
  for (const [pid, s] of after) sum += s - (before.get(pid) ?? 0);
  return sum;
}

/** Readings of each group of infraPids, and the CPU-seconds each used by a second reading. */
export async function infraCpu(ctx) {
  const read = async () =>
    Object.fromEntries(
      Object.entries(await infraPids(ctx)).map(([group, pids]) => [group, cpuEach(pids)]),
    );
  const before = await read();
  return async () => {
    const after = await read();
    return Object.fromEntries(
      Object.entries(after).map(([group, now]) => [group, cpuBetween(before[group], now)]),
    );
  };
}
