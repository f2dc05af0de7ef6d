/**
 * The operator's dashboard: sign in with the operator key (kept in this tab's sessionStorage), then
 * apps (list, create, delete, their keys) and, per app, users, groups and members, conversations
 * seen live as a user, and webhooks with their delivery log. Routes live in the URL fragment:
 * `#/apps` and `#/apps/<appId>/<tab>`.
 */
import { adminApi, Api, ApiError, restApi, seg } from './api.js';
import { ChatView, openSession } from './chat-view.js';
import { ErrorBox, field, form, h, selectField, table, when } from './dom.js';

const ADMIN_KEY = 'parley.dashboard.adminKey';
const APP_KEYS = 'parley.dashboard.appKeys';
const main = document.getElementById('main')!;
const account = document.getElementById('account')!;

interface App {
  appId: string;
  name: string;
  createdAt: number;
}
interface AppKeys {
  restKey?: string;
  authKey?: string;
}
interface User {
  uid: string;
  name: string;
  status?: string;
  createdAt: number;
}
interface Group {
  guid: string;
  name: string;
  type: string;
  membersCount?: number;
}
interface Member extends User {
  scope: string;
  joinedAt: number;
}
interface Webhook {
  id: string;
  name: string;
  webhookURL: string;
  triggers: string[];
  enabled: boolean;
}
interface Delivery {
  id: string;
  trigger: string;
  status: string;
  attempts: number;
  createdAt: number;
  attemptLog: Array<{ statusCode?: number; error?: string; durationMs: number }>;
}

/** Keys seen in this tab: Parley stores only hashes, so they are shown once, when an app is made. */
function appKeys(appId: string): AppKeys {
  const all = JSON.parse(sessionStorage.getItem(APP_KEYS) ?? '{}') as Record<string, AppKeys>;
  return all[appId] ?? {};
}
function saveAppKeys(appId: string, keys: AppKeys): void {
  const all = JSON.parse(sessionStorage.getItem(APP_KEYS) ?? '{}') as Record<string, AppKeys>;
  all[appId] = { ...all[appId], ...keys };
  sessionStorage.setItem(APP_KEYS, JSON.stringify(all));
}

/** What leaving the current view must undo (a live chat session). */
let leave: (() => void) | undefined;

function route(): void {
  leave?.();
  leave = undefined;
  const key = sessionStorage.getItem(ADMIN_KEY);
  if (!key) return signIn();
  account.replaceChildren(
    h('span', {}, 'Operator'),
    h('button', { type: 'button', onclick: signOut }, 'Sign out'),
  );
  const admin = adminApi(key);
  const [, appId, tab] = /^#\/apps\/([^/]+)(?:\/(\w+))?/.exec(location.hash) ?? [];
  if (appId) void showApp(admin, decodeURIComponent(appId), tab ?? 'users');
  else void showApps(admin);
}

function signOut(): void {
  sessionStorage.removeItem(ADMIN_KEY);
  sessionStorage.removeItem(APP_KEYS);
  location.hash = '#/apps';
  route();
}

function signIn(): void {
  account.replaceChildren();
  const errors = new ErrorBox();
  main.replaceChildren(
    h('h1', {}, 'Parley dashboard'),
    h('p', {}, 'Sign in with the operator key (PARLEY_ADMIN_KEY).'),
    errors.el,
    form(
      'Operator sign in',
      errors,
      async (v) => {
        await adminApi(v.adminKey).get('/admin/apps'); // proves the key
        sessionStorage.setItem(ADMIN_KEY, v.adminKey);
        route();
      },
      field('Operator key', 'adminKey', { type: 'password', required: true, autocomplete: 'off' }),
      h('button', { type: 'submit' }, 'Sign in'),
    ),
  );
}

// ---- Apps ----

