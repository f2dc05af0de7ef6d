import { Injectable } from '@nestjs/common';
import { pgPool, poolQuery, TurnBatch } from '@parley/common';
import { DEFAULT_ROLE, GroupSnapshot, MemberScope, RoleAudience } from '@parley/contracts';
import { DataSource, EntityManager } from 'typeorm';
import {
  DirectoryGroup,
  DirectoryMember,
  DirectoryRole,
  DirectoryUser,
  MemberState,
  UserProfile,
  UserStatus,
} from './directory.entity';

type Db = Pick<EntityManager, 'query'>;

/** What a 1:1 send is judged by (DirectoryRepository.findUserPair). */
interface UserPairRows {
  users: DirectoryUser[];
  blocks: Array<{ blocker: string; blocked: string }>;
  senderRole: DirectoryRole | null;
}

/** A friendship's key: the smaller uid first. */
const pair = (a: string, b: string): [string, string] => (a < b ? [a, b] : [b, a]);

/** The version of a row learnt by RPC: lower than any event's, so every event overrides it. */
export const LEARNT_BY_RPC = 0;

/**
 * SQL for a member's `join_seq` ($1 app, $2 guid): the seq of the group conversation's last message
 * sent before the second `at` (Unix seconds) names, found by walking its newest messages back. A
 * message of that very second counts as after the join.
 */
const JOIN_SEQ_BEFORE = (at: string) => `COALESCE((
           SELECT m."seq" FROM "messaging"."messages" m
           WHERE m."app_id" = $1 AND m."conversation_id" = 'group_' || $2
             AND m."sent_at" < to_timestamp(${at}::double precision)
           ORDER BY m."id" DESC LIMIT 1), 0)`;

/**
 * The read models messaging keeps of other services' data (users, blocks, groups, memberships).
 * Every event write is versioned by the event's stream sequence: it changes a row only when newer
 * than the row's `version`, so applying an event twice, or an older one late, changes nothing.
 * Rows learnt by RPC are inserted only where none exists, never over what an event wrote.
 */
@Injectable()
export class DirectoryRepository {
  constructor(private readonly ds: DataSource) {}

  // ---- users ----

