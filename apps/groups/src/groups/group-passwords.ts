import { Injectable } from '@nestjs/common';
import { hash, verify } from '@node-rs/argon2';

/** Password-group passwords: stored as argon2 hashes, checked on join. */
@Injectable()
export class GroupPasswords {
  hash(password: string): Promise<string> {
    return hash(password);
  }

  /** False for a wrong password and for an unreadable hash. */
  verify(passwordHash: string, password: string): Promise<boolean> {
    return verify(passwordHash, password).catch(() => false);
  }
}