async function showApps(admin: Api): Promise<void> {
  const errors = new ErrorBox();
  const list = h('div');
  const created = h('div');
  const reload = async () => {
    const apps = await admin.get<App[]>('/admin/apps');
    list.replaceChildren(
      table('Apps', ['Name', 'App ID', 'Created', 'Actions'], apps, (a) => [
        a.name,
        h('code', {}, a.appId),
        when(a.createdAt),
        h(
          'span',
          { class: 'actions' },
          h('a', { href: `#/apps/${seg(a.appId)}/keys`, 'aria-label': `Open ${a.name}` }, 'Open'),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'aria-label': `Delete ${a.name}`,
              onclick: () =>
                confirm(`Delete the app ${a.appId} and erase all its data?`) &&
                void errors.run(async () => {
                  await admin.delete(`/admin/apps/${seg(a.appId)}`);
                  await reload();
                }),
            },
            'Delete',
          ),
        ),
      ]),
    );
  };
  main.replaceChildren(
    h('h1', {}, 'Apps'),
    errors.el,
    created,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Create an app'),
      form(
        'Create an app',
        errors,
        async (v, f) => {
          const app = await admin.post<App & { apiKeys: Array<{ apiKey: string; scope: string }> }>(
            '/admin/apps',
            { name: v.name, ...(v.appId ? { appId: v.appId } : {}) },
          );
          const keys = {
            restKey: app.apiKeys.find((k) => k.scope === 'fullAccess')?.apiKey,
            authKey: app.apiKeys.find((k) => k.scope === 'authOnly')?.apiKey,
          };
          saveAppKeys(app.appId, keys);
          f.reset();
          created.replaceChildren(
            h(
              'section',
              { class: 'card notice', 'aria-label': 'New app' },
              h('h2', {}, `App ${app.name} created`),
              h(
                'p',
                {},
                'Copy the keys now: Parley keeps only their hashes. This tab remembers them until you sign out.',
              ),
              keyFields(app.appId, keys),
              h('a', { href: `#/apps/${seg(app.appId)}/users` }, `Open ${app.name}`),
            ),
          );
          await reload();
        },
        field('Name', 'name', { required: true, maxlength: 100 }),
        field('App ID (optional)', 'appId', { pattern: '[a-zA-Z0-9_\\-]{1,100}' }),
        h('button', { type: 'submit' }, 'Create app'),
      ),
    ),
    list,
  );
  await errors.run(reload);
}

/** Read-only inputs, labelled, so a key can be selected and copied. */
function keyFields(appId: string, keys: AppKeys): HTMLElement {
  const ro = (label: string, value?: string) =>
    value ? field(label, '', { readonly: true, value, class: 'key' }) : null;
  return h(
    'div',
    { class: 'keys' },
    ro('App ID', appId),
    ro('REST API key', keys.restKey),
    ro('Auth key', keys.authKey),
  );
}

// ---- One app ----

const TABS: Array<[string, string]> = [
  ['keys', 'Keys'],
  ['users', 'Users'],
  ['groups', 'Groups'],
  ['conversations', 'Conversations'],
  ['webhooks', 'Webhooks'],
];

interface AppContext {
  admin: Api;
  app: App;
  /** The app's REST API with its REST key, when this tab knows it. */
  rest?: Api;
  errors: ErrorBox;
  panel: HTMLElement;
}

async function showApp(admin: Api, appId: string, tab: string): Promise<void> {
  const errors = new ErrorBox();
  const panel = h('section', {
    class: 'panel',
    'aria-label': TABS.find(([t]) => t === tab)?.[1] ?? tab,
  });
  main.replaceChildren(h('p', {}, 'Loading…'));
  const app = await errors.run(() => admin.get<App>(`/admin/apps/${seg(appId)}`));
  if (!app) return void main.replaceChildren(h('h1', {}, appId), errors.el);
  const { restKey } = appKeys(app.appId);
  main.replaceChildren(
    h('p', { class: 'crumbs' }, h('a', { href: '#/apps' }, 'Apps'), ' / ', app.appId),
    h('h1', {}, app.name),
    h(
      'nav',
      { class: 'tabs', 'aria-label': 'App sections' },
      ...TABS.map(([id, label]) =>
        h(
          'a',
          {
            href: `#/apps/${seg(app.appId)}/${id}`,
            'aria-current': id === tab ? 'page' : undefined,
          },
          label,
        ),
      ),
    ),
    errors.el,
    panel,
  );
  const ctx: AppContext = {
    admin,
    app,
    errors,
    panel,
    rest: restKey ? restApi(app.appId, restKey) : undefined,
  };
  const render = {
    keys: keysTab,
    users: usersTab,
    groups: groupsTab,
    conversations: conversationsTab,
    webhooks: webhooksTab,
  }[tab];
  if (!render) return void panel.replaceChildren(h('p', {}, 'No such section.'));
  if (!ctx.rest && tab !== 'keys' && tab !== 'webhooks') {
    return void panel.replaceChildren(
      h(
        'p',
        {},
        "This section uses the app's REST API key. ",
        h('a', { href: `#/apps/${seg(app.appId)}/keys` }, 'Enter it on the Keys tab'),
        '.',
      ),
    );
  }
  await errors.run(() => render(ctx));
}

