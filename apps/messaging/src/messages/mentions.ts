import { Injectable } from '@nestjs/common';
import { DomainError } from '@parley/common';
import { UserProfile } from '../directory/directory.entity';
import { ParticipantDirectory } from '../directory/participant-directory';

/** Reference §6.1: a message mentions at most 10 distinct users. */
export const MAX_MENTIONED_USERS = 10;

/** `<@uid:UID>` with a valid uid (API.md §2); the uid is compared lower-cased, as stored. */
const MENTION = /<@uid:([a-zA-Z0-9_-]{1,100})>/g;

/**
 * The distinct uids a text mentions with `<@uid:UID>` (reference §5.4), lower-cased, in the order
 * of their first mention. Anything else that looks almost like a mention is plain text.
 */
export function parseMentions(text: unknown): string[] {
  if (typeof text !== 'string') return [];
  const uids = new Set<string>();
  for (const m of text.matchAll(MENTION)) uids.add(m[1].toLowerCase());
  return [...uids];
}

/** The mentionable text of a message: the text of a text message, the caption of a media one. */
export function mentionableText(category: string, data: Record<string, unknown>): unknown {
  return category === 'message' ? data.text : undefined;
}

/**
 * Resolves a message's mentions to users: more than 10 distinct uids is ERR_BAD_REQUEST (nothing
 * is stored); a uid that names no active user stays plain text and is not a mention.
 */
@Injectable()
export class MessageMentions {
  constructor(private readonly directory: ParticipantDirectory) {}

  async resolve(
    appId: string,
    category: string,
    data: Record<string, unknown>,
  ): Promise<Map<string, UserProfile>> {
    const uids = parseMentions(mentionableText(category, data));
    if (uids.length > MAX_MENTIONED_USERS) {
      throw new DomainError(
        'ERR_BAD_REQUEST',
        `A message mentions at most ${MAX_MENTIONED_USERS} users.`,
        { 'data.text': [`mentions ${uids.length} users; at most ${MAX_MENTIONED_USERS}`] },
      );
    }
    if (!uids.length) return new Map();
    const users = await this.directory.users(appId, uids);
    const mentioned = new Map<string, UserProfile>();
    for (const uid of uids) {
      const u = users.get(uid);
      if (u?.status === 'active' && u.profile) mentioned.set(uid, u.profile);
    }
    return mentioned;
  }
}
