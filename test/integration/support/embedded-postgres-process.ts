import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const HOST = join(__dirname, 'embedded-postgres-host.ts');

/** An embedded database served by a child process (see embedded-postgres-host.ts). */
export interface EmbeddedPostgresProcess {
  url: string;
  pid: number;
  /** SIGTERM: a clean stop. */
  stop(): Promise<void>;
  /** SIGKILL: a crash. */
  kill(): Promise<void>;
}

/** Starts the host; rejects with its error output when it exits instead of serving. */
export async function startEmbeddedPostgresProcess(
  dataDir: string,
  name: string,
): Promise<EmbeddedPostgresProcess> {
  const child = spawn(process.execPath, ['-r', '@swc-node/register', HOST, dataDir, name], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, LOG_LEVEL: 'warn' },
  });
  let errors = '';
  child.stderr!.on('data', (d: Buffer) => (errors += d.toString()));
  const exited = once(child, 'exit');
  const url = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{')) resolve((JSON.parse(line) as { url: string }).url);
    });
    void exited.then(([code]) => reject(new Error(`exited ${String(code)}: ${errors.trim()}`)));
  });
  const end = (signal: NodeJS.Signals) => async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return { url, pid: child.pid!, stop: end('SIGTERM'), kill: end('SIGKILL') };
}