async function keysTab(ctx: AppContext): Promise<void> {
  const { app, errors, panel } = ctx;
  const keys = appKeys(app.appId);
  const chatLink = new URLSearchParams({
    appId: app.appId,
    ...(keys.authKey ? { authKey: keys.authKey } : {}),
  });
  const listed = ctx.rest
    ? await ctx.rest.get<Array<{ name: string; scope: string; apiKey: string; createdAt: number }>>(
        '/v3/apikeys',
      )
    : [];
  panel.replaceChildren(
    h('h2', {}, 'Keys'),
    keyFields(app.appId, keys),
    h('p', {}, h('a', { href: `chat.html#${chatLink}` }, 'Open the chat page for this app')),
    table(
      'API keys',
      ['Name', 'Scope', 'Key', 'Created'],
      listed,
      (k) => [k.name, k.scope, h('code', {}, k.apiKey), when(k.createdAt)],
      'enter the REST API key to list them.',
    ),
    h(
      'section',
      { class: 'card' },
      h('h3', {}, 'Use a REST API key'),
      h('p', {}, 'Keys are shown only when made. Paste one to manage this app here.'),
      form(
        'Use a REST API key',
        errors,
        async (v) => {
          await restApi(app.appId, v.restKey).get('/v3/apikeys'); // proves the key
          saveAppKeys(app.appId, { restKey: v.restKey });
          route();
        },
        field('REST API key to use', 'restKey', { required: true, autocomplete: 'off' }),
        h('button', { type: 'submit' }, 'Save key'),
      ),
    ),
  );
}

async function usersTab(ctx: AppContext): Promise<void> {
  const rest = ctx.rest!;
  const list = h('div');
  const reload = async () => {
    const users = await rest.get<User[]>('/v3/users', { perPage: 100 });
    list.replaceChildren(
      table('Users', ['UID', 'Name', 'Status', 'Created'], users, (u) => [
        h('code', {}, u.uid),
        u.name,
        u.status ?? '',
        when(u.createdAt),
      ]),
    );
  };
  ctx.panel.replaceChildren(
    h('h2', {}, 'Users'),
    form(
      'Create a user',
      ctx.errors,
      async (v, f) => {
        await rest.post('/v3/users', { uid: v.uid, name: v.name });
        f.reset();
        await reload();
      },
      field('UID', 'uid', { required: true }),
      field('Name', 'name', { required: true }),
      h('button', { type: 'submit' }, 'Create user'),
    ),
    list,
  );
  await reload();
}

