// CPU-seconds and resident memory of a process, from /proc (Linux).
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;

/** User + system CPU time the process has used so far, in seconds. */
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces) start at field 3, "state".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS; // utime, stime: fields 14 and 15
}

/** Resident set size in bytes. */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
  return kb ? Number(kb[1]) * 1024 : 0;
}

/** CPU-seconds used by `pids` while `work` runs, with its result. */
export async function measureCpu(pids, work) {
  const before = pids.map(cpuSeconds);
  const result = await work();
  const used = pids.map((pid, i) => cpuSeconds(pid) - before[i]);
  return { result, cpuSeconds: used.reduce((a, b) => a + b, 0), perProcess: used };
}

/**
 * Waits until `pids` together use less than `share` of one core over `windowMs`, twice in a row
 * (or until `maxMs`): work left over from before (a login storm's events still being consumed)
 * is then done. Returns how long it took and the CPU-ms each process used meanwhile.
 */
export async function untilQuiet(pids, { share = 0.1, windowMs = 500, maxMs = 30_000 } = {}) {
  const t0 = Date.now();
  const start = pids.map(cpuSeconds);
  let quiet = 0;
  while (quiet < 2 && Date.now() - t0 < maxMs) {
    const before = pids.map(cpuSeconds);
    await new Promise((r) => setTimeout(r, windowMs));
    const used = pids.reduce((sum, pid, i) => sum + cpuSeconds(pid) - before[i], 0);
    quiet = used < (share * windowMs) / 1000 ? quiet + 1 : 0;
  }
  return {
    ms: Date.now() - t0,
    cpuMs: pids.map((pid, i) => Math.round((cpuSeconds(pid) - start[i]) * 1000)),
  };
}
