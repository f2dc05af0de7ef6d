/**
 * The chat page: log in as a user of an app (its Auth key and the user's uid), pick a user or a
 * group, and talk, live. The auth token is kept in this tab's sessionStorage, so two tabs can be
 * two users.
 */
import { Api, ApiError, seg } from './api.js';
import { ChatSession, ChatView, openSession } from './chat-view.js';
import { ErrorBox, field, form, h } from './dom.js';

const STORE = 'parley.chat.session';
const main = document.getElementById('main')!;
const account = document.getElementById('account')!;
let view: ChatView | undefined;

function stored(): { appId: string; authToken: string } | undefined {
  try {
    return JSON.parse(sessionStorage.getItem(STORE) ?? 'null') ?? undefined;
  } catch {
    return undefined;
  }
}

function showLogin(errorFrom?: unknown): void {
  view?.stop();
  view = undefined;
  account.replaceChildren();
  const errors = new ErrorBox();
  // `#appId=…&authKey=…` (the dashboard's link to this page) fills the form in.
  const given = new URLSearchParams(location.hash.slice(1));
  main.replaceChildren(
    h('h1', {}, 'Chat'),
    h('p', {}, "Log in as one of an app's users with the app's Auth key."),
    errors.el,
    form(
      'Log in',
      errors,
      async (v) => {
        const keyApi = new Api({ appid: v.appId, apikey: v.authKey });
        const { authToken } = await keyApi.post<{ authToken: string }>(
          `/v3.0/users/${seg(v.uid)}/auth_tokens`,
          { platform: 'WEB' },
        );
        sessionStorage.setItem(STORE, JSON.stringify({ appId: v.appId, authToken }));
        await start();
      },
      field('App ID', 'appId', { required: true, value: given.get('appId') ?? '' }),
      field('Auth key', 'authKey', {
        required: true,
        type: 'password',
        autocomplete: 'off',
        value: given.get('authKey') ?? '',
      }),
      field('User ID', 'uid', { required: true, autocomplete: 'username' }),
      h('button', { type: 'submit' }, 'Log in'),
    ),
  );
  if (errorFrom) errors.show(errorFrom);
}

async function start(): Promise<void> {
  const saved = stored();
  if (!saved) return showLogin();
  let session: ChatSession;
  try {
    session = await openSession(saved.appId, saved.authToken);
  } catch (err) {
    // The token no longer works (logged out elsewhere, user or app deleted): log in again.
    sessionStorage.removeItem(STORE);
    return showLogin(err instanceof ApiError ? err : undefined);
  }
  account.replaceChildren(
    h('span', {}, `${session.name} (${session.uid}) in ${session.appId}`),
    h('button', { type: 'button', onclick: () => void logout(session) }, 'Log out'),
  );
  view = new ChatView(session);
  main.replaceChildren(h('h1', { class: 'visually-hidden' }, 'Chat'), view.el);
  await view.start();
}

async function logout(session: ChatSession): Promise<void> {
  view?.stop();
  // Deletes this auth token; the page forgets it even if the gateway is unreachable.
  await session.api.delete('/v3.0/me').catch(() => undefined);
  sessionStorage.removeItem(STORE);
  showLogin();
}

void start();
