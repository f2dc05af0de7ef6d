import { createHash, randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';

/** sha-256 hex: how keys and tokens are stored and looked up (they are high-entropy random). */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Show a secret as its first and last 4 characters. */
export function maskSecret(value: string): string {
  return value.length <= 12 ? '****' : `${value.slice(0, 4)}****${value.slice(-4)}`;
}

/** Random secrets, behind an injectable so tests can fix them. */
@Injectable()
export class SecretGenerator {
  /** `bytes` random bytes as lower-case hex. */
  hex(bytes: number): string {
    return randomBytes(bytes).toString('hex');
  }
}
