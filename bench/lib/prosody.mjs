// Prosody, the XMPP server P1 compares Parley with: Debian's package, run here as a foreground
// process with a configuration of its own (message archiving on: mod_mam, every message kept),
// accounts written to its internal storage directly.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export const PROSODY = '/usr/bin/prosody';
export const DOMAIN = 'bench.local';
export const PASSWORD = 'bench-password';

/** Installs Debian's prosody when asked (`--install-prosody`); true when it is there. */
export function ensureProsody(install) {
  if (existsSync(PROSODY)) return true;
  if (!install) return false;
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', 'prosody'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  // The package starts its own service; the bench runs its own instance.
  try {
    execFileSync('service', ['prosody', 'stop'], { stdio: 'ignore' });
  } catch {
    /* not started */
  }
  return existsSync(PROSODY);
}

function freePort() {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

export async function startProsody(users) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'parley-bench-prosody-'));
  const port = await freePort();
  const data = path.join(dir, 'data');
  const accounts = path.join(data, DOMAIN.replaceAll('.', '%2e'), 'accounts');
  mkdirSync(accounts, { recursive: true });
  for (const u of users) {
    writeFileSync(
      path.join(accounts, `${u}.dat`),
      `return {\n\t["password"] = "${PASSWORD}";\n};\n`,
    );
  }
  const config = path.join(dir, 'prosody.cfg.lua');
  writeFileSync(
    config,
    `run_as_root = true
pidfile = "${dir}/prosody.pid"
data_path = "${data}"
log = { warn = "${dir}/prosody.log" }
interfaces = { "127.0.0.1" }
c2s_ports = { ${port} }
s2s_ports = { }
modules_enabled = { "roster"; "saslauth"; "disco"; "ping"; "mam" }
modules_disabled = { "s2s" }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "internal_plain"
storage = "internal"
default_archive_policy = true
archive_expires_after = "1w"
limits = { c2s = { rate = "100mb/s" } }
VirtualHost "${DOMAIN}"
`,
  );
  const child = spawn(PROSODY, ['-F', '--config', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    const up = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.on('error', () => resolve(false));
    });
    if (up) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`prosody did not start: ${err.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    pid: child.pid,
    service: `xmpp://127.0.0.1:${port}`,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', resolve);
        child.kill('SIGTERM');
      }),
  };
}
