import { connectTestBus, recordSubject } from '@parley/common/testing';
import {
  as,
  code,
  Message,
  messagingWorld,
  One,
  sent,
  text,
  toGroup,
  withToken,
} from './support/messaging-world';
import { AppClient, createApp, eventually, gateways } from './support/parley';
import { login, TestSocket } from './support/realtime-client';

jest.setTimeout(60_000);

interface Reaction {
  id: string;
  messageId: string;
  reaction: string;
  uid: string;
  reactedAt: number;
  reactedBy: { uid: string; name: string };
}
interface Cursor {
  affix: 'append' | 'prepend';
  id: string;
}
type ReactionPage = {
  data: Reaction[];
  meta: { current: { limit: number; count: number }; next?: Cursor; previous?: Cursor };
};

const THUMBS = '👍';
const HEART = '❤️';
const path = (m: Message, reaction?: string) =>
  `/messages/${m.id}/reactions${reaction === undefined ? '' : `/${encodeURIComponent(reaction)}`}`;

describe('reactions', () => {
  it('adds, counts and removes reactions; each user once per reaction, reactedByMe per viewer', async () => {
    const { alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'react to me'));

    const first = await bob.post<One>(path(m, THUMBS));
    expect(first.status).toBe(200);
    expect(first.body.data).toMatchObject({ id: m.id, seq: m.seq });
    expect(first.body.data.data.reactions).toEqual([
      { reaction: THUMBS, count: 1, reactedByMe: true },
    ]);
    expect(first.body.data.updatedAt).toBeGreaterThanOrEqual(m.updatedAt);

    // Again by the same user: nothing changes.
    const again = await bob.post<One>(path(m, THUMBS));
    expect(again.body.data.data.reactions).toEqual([
      { reaction: THUMBS, count: 1, reactedByMe: true },
    ]);
    await alice.post(path(m, THUMBS));
    await alice.post(path(m, HEART));

    const seenByBob = (await bob.get<One>(`/messages/${m.id}`)).body.data;
    expect(seenByBob.data.reactions).toEqual([
      { reaction: THUMBS, count: 2, reactedByMe: true },
      { reaction: HEART, count: 1, reactedByMe: false },
    ]);
    const seenByAlice = (await alice.get<One>(`/messages/${m.id}`)).body.data;
    expect(seenByAlice.data.reactions).toEqual([
      { reaction: THUMBS, count: 2, reactedByMe: true },
      { reaction: HEART, count: 1, reactedByMe: true },
    ]);

    const removed = await bob.delete<One>(path(m, THUMBS));
    expect(removed.status).toBe(200);
    expect(removed.body.data.data.reactions).toEqual([
      { reaction: THUMBS, count: 1, reactedByMe: false },
      { reaction: HEART, count: 1, reactedByMe: false },
    ]);
    // Removing one they do not have changes nothing.
    const none = await bob.delete<One>(path(m, HEART));
    expect(none.body.data.data.reactions).toHaveLength(2);
    await alice.delete(path(m, THUMBS));
    await alice.delete(path(m, HEART));
    expect((await bob.get<One>(`/messages/${m.id}`)).body.data.data.reactions).toBeUndefined();
  });

  it('shows the summary on every list, for the viewer', async () => {
    const { alice, bob, rest } = await messagingWorld();
    const m1 = await sent(alice, text('bob', 'one'));
    await sent(alice, text('bob', 'two'));
    const g = await sent(alice, toGroup('team', 'group one'));
    await bob.post(path(m1, HEART));
    await bob.post(path(g, THUMBS));

    const own = await alice.get<{ data: Message[] }>('/users/bob/messages');
    expect(own.body.data.map((x) => x.data.reactions)).toEqual([
      [{ reaction: HEART, count: 1, reactedByMe: false }],
      undefined,
    ]);
    const team = await bob.get<{ data: Message[] }>('/groups/team/messages');
    expect(team.body.data.find((x) => x.id === g.id)?.data.reactions).toEqual([
      { reaction: THUMBS, count: 1, reactedByMe: true },
    ]);
    const all = await rest.get<{ data: Message[] }>('/messages');
    expect(all.body.data.filter((x) => x.data.reactions).map((x) => x.id)).toEqual([m1.id, g.id]);
  });

  it('lists who reacted, oldest first, filtered by reaction, page by page', async () => {
    const { app, rest, alice, bob } = await messagingWorld();
    const g = await sent(alice, toGroup('team', 'vote'));
    await bob.post(path(g, THUMBS));
    await alice.post(path(g, HEART));
    await alice.post(path(g, THUMBS));

    const all = await rest.get<ReactionPage>(path(g));
    expect(all.status).toBe(200);
    expect(all.body.data.map((r) => [r.uid, r.reaction])).toEqual([
      ['bob', THUMBS],
      ['alice', HEART],
      ['alice', THUMBS],
    ]);
    expect(all.body.data[0]).toMatchObject({
      id: expect.stringMatching(/^[1-9][0-9]*$/),
      messageId: g.id,
      reactedBy: { uid: 'bob', name: 'Name bob' },
    });
    expect(all.body.data[0].reactedAt).toBeGreaterThan(0);

    const thumbs = await bob.get<ReactionPage>(path(g, THUMBS));
    expect(thumbs.body.data.map((r) => r.uid)).toEqual(['bob', 'alice']);

    // The client SDK pages with limit and passes meta.next / meta.previous back as they are.
    const sdk = await withToken(rest, app, 'bob');
    const first = await sdk.get<ReactionPage>(`${path(g)}?limit=2&affix=append`);
    expect(first.body.data.map((r) => r.reaction)).toEqual([THUMBS, HEART]);
    expect(first.body.meta.current).toEqual({ limit: 2, count: 2 });
    const next = first.body.meta.next as Cursor;
    const second = await sdk.get<ReactionPage>(
      `${path(g)}?limit=2&affix=${next.affix}&id=${next.id}`,
    );
    expect(second.body.data.map((r) => [r.uid, r.reaction])).toEqual([['alice', THUMBS]]);
    const prev = second.body.meta.previous as Cursor;
    const back = await sdk.get<ReactionPage>(
      `${path(g)}?limit=2&affix=${prev.affix}&id=${prev.id}`,
    );
    expect(back.body.data.map((r) => r.reaction)).toEqual([THUMBS, HEART]);
  });

  it('accepts the reaction in the body too', async () => {
    const { alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'hi'));
    const res = await bob.post<One>(path(m), { reaction: '🎉' });
    expect(res.status).toBe(200);
    expect(res.body.data.data.reactions).toEqual([{ reaction: '🎉', count: 1, reactedByMe: true }]);
  });

  it('lets only those who can read the message react or list its reactions', async () => {
    const { app, rest, alice, carol } = await messagingWorld();
    const direct = await sent(alice, text('bob', 'private'));
    const group = await sent(alice, toGroup('team', 'members only'));
    for (const m of [direct, group]) {
      const res = await carol.post(path(m, THUMBS));
      expect([res.status, code(res)]).toEqual([404, 'ERR_MESSAGE_ID_NOT_FOUND']);
      expect(code(await carol.get(path(m)))).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    }
    // The app may list, but a reaction is a user's: the REST key alone names nobody.
    expect((await rest.get(path(group))).status).toBe(200);
    const byApp = await rest.post(path(group, THUMBS));
    expect([byApp.status, code(byApp)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const missing = await as(app, 'bob').post(`/messages/999999999/reactions/${THUMBS}`);
    expect(code(missing)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    // Nothing was stored by the refusals.
    expect((await rest.get<ReactionPage>(path(group))).body.data).toEqual([]);
  });

  it('keeps a message to 25 distinct reactions, and refuses bad reactions', async () => {
    const { alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'popular'));
    for (let i = 0; i < 25; i++) {
      const res = await alice.post(path(m, `r${i}`));
      expect(res.status).toBe(200);
    }
    const over = await alice.post(path(m, 'r25'));
    expect([over.status, code(over)]).toEqual([400, 'ERR_BAD_REQUEST']);
    // One of the 25 is still open to everyone.
    const same = await bob.post<One>(path(m, 'r3'));
    expect(same.body.data.data.reactions).toContainEqual({
      reaction: 'r3',
      count: 2,
      reactedByMe: true,
    });
    expect(same.body.data.data.reactions).toHaveLength(25);

    const long = await bob.post(path(m, 'x'.repeat(46)));
    expect(code(long)).toBe('ERR_BAD_REQUEST');
    const blank = await bob.post(path(m, ' '));
    expect(code(blank)).toBe('ERR_BAD_REQUEST');
    expect(code(await bob.post(`/messages/abc/reactions/${THUMBS}`))).toBe('ERR_BAD_REQUEST');
  });

  it('holds the limits when reactions race: 25 distinct, one per user and reaction', async () => {
    const { alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'race'));
    const distinct = await Promise.all(
      Array.from({ length: 30 }, (_, i) => alice.post(path(m, `race${i}`))),
    );
    expect(distinct.filter((r) => r.status === 200)).toHaveLength(25);
    expect(distinct.filter((r) => code(r) === 'ERR_BAD_REQUEST')).toHaveLength(5);
    const won = (await alice.get<One>(`/messages/${m.id}`)).body.data.data.reactions ?? [];
    expect(won).toHaveLength(25);
    // Five racing adds of one reaction by one user count once.
    const taken = won[0].reaction;
    const same = await Promise.all(Array.from({ length: 5 }, () => bob.post(path(m, taken))));
    expect(same.every((r) => r.status === 200)).toBe(true);
    const after = (await alice.get<One>(`/messages/${m.id}`)).body.data.data.reactions ?? [];
    expect(after.find((r) => r.reaction === taken)?.count).toBe(2);
    expect(after.reduce((n, r) => n + r.count, 0)).toBe(26);
  });

  it('publishes reaction.added|removed and the reaction frame to the conversation', async () => {
    const { app, alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'watch'));
    const g = await sent(alice, toGroup('team', 'watch group'));
    const bus = await connectTestBus({ name: 'parley-e2e-reactions' });
    try {
      const aliceFrames = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      const bobFrames = await recordSubject(bus, `deliver.${app.appId}.u.bob`);
      const teamFrames = await recordSubject(bus, `deliver.${app.appId}.g.team`);
      const added = await recordSubject(bus, `evt.messaging.${app.appId}.reaction.added`);
      const removed = await recordSubject(bus, `evt.messaging.${app.appId}.reaction.removed`);

      const res = await fetch(`${bob.gateway}/v3${path(m, THUMBS)}`, {
        method: 'POST',
        headers: { ...bob.headers(), resource: 'WEB-session-b' },
      });
      expect(res.status).toBe(200);
      await bob.post(path(m, THUMBS)); // a repeat publishes nothing
      await bob.delete(path(m, THUMBS));
      await bob.post(path(g, HEART));

      await eventually(async () => {
        expect(aliceFrames.messages).toHaveLength(2);
        expect(bobFrames.messages).toHaveLength(2);
        expect(teamFrames.messages).toHaveLength(1);
        expect(added.messages).toHaveLength(2);
        expect(removed.messages).toHaveLength(1);
      });
      expect(aliceFrames.messages[0].data).toEqual({
        appId: app.appId,
        type: 'reaction',
        sender: 'bob',
        receiver: 'bob',
        receiverType: 'user',
        deviceId: 'WEB-session-b',
        body: {
          action: 'message_reaction_added',
          id: expect.stringMatching(/^[1-9][0-9]*$/),
          messageId: m.id,
          uid: 'bob',
          reaction: THUMBS,
          reactedAt: expect.any(Number),
          reactedBy: expect.objectContaining({ uid: 'bob', name: 'Name bob' }),
          conversationId: 'alice_user_bob',
        },
      });
      expect(bobFrames.messages[1].data).toMatchObject({
        type: 'reaction',
        body: { action: 'message_reaction_removed', messageId: m.id, reaction: THUMBS },
      });
      expect(teamFrames.messages[0].data).toMatchObject({
        type: 'reaction',
        receiver: 'team',
        receiverType: 'group',
        body: { action: 'message_reaction_added', messageId: g.id, reaction: HEART },
      });
      expect(added.messages[0].data).toMatchObject({
        v: 1,
        appId: app.appId,
        reaction: { messageId: m.id, uid: 'bob', reaction: THUMBS },
        message: {
          id: m.id,
          conversationId: 'alice_user_bob',
          reactions: [{ reaction: THUMBS, count: 1, reactedByMe: false }],
        },
      });
      expect(removed.messages[0].data).toMatchObject({
        reaction: { messageId: m.id, uid: 'bob', reaction: THUMBS },
        message: { id: m.id, reactions: [] },
      });
      for (const r of [aliceFrames, bobFrames, teamFrames, added, removed]) r.stop();
    } finally {
      await bus.close();
    }
  });

  it("forgets a permanently deleted user's reactions, interactions and mentions", async () => {
    const { rest, alice, bob } = await messagingWorld();
    const m = await sent(alice, toGroup('team', 'hi <@uid:bob> and <@uid:carol>'));
    const form = await sent(alice, {
      ...text('bob', ''),
      category: 'interactive',
      type: 'form',
      data: { interactiveData: { title: 'Poll' }, interactionGoal: { type: 'anyAction' } },
    });
    await bob.post(path(m, THUMBS));
    await alice.post(path(m, THUMBS));
    await bob.request('PATCH', `/messages/${form.id}/interacted`, { interactions: ['yes'] });
    expect((await rest.delete('/users/bob', { permanent: true })).status).toBe(200);

    await eventually(async () => {
      const seen = (await alice.get<One>(`/messages/${m.id}`)).body.data;
      expect(seen.data.reactions).toEqual([{ reaction: THUMBS, count: 1, reactedByMe: true }]);
      expect(seen.mentionedUsers?.map((u) => u.uid)).toEqual(['carol']);
    }, 30_000);
    const reactions = await rest.get<ReactionPage>(path(m));
    expect(reactions.body.data.map((r) => r.uid)).toEqual(['alice']);
    const forApp = (await rest.get<One>(`/messages/${form.id}`)).body.data;
    expect(forApp.data).toMatchObject({ interactions: [], interactionGoalCompleted: false });
  });

  it("reaches the users' sockets over WebSocket, except the reacting session", async () => {
    const app = await createApp();
    const alice = await login(app, 'alice');
    const bob = await login(app, 'bob');
    const [g1, g2] = gateways();
    const sockets = [
      await TestSocket.authenticated(g1, alice, app.appId, 'WEB-alice'),
      await TestSocket.authenticated(g2, bob, app.appId, 'WEB-bob-tab'),
      // On the tab's gateway: once the phone has the frame, the tab has had its chance.
      await TestSocket.authenticated(g2, bob, app.appId, 'WEB-bob-phone'),
    ];
    const [aliceSocket, bobTab, bobPhone] = sockets;
    try {
      const m = await sent(
        new AppClient(app.appId, { authtoken: alice.authToken }),
        text('bob', 'live'),
      );
      const res = await fetch(`${g2}/v3.0${path(m, HEART)}`, {
        method: 'POST',
        headers: { appid: app.appId, authtoken: bob.authToken, resource: 'WEB-bob-tab' },
      });
      expect(res.status).toBe(200);
      const isReaction = (f: { type?: string }) => f.type === 'reaction';
      for (const s of [aliceSocket, bobPhone]) {
        expect(await s.next(isReaction)).toMatchObject({
          type: 'reaction',
          deviceId: 'WEB-bob-tab',
          body: { action: 'message_reaction_added', messageId: m.id, reaction: HEART, uid: 'bob' },
        });
      }
      // The tab that reacted drops nothing: it is never sent its own reaction.
      await bobTab.roundTrip();
      expect(bobTab.frames.filter(isReaction)).toEqual([]);
    } finally {
      for (const s of sockets) s.ws.terminate();
    }
  });

  it('takes no reactions on deleted or action messages; a permanent delete drops them', async () => {
    const { alice, bob } = await messagingWorld();
    const kept = await sent(alice, text('bob', 'to be deleted'));
    const gone = await sent(alice, text('bob', 'to be erased'));
    await bob.post(path(gone, THUMBS));
    const edited = await alice.put<One>(`/messages/${kept.id}`, { data: { text: 'edited' } });
    expect(edited.status).toBe(200);
    const action = edited.body.data; // the `edited` action message
    const onAction = await bob.post(path(action, THUMBS));
    expect(code(onAction)).toBe('ERR_MESSAGE_ACTION_NOT_ALLOWED');

    expect((await alice.delete(`/messages/${kept.id}`)).status).toBe(200);
    const onDeleted = await bob.post(path(kept, THUMBS));
    expect([onDeleted.status, code(onDeleted)]).toEqual([400, 'ERR_BAD_REQUEST']);

    expect((await alice.delete(`/messages/${gone.id}`, { permanent: true })).status).toBe(200);
    const erased = (await bob.get<One>(`/messages/${gone.id}`)).body.data;
    expect(erased.data.reactions).toBeUndefined();
    expect((await bob.get<ReactionPage>(path(gone))).body.data).toEqual([]);
  });
});
