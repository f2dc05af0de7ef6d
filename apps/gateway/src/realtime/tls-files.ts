import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import { ConfigError } from '@parley/common';
import type { GatewayEnv } from '../config/gateway-env';

/**
 * The certificate and key the gateway serves https and wss with, or undefined for plain http/ws
 * (TLS ending at an ingress). The CometChat SDK speaks only https/wss, so without an ingress this
 * is what makes it work. Unreadable or mismatched files stop the gateway with one line.
 */
export function readTlsFiles(
  env: Pick<GatewayEnv, 'TLS_CERT_FILE' | 'TLS_KEY_FILE'>,
): { cert: Buffer; key: Buffer } | undefined {
  if (!env.TLS_CERT_FILE || !env.TLS_KEY_FILE) return undefined;
  const read = (name: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new ConfigError(`invalid configuration: ${name}: cannot read ${file} (${codeOf(err)})`);
    }
  };
  const cert = read('TLS_CERT_FILE', env.TLS_CERT_FILE);
  const key = read('TLS_KEY_FILE', env.TLS_KEY_FILE);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    throw new ConfigError(
      `invalid configuration: TLS_CERT_FILE, TLS_KEY_FILE: not a PEM certificate and its key (${codeOf(err)})`,
    );
  }
  return { cert, key };
}

function codeOf(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return e.code ?? e.message ?? String(err);
}