async function groupsTab(ctx: AppContext): Promise<void> {
  const rest = ctx.rest!;
  const list = h('div');
  const members = h('div');
  const reload = async () => {
    const groups = await rest.get<Group[]>('/v3/groups', { perPage: 100 });
    list.replaceChildren(
      table('Groups', ['GUID', 'Name', 'Type', 'Members', 'Actions'], groups, (g) => [
        h('code', {}, g.guid),
        g.name,
        g.type,
        g.membersCount ?? '',
        h(
          'button',
          {
            type: 'button',
            'aria-label': `Members of ${g.name}`,
            onclick: () => void ctx.errors.run(() => showMembers(g)),
          },
          'Members',
        ),
      ]),
    );
  };
  const showMembers = async (g: Group) => {
    const base = `/v3/groups/${seg(g.guid)}/members`;
    const rows = await rest.get<Member[]>(base, { perPage: 100 });
    members.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-label': `Members of ${g.name}` },
        h('h3', {}, `Members of ${g.name}`),
        table('Members', ['UID', 'Name', 'Scope', 'Joined', 'Actions'], rows, (m) => [
          h('code', {}, m.uid),
          m.name,
          m.scope,
          when(m.joinedAt),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'aria-label': `Remove ${m.uid}`,
              onclick: () =>
                void ctx.errors.run(async () => {
                  await rest.delete(`${base}/${seg(m.uid)}`);
                  await Promise.all([showMembers(g), reload()]);
                }),
            },
            'Remove',
          ),
        ]),
        form(
          'Add a member',
          ctx.errors,
          async (v) => {
            const reply = await rest.post<
              Record<
                string,
                Record<string, { success: boolean; error?: { code: string; message: string } }>
              >
            >(base, { [v.scope]: [v.uid] });
            const outcome = Object.values(reply).flatMap((byUid) => Object.values(byUid))[0];
            if (outcome?.error) throw new ApiError(200, outcome.error.code, outcome.error.message);
            await Promise.all([showMembers(g), reload()]);
          },
          field('Member UID', 'uid', { required: true }),
          selectField('Scope', 'scope', [
            ['participants', 'participant'],
            ['moderators', 'moderator'],
            ['admins', 'admin'],
          ]),
          h('button', { type: 'submit' }, 'Add member'),
        ),
      ),
    );
  };
  ctx.panel.replaceChildren(
    h('h2', {}, 'Groups'),
    form(
      'Create a group',
      ctx.errors,
      async (v, f) => {
        await rest.post('/v3/groups', {
          guid: v.guid,
          name: v.name,
          type: v.type,
          ...(v.password ? { password: v.password } : {}),
        });
        f.reset();
        await reload();
      },
      field('GUID', 'guid', { required: true }),
      field('Name', 'name', { required: true }),
      selectField('Type', 'type', [
        ['public', 'public'],
        ['private', 'private'],
        ['password', 'password'],
      ]),
      field('Password (password groups)', 'password', { type: 'password', autocomplete: 'off' }),
      h('button', { type: 'submit' }, 'Create group'),
    ),
    list,
    members,
  );
  await reload();
}

async function conversationsTab(ctx: AppContext): Promise<void> {
  const rest = ctx.rest!;
  const users = await rest.get<User[]>('/v3/users', { perPage: 100 });
  const holder = h('div');
  ctx.panel.replaceChildren(
    h('h2', {}, 'Conversations'),
    h(
      'p',
      {},
      "See a user's conversations as they do, live. This signs in as them (a new auth token, deleted when you leave).",
    ),
    form(
      'View as a user',
      ctx.errors,
      async (v) => {
        leave?.();
        const { authToken } = await rest.post<{ authToken: string }>(
          `/v3/users/${seg(v.uid)}/auth_tokens`,
          { platform: 'WEB' },
        );
        const session = await openSession(ctx.app.appId, authToken);
        const view = new ChatView(session);
        leave = () => {
          view.stop();
          void session.api
            .delete('/v3.0/me', undefined, { keepalive: true })
            .catch(() => undefined);
        };
        holder.replaceChildren(h('h3', {}, `As ${session.name} (${session.uid})`), view.el);
        await view.start();
      },
      selectField(
        'User',
        'uid',
        users.map((u) => [u.uid, `${u.name} (${u.uid})`]),
      ),
      h('button', { type: 'submit' }, 'View as user'),
    ),
    holder,
  );
}

