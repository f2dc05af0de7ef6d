import { AppClient, AppKeys, createApp, ErrorReply } from './support/parley';

/**
 * The scope permission matrix (reference §6.3), walked cell by cell over HTTP: every actor
 * (a participant, moderator, admin or the owner acting through onBehalfOf, and the app itself)
 * times every action times every target scope, each cell in a fresh group, checking the outcome:
 * allowed (and done), or refused with the exact code (and nothing changed).
 */

jest.setTimeout(180_000);

const ACTORS = ['participant', 'moderator', 'admin', 'owner', 'app'] as const;
const TARGETS = ['participant', 'moderator', 'admin', 'owner'] as const;
type Actor = (typeof ACTORS)[number];
type Target = (typeof TARGETS)[number];
type Scope = 'participant' | 'moderator' | 'admin';
type Action =
  | 'update'
  | 'delete'
  | 'add'
  | 'kick'
  | 'ban'
  | 'unban'
  | 'scope:participant'
  | 'scope:moderator'
  | 'scope:admin';

/** 'ok' or the refusal code. */
type Outcome = string;
const OK = 'ok';
const NOT_MOD = 'ERR_GROUP_NO_MODERATOR_SCOPE';
const NOT_ADMIN = 'ERR_GROUP_NO_ADMIN_SCOPE';
const CLEARANCE = 'ERR_GROUP_NO_SCOPE_CLEARANCE';
const SELF = 'ERR_GROUP_NO_SELF_ACTION';
const SAME = 'ERR_SAME_SCOPE';

/** Actions that name no member: one outcome per actor (participant, moderator, admin, owner, app). */
const UNTARGETED: Record<'update' | 'delete', Outcome[]> = {
  update: [NOT_MOD, OK, OK, OK, OK],
  delete: [NOT_ADMIN, NOT_ADMIN, OK, OK, OK],
};

/**
 * Per actor, the outcome for each target (participant, moderator, admin, owner). For `add` the
 * target is the scope array a new user is added with; for `unban` the scope the banned user had
 * (the owner cannot be banned, so that column is absent).
 */
const TARGETED: Record<Exclude<Action, 'update' | 'delete'>, Record<Actor, Outcome[]>> = {
  add: {
    participant: [NOT_ADMIN, NOT_ADMIN, NOT_ADMIN],
    moderator: [NOT_ADMIN, NOT_ADMIN, NOT_ADMIN],
    admin: [OK, OK, OK],
    owner: [OK, OK, OK],
    app: [OK, OK, OK],
  },
  kick: {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [OK, CLEARANCE, CLEARANCE, CLEARANCE],
    admin: [OK, OK, CLEARANCE, CLEARANCE],
    owner: [OK, OK, OK, SELF],
    app: [OK, OK, OK, CLEARANCE],
  },
  ban: {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [OK, CLEARANCE, CLEARANCE, CLEARANCE],
    admin: [OK, OK, CLEARANCE, CLEARANCE],
    owner: [OK, OK, OK, SELF],
    app: [OK, OK, OK, CLEARANCE],
  },
  unban: {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [OK, OK, OK],
    admin: [OK, OK, OK],
    owner: [OK, OK, OK],
    app: [OK, OK, OK],
  },
  'scope:participant': {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [SAME, CLEARANCE, CLEARANCE, CLEARANCE],
    admin: [SAME, OK, CLEARANCE, CLEARANCE],
    owner: [SAME, OK, OK, SELF],
    app: [SAME, OK, OK, CLEARANCE],
  },
  'scope:moderator': {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [OK, CLEARANCE, CLEARANCE, CLEARANCE],
    admin: [OK, SAME, CLEARANCE, CLEARANCE],
    owner: [OK, SAME, OK, SELF],
    app: [OK, SAME, OK, CLEARANCE],
  },
  'scope:admin': {
    participant: [NOT_MOD, NOT_MOD, NOT_MOD, NOT_MOD],
    moderator: [CLEARANCE, CLEARANCE, CLEARANCE, CLEARANCE],
    admin: [OK, OK, CLEARANCE, CLEARANCE],
    owner: [OK, OK, SAME, SELF],
    app: [OK, OK, SAME, CLEARANCE],
  },
};

interface Cell {
  actor: Actor;
  action: Action;
  target?: Target;
  expected: Outcome;
}

const CELLS: Cell[] = [
  ...Object.entries(UNTARGETED).flatMap(([action, outcomes]) =>
    ACTORS.map((actor, i) => ({ actor, action: action as Action, expected: outcomes[i] })),
  ),
  ...Object.entries(TARGETED).flatMap(([action, byActor]) =>
    ACTORS.flatMap((actor) =>
      byActor[actor].map((expected, i) => ({
        actor,
        action: action as Action,
        target: TARGETS[i],
        expected,
      })),
    ),
  ),
];

