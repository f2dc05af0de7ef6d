import { Injectable } from '@nestjs/common';
import { Clock, DomainError, MessageBus } from '@parley/common';
import {
  RPC,
  USER_EXPORT_ROW_LIMIT,
  UserExportPosition,
  UserExportPositionSchema,
  UserExportSection,
  UserPresence,
} from '@parley/contracts';
import { z } from 'zod';

/** The services with a schema, in the order an export walks them. */
const SERVICES = ['identity', 'users', 'groups', 'messaging'] as const;
type ExportService = (typeof SERVICES)[number];

/** One page of everything Parley holds about one user, gathered from each owning service. */
export interface UserExport {
  uid: string;
  /** Unix seconds. */
  exportedAt: number;
  /** Online now and `lastActiveAt`, from presence. */
  presence: UserPresence;
  /** Per service, per table of its schema, the page's rows about the user. */
  services: Record<ExportService, { tables: UserExportSection['tables'] }>;
}

export interface UserExportPage {
  data: UserExport;
  /** `next.cursor` reads the following page; absent on the last. */
  meta: { current: { perPage: number; count: number }; next?: { cursor: string } };
}

const CursorSchema = UserExportPositionSchema.extend({ service: z.enum(SERVICES) });
type Cursor = z.infer<typeof CursorSchema>;

const encodeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

function decodeCursor(text: string): Cursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const cursor = CursorSchema.safeParse(parsed);
  if (!cursor.success)
    throw new DomainError('ERR_BAD_REQUEST', 'The cursor is not one an export gave.', {
      cursor: ['not a cursor of this export'],
    });
  return cursor.data;
}

/**
 * A user's data export, page by page: each service with a schema answers
 * `rpc.<service>.user.export` with a page of its rows about the user (profile, tags, metadata and
 * role; friends and blocks; auth tokens without their secret; memberships and bans; messages sent
 * and calls received, edits, reactions, interactions, read and delivered positions,
 * conversations). A page holds at most `perPage` rows (default and most USER_EXPORT_ROW_LIMIT):
 * the services are read in turn, each from where the cursor says, until the page is full; its
 * `next` cursor goes on from there. Presence adds online and `lastActiveAt` to every page.
 */
@Injectable()
export class UserExportService {
  constructor(
    private readonly bus: MessageBus,
    private readonly clock: Clock,
  ) {}

  async export(
    appId: string,
    uid: string,
    opts: { cursor?: string; perPage?: number } = {},
  ): Promise<UserExportPage> {
    const perPage = opts.perPage ?? USER_EXPORT_ROW_LIMIT;
    const from = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    // A soft-deleted or deactivated user still has a row, and their data is still theirs.
    const [held, presence] = await Promise.all([
      this.bus.request(RPC.users.userExport, {
        appId,
        uid,
        after: { table: 'users', offset: 0 },
        limit: 1,
      }),
      this.bus.request(RPC.presence.userGetMany, { appId, uids: [uid] }),
    ]);
    if (!held.tables.users?.length) throw new DomainError('ERR_UID_NOT_FOUND');

    const services = Object.fromEntries(
      SERVICES.map((s) => [s, { tables: {} }]),
    ) as UserExport['services'];
    let left = perPage;
    let next: Cursor | undefined;
    const start = from ? SERVICES.indexOf(from.service) : 0;
    for (const service of SERVICES.slice(start)) {
      if (left === 0) {
        next = { service, table: '', offset: 0 };
        break;
      }
      const after: UserExportPosition | undefined =
        from?.service === service ? { table: from.table, offset: from.offset } : undefined;
      const page = await this.bus.request(RPC[service].userExport, {
        appId,
        uid,
        after,
        limit: left,
      });
      services[service].tables = page.tables;
      left -= Object.values(page.tables).reduce((n, rows) => n + rows.length, 0);
      if (page.next) {
        next = { service, ...page.next };
        break;
      }
    }
    return {
      data: {
        uid,
        exportedAt: Math.floor(this.clock.now().getTime() / 1000),
        presence: presence.users[0] ?? { uid, online: false },
        services,
      },
      meta: {
        current: { perPage, count: perPage - left },
        ...(next ? { next: { cursor: encodeCursor(next) } } : {}),
      },
    };
  }
}
