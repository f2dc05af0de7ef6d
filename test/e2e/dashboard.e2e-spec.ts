import { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium, screenshot } from './support/browser';
import { WebhookReceiver } from '@parley/common/testing';
import {
  adminKey,
  AppClient,
  createApp,
  ErrorReply,
  eventually,
  gateways,
  http,
  uniqueId,
} from './support/parley';

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

    /** A tab: in a new context (another person's browser), or beside `sibling` (a new tab). */
    async function newPage(sibling?: Page): Promise<Page> {
      let context = sibling?.context();
      if (!context) {
        context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
        contexts.push(context);
      }
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      return page;
    }

    afterEach(async () => {
      await Promise.all(contexts.splice(0).map((c) => c.close()));
    });

    /** One of an app's sections, from its tabs. */
    async function openTab(page: Page, name: string): Promise<void> {
      await page
        .getByRole('navigation', { name: 'App sections' })
        .getByRole('link', { name })
        .click();
    }

    async function signIn(page: Page): Promise<void> {
      await page.goto(`${gw()}/dashboard/`);
      await page.getByLabel('Operator key').fill(adminKey());
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: 'Apps' }).waitFor();
    }

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

      // Apps of other tests are listed too: this one's name is its own.
      const appId = uniqueId('dash');
      const appName = `Dashboard ${appId}`;
      await operator.getByLabel('Name', { exact: true }).fill(appName);
      await operator.getByLabel('App ID (optional)').fill(appId);
      await operator.getByRole('button', { name: 'Create app' }).click();
      await operator.getByRole('heading', { name: `App ${appName} created` }).waitFor();
      const authKey = await operator.getByLabel('Auth key').inputValue();
      expect(authKey).toMatch(/^[0-9a-f]{40}$/);
      await operator.getByRole('cell', { name: appId, exact: true }).waitFor();

      await operator
        .getByRole('table', { name: 'Apps' })
        .getByRole('link', { name: `Open ${appName}` })
        .click();
      await operator.getByRole('heading', { name: appName, exact: true }).waitFor();
      await openTab(operator, 'Users');
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

      // Alice in a new tab of the operator's browser (each tab is its own session), Bob elsewhere.
      const chatAs = async (uid: string, sibling?: Page) => {
        const page = await newPage(sibling);
        await page.goto(`${gw()}/dashboard/chat.html`);
        await page.getByLabel('App ID').fill(appId);
        await page.getByLabel('Auth key').fill(authKey);
        await page.getByLabel('User ID').fill(uid);
        await page.getByRole('button', { name: 'Log in' }).click();
        await page.getByRole('status').getByText('Live').waitFor();
        return page;
      };
      const alice = await chatAs('alice', operator);
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

    it('an operator manages groups and webhooks, and watches a conversation live as a user', async () => {
      const appName = uniqueId('Tour');
      const app = await createApp(appName);
      const rest = AppClient.rest(app);
      for (const uid of ['alice', 'bob'])
        await rest.post('/users', { uid, name: uid[0].toUpperCase() + uid.slice(1) });
      const receiver = await WebhookReceiver.start();
      try {
        const operator = await newPage();
        await signIn(operator);
        // Apps made elsewhere: the operator gives the dashboard the app's REST key.
        await operator.getByRole('link', { name: `Open ${appName}` }).click();
        await openTab(operator, 'Users');
        await operator.getByText("This section uses the app's REST API key.").waitFor();
        await openTab(operator, 'Keys');
        await operator.getByLabel('REST API key to use').fill('0'.repeat(40));
        await operator.getByRole('button', { name: 'Save key' }).click();
        await operator.getByRole('alert').getByText('AUTH_ERR', { exact: false }).waitFor();
        await operator.getByLabel('REST API key to use').fill(app.restKey);
        await operator.getByRole('button', { name: 'Save key' }).click();
        await operator.getByRole('table', { name: 'API keys' }).getByText('Auth Key').waitFor();

        await openTab(operator, 'Groups');
        await operator.getByLabel('GUID').fill('team');
        await operator.getByLabel('Name', { exact: true }).fill('Team');
        await operator.getByRole('button', { name: 'Create group' }).click();
        await operator.getByRole('button', { name: 'Members of Team' }).click();
        for (const uid of ['alice', 'bob']) {
          await operator.getByLabel('Member UID').fill(uid);
          await operator.getByRole('button', { name: 'Add member' }).click();
          await operator.getByRole('button', { name: `Remove ${uid}` }).waitFor();
        }
        await operator.getByLabel('Member UID').fill('nobody');
        await operator.getByRole('button', { name: 'Add member' }).click();
        await operator.getByRole('alert').getByText('ERR_UID_NOT_FOUND').waitFor();

        await openTab(operator, 'Webhooks');
        await operator.getByLabel('ID (optional)').fill('hook');
        await operator.getByLabel('Name', { exact: true }).fill('Receiver');
        await operator.getByLabel('URL').fill(receiver.url);
        await operator.getByRole('checkbox', { name: 'message_sent' }).check();
        await operator.getByRole('button', { name: 'Create webhook' }).click();
        await operator.getByRole('cell', { name: 'message_sent' }).waitFor();

        await openTab(operator, 'Conversations');
        await operator.getByRole('combobox', { name: 'User' }).selectOption('alice');
        await operator.getByRole('button', { name: 'View as user' }).click();
        await operator.getByRole('status').getByText('Live').waitFor();
        await operator.getByRole('button', { name: 'Team' }).click();
        await operator.getByRole('heading', { name: 'Group Team' }).waitFor();
        // Bob writes through the API; the operator, watching as Alice, sees it arrive.
        const bob = new AppClient(app.appId, { apikey: app.restKey, onBehalfOf: 'bob' });
        const sent = await bob.post('/messages', {
          receiver: 'team',
          receiverType: 'group',
          category: 'message',
          type: 'text',
          data: { text: 'Standup in five' },
        });
        expect(sent.status).toBe(200);
        const log = operator.getByRole('log', { name: 'Messages' });
        await log.getByText('Standup in five').waitFor();
        expect(
          await log.getByRole('listitem').filter({ hasText: 'Standup in five' }).innerText(),
        ).toMatch(/^Bob\nStandup in five/);
        await screenshot(operator, 'dashboard-conversation-as-alice');

        await openTab(operator, 'Webhooks');
        await operator.getByRole('button', { name: 'Deliveries of hook' }).click();
        const deliveryLog = operator.getByRole('table', { name: 'Delivery log' });
        await eventually(async () => {
          await operator.getByRole('button', { name: 'Refresh deliveries' }).click();
          await deliveryLog.getByRole('cell', { name: 'succeeded' }).waitFor({ timeout: 500 });
        }, 15_000);
        expect(await deliveryLog.getByRole('cell', { name: 'message_sent' }).count()).toBe(1);
        await screenshot(operator, 'dashboard-webhook-deliveries');
      } finally {
        await receiver.down();
      }
    }, 90_000);
  });
});
