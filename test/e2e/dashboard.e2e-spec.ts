import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser';
import { adminKey, ErrorReply, gateways, http, uniqueId } from './support/parley';

/**
 * The web dashboard at /dashboard, driven as a person would in a real browser (Chromium through
 * Playwright): by roles, labels and the text on screen.
 */
describe('dashboard', () => {
  const gw = () => gateways()[0];

  describe('static files', () => {
    it('redirects /dashboard into its folder and serves the page with its type and caching', async () => {
      const bare = await fetch(`${gw()}/dashboard`, { redirect: 'manual' });
      expect(bare.status).toBe(308);
      expect(new URL(bare.headers.get('location')!, `${gw()}/dashboard`).pathname).toBe(
        '/dashboard/',
      );

      const page = await fetch(`${gw()}/dashboard/`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      expect(page.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await page.text()).toContain('<title>Parley dashboard</title>');

      const again = await fetch(`${gw()}/dashboard/`, {
        headers: { 'if-none-match': page.headers.get('etag')! },
      });
      expect(again.status).toBe(304);

      const script = await fetch(`${gw()}/dashboard/chat.js`);
      expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      const css = await fetch(`${gw()}/dashboard/style.css`);
      expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
    });

    it('answers a file it does not have with a CometChat error', async () => {
      for (const name of [
        'missing.js',
        'tsconfig.json',
        'api.ts',
        '..%2Fmain.js',
        'sub%2Fchat.js',
      ]) {
        const res = await http<ErrorReply>('GET', `${gw()}/dashboard/${name}`);
        expect(res.status).toBe(404);
        expect(res.body.error.code).toBe('ERR_API_NOT_FOUND');
      }
    });
  });

  describe('in a browser', () => {
    let browser: Browser;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      browser = await launchChromium();
    });
    afterAll(async () => {
      await browser?.close();
    });

    async function newPage(): Promise<Page> {
      const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
      contexts.push(context);
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    }

    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    });

    it('an operator makes an app and two users, who then chat live both ways', async () => {
      const operator = await newPage();
      await operator.goto(`${gw()}/dashboard`);

      // A wrong key is refused with the API's error, shown to the operator.
      await operator.getByLabel('Operator key').fill('not-the-operator-key');
      await operator.getByRole('button', { name: 'Sign in' }).click();
      await operator.getByRole('alert').getByText('AUTH_ERR', { exact: false }).waitFor();

      await operator.getByLabel('Operator key').fill(adminKey());
      await operator.getByRole('button', { name: 'Sign in' }).click();
      await operator.getByRole('heading', { name: 'Apps' }).waitFor();

      const appId = uniqueId('dash');
      await operator.getByLabel('Name', { exact: true }).fill('Dashboard test');
      await operator.getByLabel('App ID (optional)').fill(appId);
      await operator.getByRole('button', { name: 'Create app' }).click();
      await operator.getByRole('heading', { name: 'App Dashboard test created' }).waitFor();
      const authKey = await operator.getByLabel('Auth key').inputValue();
      expect(authKey).toMatch(/^[0-9a-f]{40}$/);
      await operator.getByRole('cell', { name: appId }).waitFor();

      await operator.getByRole('link', { name: 'Open Dashboard test' }).first().click();
      await operator.getByRole('heading', { name: 'Dashboard test' }).waitFor();
      await operator.getByRole('link', { name: 'Users' }).click();
      for (const [uid, name] of [
        ['alice', 'Alice'],
        ['bob', 'Bob'],
      ]) {
        await operator.getByLabel('UID').fill(uid);
        await operator.getByLabel('Name', { exact: true }).fill(name);
        await operator.getByRole('button', { name: 'Create user' }).click();
        await operator.getByRole('cell', { name, exact: true }).waitFor();
      }
      // A second alice is refused, and the operator sees why.
      await operator.getByLabel('UID').fill('alice');
      await operator.getByLabel('Name', { exact: true }).fill('Alice again');
      await operator.getByRole('button', { name: 'Create user' }).click();
      await operator.getByRole('alert').getByText('ERR_UID_ALREADY_EXISTS').waitFor();
      await screenshot(operator, 'dashboard-users');

      const chatAs = async (uid: string) => {
        const page = await newPage();
        await page.goto(`${gw()}/dashboard/chat.html`);
        await page.getByLabel('App ID').fill(appId);
        await page.getByLabel('Auth key').fill(authKey);
        await page.getByLabel('User ID').fill(uid);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('status').getByText('Live').waitFor();
        return page;
      };
      const alice = await chatAs('alice');
      const bob = await chatAs('bob');
      await alice.getByRole('button', { name: 'Bob' }).click();
      await bob.getByRole('button', { name: 'Alice' }).click();
      await bob.getByRole('heading', { name: 'Chat with Alice' }).waitFor();

      await alice.getByRole('textbox', { name: 'Message' }).fill('Hello Bob, from the dashboard');
      await alice.getByRole('button', { name: 'Send' }).click();
      // Bob's open conversation shows it without a reload: it came over his WebSocket.
      await bob
        .getByRole('log', { name: 'Messages' })
        .getByText('Hello Bob, from the dashboard')
        .waitFor();

      await bob.getByRole('textbox', { name: 'Message' }).fill('Hi Alice, got it');
      await bob.getByRole('button', { name: 'Send' }).click();
      await alice.getByRole('log', { name: 'Messages' }).getByText('Hi Alice, got it').waitFor();

      for (const page of [alice, bob]) {
        const lines = await page
          .getByRole('log', { name: 'Messages' })
          .getByRole('listitem')
          .allInnerTexts();
        expect(lines.map((l) => l.split('\n').slice(0, 2))).toEqual([
          ['Alice', 'Hello Bob, from the dashboard'],
          ['Bob', 'Hi Alice, got it'],
        ]);
      }
      await screenshot(alice, 'chat-alice');
      await screenshot(bob, 'chat-bob');
    }, 90_000);
  });
});