  async applyUser(
    appId: string,
    uid: string,
    status: UserStatus,
    profile: UserProfile,
    version: number,
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."users" ("app_id", "uid", "status", "profile", "version")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("app_id", "uid") DO UPDATE
         SET "status" = EXCLUDED."status", "profile" = EXCLUDED."profile", "version" = EXCLUDED."version"
         WHERE "users"."version" < EXCLUDED."version"`,
      [appId, uid, status, profile, version],
    );
  }

  /** Sets the status of `uids` (bulk deactivation, reactivation, deletion); the profile stays. */
  async applyUserStatus(
    appId: string,
    uids: string[],
    status: UserStatus,
    version: number,
    db: Db = this.ds,
  ): Promise<void> {
    await db.query(
      `INSERT INTO "messaging"."users" ("app_id", "uid", "status", "profile", "version")
       SELECT $1, u, $3, NULL, $4 FROM unnest($2::text[]) u
       ON CONFLICT ("app_id", "uid") DO UPDATE
         SET "status" = EXCLUDED."status", "version" = EXCLUDED."version"
         WHERE "users"."version" < EXCLUDED."version"`,
      [appId, uids, status, version],
    );
  }

  /** A permanently deleted user: deleted, and their profile forgotten (entities show the uid). */
  async applyUserErased(appId: string, uid: string, version: number): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."users" ("app_id", "uid", "status", "profile", "version")
       VALUES ($1, $2, 'deleted', NULL, $3)
       ON CONFLICT ("app_id", "uid") DO UPDATE
         SET "status" = 'deleted', "profile" = NULL, "version" = EXCLUDED."version"
         WHERE "users"."version" < EXCLUDED."version"`,
      [appId, uid, version],
    );
  }

  /** Users the users service answered for (active ones): a new row, or the profile a row lacked. */
  async learnUsers(appId: string, profiles: UserProfile[]): Promise<void> {
    if (!profiles.length) return;
    await this.ds.query(
      `INSERT INTO "messaging"."users" ("app_id", "uid", "status", "profile", "version")
       SELECT $1, p->>'uid', 'active', p, ${LEARNT_BY_RPC} FROM jsonb_array_elements($2::jsonb) p
       ON CONFLICT ("app_id", "uid") DO UPDATE SET "profile" = EXCLUDED."profile"
         WHERE "users"."profile" IS NULL`,
      [appId, JSON.stringify(profiles)],
    );
  }

  async findUsers(
    appId: string,
    uids: string[],
    db: Pick<EntityManager, 'query'> = this.ds,
  ): Promise<DirectoryUser[]> {
    if (!uids.length) return [];
    return db.query(
      `SELECT "uid", "status", "profile" FROM "messaging"."users"
       WHERE "app_id" = $1 AND "uid" = ANY($2::text[])`,
      [appId, uids],
    );
  }

  /**
   * What a 1:1 send from `sender` to `receiver` is judged by, in one round trip: both users' rows,
   * the blocks in force between them, and the role the sender's profile names (the default role
   * when it names none; null when the model has no such role). The reads of one event-loop turn
   * share one statement.
   */
  findUserPair(appId: string, sender: string, receiver: string): Promise<UserPairRows> {
    return this.userPairs.call([appId, sender, receiver]);
  }

  private readonly userPairs = new TurnBatch<[string, string, string], UserPairRows>(
    async (pairs) => {
      // On the driver's pool, prepared once per connection: every 1:1 send reads it.
      const rows = await poolQuery<UserPairRows>(
        pgPool(this.ds),
        `SELECT
           (SELECT coalesce(json_agg(json_build_object(
                     'uid', u."uid", 'status', u."status", 'profile', u."profile")), '[]'::json)
            FROM "messaging"."users" u
            WHERE u."app_id" = q."app_id" AND u."uid" IN (q."sender", q."receiver")) AS "users",
           (SELECT coalesce(json_agg(json_build_object(
                     'blocker', b."blocker", 'blocked', b."blocked")), '[]'::json)
            FROM "messaging"."blocks" b
            WHERE b."app_id" = q."app_id" AND b."active"
              AND ((b."blocker" = q."sender" AND b."blocked" = q."receiver")
                OR (b."blocker" = q."receiver" AND b."blocked" = q."sender"))
           ) AS "blocks",
           (SELECT json_build_object('sendMessagesTo', r."send_messages_to", 'deleted', r."deleted")
            FROM "messaging"."roles" r
            WHERE r."app_id" = q."app_id" AND r."role" = coalesce(
              (SELECT s."profile"->>'role' FROM "messaging"."users" s
               WHERE s."app_id" = q."app_id" AND s."uid" = q."sender"), $4)) AS "senderRole"
         FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY
           AS q("app_id", "sender", "receiver", "n")
         ORDER BY q."n"`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1]), pairs.map((p) => p[2]), DEFAULT_ROLE],
        'messaging_user_pairs',
      );
      return rows;
    },
  );

  // ---- blocks ----

  async applyBlock(
    appId: string,
    blocker: string,
    blocked: string,
    active: boolean,
    version: number,
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."blocks" ("app_id", "blocker", "blocked", "active", "version")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("app_id", "blocker", "blocked") DO UPDATE
         SET "active" = EXCLUDED."active", "version" = EXCLUDED."version"
         WHERE "blocks"."version" < EXCLUDED."version"`,
      [appId, blocker, blocked, active, version],
    );
  }

  /** A permanently deleted user's blocks are gone (the users service drops them with the user). */
  async dropBlocksOf(appId: string, uid: string, version: number, db: Db = this.ds): Promise<void> {
    await db.query(
      `UPDATE "messaging"."blocks" SET "active" = false, "version" = $3
       WHERE "app_id" = $1 AND ("blocker" = $2 OR "blocked" = $2) AND "version" < $3`,
      [appId, uid, version],
    );
  }

  /** The blocks in force between `a` and `b`, either way. */
  async blocksBetween(
    appId: string,
    a: string,
    b: string,
  ): Promise<Array<{ blocker: string; blocked: string }>> {
    return this.ds.query(
      `SELECT "blocker", "blocked" FROM "messaging"."blocks"
       WHERE "app_id" = $1 AND "active"
         AND (("blocker" = $2 AND "blocked" = $3) OR ("blocker" = $3 AND "blocked" = $2))`,
      [appId, a, b],
    );
  }

  // ---- roles and friendships (role `sendMessagesTo`) ----

  async applyRole(
    appId: string,
    role: string,
    sendMessagesTo: RoleAudience,
    version: number,
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."roles" ("app_id", "role", "send_messages_to", "deleted", "version")
       VALUES ($1, $2, $3, false, $4)
       ON CONFLICT ("app_id", "role") DO UPDATE
         SET "send_messages_to" = EXCLUDED."send_messages_to", "deleted" = false,
             "version" = EXCLUDED."version"
         WHERE "roles"."version" < EXCLUDED."version"`,
      [appId, role, sendMessagesTo, version],
    );
  }

  /**
   * The role is gone and its users hold `default` (the users service moves them in the same
   * transaction, without an event per user): so do the profiles the model holds from before.
   */
  async deleteRole(appId: string, role: string, version: number): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "messaging"."roles" ("app_id", "role", "send_messages_to", "deleted", "version")
         VALUES ($1, $2, 'all', true, $3)
         ON CONFLICT ("app_id", "role") DO UPDATE SET "deleted" = true, "version" = EXCLUDED."version"
           WHERE "roles"."version" < EXCLUDED."version"`,
        [appId, role, version],
      );
      await tx.query(
        `UPDATE "messaging"."users" SET "profile" = jsonb_set("profile", '{role}', to_jsonb($4::text))
         WHERE "app_id" = $1 AND "profile"->>'role' = $2 AND "version" < $3`,
        [appId, role, version, DEFAULT_ROLE],
      );
    });
  }

  /** What the users service answered for a role, where no event has written yet. */
  async learnRole(appId: string, role: string, sendMessagesTo: RoleAudience): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."roles" ("app_id", "role", "send_messages_to", "deleted", "version")
       VALUES ($1, $2, $3, false, ${LEARNT_BY_RPC}) ON CONFLICT DO NOTHING`,
      [appId, role, sendMessagesTo],
    );
  }

  async findRole(appId: string, role: string): Promise<DirectoryRole | null> {
    const [row] = (await this.ds.query(
      `SELECT "send_messages_to" AS "sendMessagesTo", "deleted" FROM "messaging"."roles"
       WHERE "app_id" = $1 AND "role" = $2`,
      [appId, role],
    )) as DirectoryRole[];
    return row ?? null;
  }

  async applyFriendship(
    appId: string,
    a: string,
    b: string,
    active: boolean,
    version: number,
  ): Promise<void> {
    const [x, y] = pair(a, b);
    await this.ds.query(
      `INSERT INTO "messaging"."friendships" ("app_id", "uid_a", "uid_b", "active", "version")
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT ("app_id", "uid_a", "uid_b") DO UPDATE
         SET "active" = EXCLUDED."active", "version" = EXCLUDED."version"
         WHERE "friendships"."version" < EXCLUDED."version"`,
      [appId, x, y, active, version],
    );
  }

  /** A friendship the users service confirmed, where no event has written yet. */
  async learnFriendship(appId: string, a: string, b: string): Promise<void> {
    const [x, y] = pair(a, b);
    await this.ds.query(
      `INSERT INTO "messaging"."friendships" ("app_id", "uid_a", "uid_b", "active", "version")
       VALUES ($1, $2, $3, true, ${LEARNT_BY_RPC}) ON CONFLICT DO NOTHING`,
      [appId, x, y],
    );
  }

  /** A permanently deleted user has no friends left (the users service drops them with the user). */
  async dropFriendshipsOf(appId: string, uid: string, version: number): Promise<void> {
    await this.ds.query(
      `UPDATE "messaging"."friendships" SET "active" = false, "version" = $3
       WHERE "app_id" = $1 AND ("uid_a" = $2 OR "uid_b" = $2) AND "version" < $3`,
      [appId, uid, version],
    );
  }

  async areFriends(appId: string, a: string, b: string): Promise<boolean> {
    const [x, y] = pair(a, b);
    const rows = (await this.ds.query(
      `SELECT 1 FROM "messaging"."friendships"
       WHERE "app_id" = $1 AND "uid_a" = $2 AND "uid_b" = $3 AND "active"`,
      [appId, x, y],
    )) as unknown[];
    return rows.length > 0;
  }

  // ---- groups ----

  /** A group's state after an event; `created` starts a new epoch (a guid may be reused). */
  async applyGroup(
    appId: string,
    snapshot: GroupSnapshot,
    version: number,
    opts: { created?: boolean } = {},
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."groups" ("app_id", "guid", "snapshot", "deleted", "epoch", "version")
       VALUES ($1, $2, $3, false, $4, $5)
       ON CONFLICT ("app_id", "guid") DO UPDATE
         SET "snapshot" = EXCLUDED."snapshot", "deleted" = false,
             "epoch" = GREATEST("groups"."epoch", EXCLUDED."epoch"), "version" = EXCLUDED."version"
         WHERE "groups"."version" < EXCLUDED."version"`,
      [appId, snapshot.guid, snapshot, opts.created ? version : 0, version],
    );
  }

  /** The group is gone, with every membership (one event for them all). */
  async deleteGroup(appId: string, snapshot: GroupSnapshot, version: number): Promise<void> {
    await this.ds.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO "messaging"."groups" ("app_id", "guid", "snapshot", "deleted", "epoch", "version")
         VALUES ($1, $2, $3, true, $4, $4)
         ON CONFLICT ("app_id", "guid") DO UPDATE
           SET "snapshot" = EXCLUDED."snapshot", "deleted" = true, "epoch" = EXCLUDED."epoch",
               "version" = EXCLUDED."version"
           WHERE "groups"."version" < EXCLUDED."version"`,
        [appId, snapshot.guid, snapshot, version],
      );
      await tx.query(
        `UPDATE "messaging"."group_members" SET "state" = 'none', "scope" = NULL, "version" = $3
         WHERE "app_id" = $1 AND "guid" = $2 AND "version" < $3`,
        [appId, snapshot.guid, version],
      );
    });
  }

  /**
   * `uid`'s membership after an event, unless the event predates the group's current epoch. A
   * member who was not one before gets `join_seq`: the seq of the group conversation's last message
   * sent before the second of `occurredAt` (the event's time, Unix seconds), found by walking its
   * newest messages back. A message of that very second counts as after the join.
   */
  async applyMember(
    appId: string,
    guid: string,
    uid: string,
    state: MemberState,
    scope: MemberScope | null,
    version: number,
    occurredAt: number = Math.floor(Date.now() / 1000),
  ): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."group_members"
         ("app_id", "guid", "uid", "state", "scope", "version", "join_seq")
       SELECT $1, $2, $3, $4, $5, $6,
         CASE WHEN $4 = 'member' THEN ${JOIN_SEQ_BEFORE('$7')} ELSE 0 END
       WHERE NOT EXISTS (
         SELECT 1 FROM "messaging"."groups" g WHERE g."app_id" = $1 AND g."guid" = $2 AND g."epoch" > $6)
       ON CONFLICT ("app_id", "guid", "uid") DO UPDATE
         SET "state" = EXCLUDED."state", "scope" = EXCLUDED."scope", "version" = EXCLUDED."version",
             "join_seq" = CASE
               WHEN "group_members"."state" <> 'member' OR "group_members"."version" = ${LEARNT_BY_RPC}
               THEN EXCLUDED."join_seq" ELSE "group_members"."join_seq" END
         WHERE "group_members"."version" < EXCLUDED."version"`,
      [appId, guid, uid, state, state === 'member' ? scope : null, version, occurredAt],
    );
  }

  /** What the groups service answered, where no event has written yet. */
  async learnGroup(appId: string, snapshot: GroupSnapshot): Promise<void> {
    await this.ds.query(
      `INSERT INTO "messaging"."groups" ("app_id", "guid", "snapshot", "deleted", "epoch", "version")
       VALUES ($1, $2, $3, false, 0, ${LEARNT_BY_RPC}) ON CONFLICT DO NOTHING`,
      [appId, snapshot.guid, snapshot],
    );
  }

  async learnMember(
    appId: string,
    guid: string,
    uid: string,
    state: MemberState,
    scope: MemberScope | null,
    joinedAt: number,
  ): Promise<void> {
    await this.ds.query(
      // A member's join_seq comes from when they joined, as an event's would: learning of them
      // late must not count what was sent since as read by them.
      `INSERT INTO "messaging"."group_members"
         ("app_id", "guid", "uid", "state", "scope", "version", "join_seq")
       VALUES ($1, $2, $3, $4, $5, ${LEARNT_BY_RPC},
         CASE WHEN $4 = 'member' THEN ${JOIN_SEQ_BEFORE('$6')} ELSE 0 END)
       ON CONFLICT DO NOTHING`,
      [appId, guid, uid, state, state === 'member' ? scope : null, joinedAt],
    );
  }

  async findGroups(
    appId: string,
    guids: string[],
    db: Pick<EntityManager, 'query'> = this.ds,
  ): Promise<DirectoryGroup[]> {
    if (!guids.length) return [];
    return db.query(
      `SELECT "guid", "snapshot", "deleted" FROM "messaging"."groups"
       WHERE "app_id" = $1 AND "guid" = ANY($2::text[])`,
      [appId, guids],
    );
  }

  async findMember(appId: string, guid: string, uid: string): Promise<DirectoryMember | null> {
    const [row] = (await this.ds.query(
      `SELECT "state", "scope" FROM "messaging"."group_members"
       WHERE "app_id" = $1 AND "guid" = $2 AND "uid" = $3`,
      [appId, guid, uid],
    )) as DirectoryMember[];
    return row ?? null;
  }

  /** The groups `uid` is a member of (their conversations are the user's too). */
  async memberGuids(appId: string, uid: string): Promise<string[]> {
    const rows = (await this.ds.query(
      `SELECT "guid" FROM "messaging"."group_members"
       WHERE "app_id" = $1 AND "uid" = $2 AND "state" = 'member'`,
      [appId, uid],
    )) as Array<{ guid: string }>;
    return rows.map((r) => r.guid);
  }
}