/** Each cell's group: `own` owns it; one actor and one target member of each scope. */
const ACTOR_UID: Record<Actor, string | undefined> = {
  participant: 'part',
  moderator: 'mod',
  admin: 'adm',
  owner: 'own',
  app: undefined,
};
const TARGET_UID: Record<Target, string> = {
  participant: 'tpart',
  moderator: 'tmod',
  admin: 'tadm',
  owner: 'own',
};
const USERS = ['own', 'adm', 'mod', 'part', 'tadm', 'tmod', 'tpart', 'fresh'];

interface Members {
  data: Array<{ uid: string; scope: string }>;
}
const code = (res: { body: unknown }) => (res.body as ErrorReply).error?.code;

/** Runs `work` over `items`, `limit` at a time. */
async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item; item = queue.shift()) await work(item);
    }),
  );
}

/** Sets a cell up, acts, and returns what happened: 'ok' (with the effect checked) or the code. */
async function runCell(app: AppKeys, rest: AppClient, cell: Cell, guid: string): Promise<Outcome> {
  const created = await rest.post('/groups', {
    guid,
    name: 'Cell',
    type: 'public',
    owner: 'own',
    members: {
      admins: ['adm', 'tadm'],
      moderators: ['mod', 'tmod'],
      participants: ['part', 'tpart'],
    },
  });
  if (created.status !== 200) throw new Error(`${guid}: ${JSON.stringify(created.body)}`);
  const actorUid = ACTOR_UID[cell.actor];
  const actor = actorUid
    ? new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: actorUid })
    : rest;
  const target = cell.target ? TARGET_UID[cell.target] : '';
  const base = `/groups/${guid}`;
  const scopes = async () =>
    Object.fromEntries(
      (await rest.get<Members>(`${base}/members`)).body.data.map((m) => [m.uid, m.scope]),
    );
  const banned = async () =>
    (await rest.get<Members>(`${base}/bannedusers`)).body.data.map((m) => m.uid);

  let res;
  let done: () => Promise<boolean>;
  switch (cell.action) {
    case 'update':
      res = await actor.put(base, { name: 'Renamed' });
      done = async () =>
        (await rest.get<{ data: { name: string } }>(base)).body.data.name === 'Renamed';
      break;
    case 'delete':
      res = await actor.delete(base);
      done = async () => (await rest.get(base)).status === 404;
      break;
    case 'add': {
      const array = { participant: 'participants', moderator: 'moderators', admin: 'admins' }[
        cell.target as Scope
      ];
      res = await actor.post(`${base}/members`, { [array]: ['fresh'] });
      done = async () => (await scopes()).fresh === cell.target;
      break;
    }
    case 'kick':
      res = await actor.delete(`${base}/members/${target}`);
      done = async () => !(target in (await scopes()));
      break;
    case 'ban':
      res = await actor.post(`${base}/bannedusers/${target}`);
      done = async () => !(target in (await scopes())) && (await banned()).includes(target);
      break;
    case 'unban':
      if ((await rest.post(`${base}/bannedusers/${target}`)).status !== 200) throw new Error('ban');
      res = await actor.delete(`${base}/bannedusers/${target}`);
      done = async () => (await banned()).length === 0;
      break;
    default: {
      const scope = cell.action.slice('scope:'.length);
      res = await actor.put(`${base}/members/${target}`, { scope });
      done = async () => (await scopes())[target] === scope;
    }
  }
  if (res.status === 200) return (await done()) ? OK : 'ok, but without effect';
  // A refusal changes nothing: the members are as they were (an unban's target still banned).
  const before: Record<string, string> = {
    own: 'admin',
    adm: 'admin',
    tadm: 'admin',
    mod: 'moderator',
    tmod: 'moderator',
    part: 'participant',
    tpart: 'participant',
  };
  if (cell.action === 'unban') delete before[target];
  const sorted = (m: Record<string, string>) => JSON.stringify(Object.entries(m).sort());
  const intact =
    sorted(await scopes()) === sorted(before) &&
    (cell.action !== 'unban' || (await banned()).includes(target));
  return intact ? (code(res) ?? `status ${res.status}`) : `${code(res)}, but members changed`;
}

describe('group permission matrix (reference §6.3), cell by cell', () => {
  const results = new Map<Cell, Outcome>();

  beforeAll(async () => {
    const app = await createApp();
    const rest = AppClient.rest(app);
    await pool(USERS, 6, async (uid) => {
      const res = await rest.post('/users', { uid, name: `Name ${uid}` });
      if (res.status !== 200) throw new Error(`create ${uid}: ${res.status}`);
    });
    let n = 0;
    await pool(CELLS, 8, async (cell) => {
      n += 1;
      results.set(cell, await runCell(app, rest, cell, `cell-${n}`));
    });
  });

  it('walks every cell', () => {
    expect(results.size).toBe(CELLS.length);
    expect(CELLS.length).toBe(10 + 3 * 5 * 2 + 4 * 5 * 5);
  });

  it.each(CELLS.map((c) => [c.actor, c.action, c.target ?? '-', c]))(
    '%s: %s on %s',
    (_actor, _action, _target, cell) => {
      expect(results.get(cell as Cell)).toBe((cell as Cell).expected);
    },
  );
});
