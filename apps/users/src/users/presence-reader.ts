import { Injectable } from '@nestjs/common';

/**
 * Who is online, for the `status` filter and a user's `status` field. Presence (the presence service
 * on Redis) is not part of the platform yet, so nobody is online; this port is where it plugs in.
 */
@Injectable()
export class PresenceReader {
  async onlineUids(_appId: string, _candidates?: string[]): Promise<string[]> {
    return [];
  }
}