async function webhooksTab(ctx: AppContext): Promise<void> {
  const { admin, app, errors } = ctx;
  const base = `/admin/apps/${seg(app.appId)}/webhooks`;
  const list = h('div');
  const deliveries = h('div');
  const triggers = await admin.get<Array<{ trigger: string; description: string }>>(
    `${base}/triggers`,
  );
  const reload = async () => {
    const hooks = await admin.get<Webhook[]>(base, { perPage: 100 });
    list.replaceChildren(
      table('Webhooks', ['ID', 'Name', 'URL', 'Triggers', 'Enabled', 'Actions'], hooks, (w) => [
        h('code', {}, w.id),
        w.name,
        w.webhookURL,
        w.triggers.join(', '),
        w.enabled ? 'yes' : 'no',
        h(
          'span',
          { class: 'actions' },
          h(
            'button',
            {
              type: 'button',
              'aria-label': `Deliveries of ${w.id}`,
              onclick: () => void errors.run(() => showDeliveries(w)),
            },
            'Deliveries',
          ),
          h(
            'button',
            {
              type: 'button',
              class: 'danger',
              'aria-label': `Delete webhook ${w.id}`,
              onclick: () =>
                confirm(`Delete the webhook ${w.id}?`) &&
                void errors.run(async () => {
                  await admin.delete(`${base}/${seg(w.id)}`);
                  deliveries.replaceChildren();
                  await reload();
                }),
            },
            'Delete',
          ),
        ),
      ]),
    );
  };
  const showDeliveries = async (w: Webhook) => {
    const rows = await admin.get<Delivery[]>(`${base}/${seg(w.id)}/deliveries`, { perPage: 50 });
    deliveries.replaceChildren(
      h(
        'section',
        { class: 'card', 'aria-label': `Deliveries of ${w.id}` },
        h('h3', {}, `Deliveries of ${w.name}`),
        h(
          'button',
          { type: 'button', onclick: () => void errors.run(() => showDeliveries(w)) },
          'Refresh deliveries',
        ),
        table(
          'Delivery log',
          ['Created', 'Trigger', 'Status', 'Attempts', 'Last attempt', 'Actions'],
          rows,
          (d) => {
            const last = d.attemptLog[0];
            return [
              when(d.createdAt),
              d.trigger,
              d.status,
              d.attempts,
              last ? `${last.statusCode ?? last.error ?? ''} in ${last.durationMs} ms` : '',
              d.status === 'pending'
                ? ''
                : h(
                    'button',
                    {
                      type: 'button',
                      'aria-label': `Redeliver ${d.id}`,
                      onclick: () =>
                        void errors.run(async () => {
                          await admin.post(
                            `${base}/${seg(w.id)}/deliveries/${seg(d.id)}/redeliver`,
                          );
                          await showDeliveries(w);
                        }),
                    },
                    'Redeliver',
                  ),
            ];
          },
          'nothing delivered yet.',
        ),
      ),
    );
  };
  ctx.panel.replaceChildren(
    h('h2', {}, 'Webhooks'),
    form(
      'Create a webhook',
      errors,
      async (v, f) => {
        const chosen = [...f.querySelectorAll<HTMLInputElement>('input[name=trigger]:checked')].map(
          (c) => c.value,
        );
        await admin.post(base, {
          ...(v.id ? { id: v.id } : {}),
          name: v.name,
          webhookURL: v.webhookURL,
          triggers: chosen,
        });
        f.reset();
        await reload();
      },
      field('ID (optional)', 'id'),
      field('Name', 'name', { required: true }),
      field('URL', 'webhookURL', { type: 'url', required: true, placeholder: 'https://' }),
      h(
        'fieldset',
        { class: 'triggers' },
        h('legend', {}, 'Triggers'),
        ...triggers.map((t) =>
          h(
            'label',
            { title: t.description },
            h('input', { type: 'checkbox', name: 'trigger', value: t.trigger }),
            ` ${t.trigger}`,
          ),
        ),
      ),
      h('button', { type: 'submit' }, 'Create webhook'),
    ),
    list,
    deliveries,
  );
  await reload();
}

window.addEventListener('hashchange', route);
// Closing the tab ends a conversation watched as a user too (its auth token is deleted).
window.addEventListener('pagehide', () => leave?.());
route();
