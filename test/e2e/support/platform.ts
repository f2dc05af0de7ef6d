import { ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** scripts/platform.js, typed: starts Parley's services as separate processes. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { startPlatform } = require('../../../scripts/platform.js') as {
  startPlatform(opts: {
    env: Record<string, string>;
    randomPorts: boolean;
    gateways: number;
    logDir: string;
  }): Promise<{
    gatewayUrls: string[];
    processes: Array<{ name: string; pid: number; port: number }>;
    stop(): Promise<void>;
  }>;
};

/** Where the shared platform's replacement processes are listed, for the global teardown. */
const keptFile = () => path.join(process.env.PARLEY_E2E_LOGS ?? tmpdir(), 'kept-pids');

/**
 * Keeps `child` (a replacement for one of the shared platform's processes) running after the test
 * file that started it, for the files that run later, until the global teardown stops it.
 */
export function keepUntilTeardown(child: ChildProcess): void {
  child.unref();
  appendFileSync(keptFile(), `${child.pid}\n`);
}

/** Stops what `keepUntilTeardown` kept (SIGTERM, also to one left stopped; SIGKILL after 10 s). */
export async function stopKeptProcesses(): Promise<void> {
  if (!existsSync(keptFile())) return;
  const pids = readFileSync(keptFile(), 'utf8').split('\n').filter(Boolean).map(Number);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  for (const pid of pids.filter(alive)) {
    process.kill(pid, 'SIGTERM');
    process.kill(pid, 'SIGCONT'); // a test may have left it stopped
  }
  for (let waited = 0; waited < 10_000 && pids.some(alive); waited += 100)
    await new Promise((resolve) => setTimeout(resolve, 100));
  for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
}
