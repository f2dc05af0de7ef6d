import { connectTestBus, recordSubject } from '@parley/common/testing';
import {
  code,
  form,
  Goal,
  Message,
  messagingWorld,
  One,
  sent,
  text,
  toGroup,
  withToken,
} from './support/messaging-world';
import { eventually } from './support/parley';

jest.setTimeout(60_000);

describe('mentions', () => {
  it('resolves <@uid:...> to the mentioned users, mentionedMe for each viewer', async () => {
    const { rest, alice, bob } = await messagingWorld();
    const body = 'hi <@uid:bob>, <@uid:Carol> and <@uid:ghost> (and <@uid:bob> again)';
    const m = await sent(alice, toGroup('team', body));
    expect(m.data.text).toBe(body);
    expect(m.mentionedUsers?.map((u) => [u.uid, u.name])).toEqual([
      ['bob', 'Name bob'],
      ['carol', 'Name carol'],
    ]);
    expect(m.mentionedMe).toBe(false);
    // The client SDK reads the map in data.mentions (uid -> user) and works out mentionedMe.
    expect(Object.keys(m.data.mentions ?? {})).toEqual(['bob', 'carol']);
    expect(m.data.mentions?.bob).toMatchObject({ uid: 'bob', name: 'Name bob' });

    const forBob = (await bob.get<One>(`/messages/${m.id}`)).body.data;
    expect(forBob).toMatchObject({ mentionedMe: true, mentionedUsers: m.mentionedUsers });
    const listed = await bob.get<{ data: Message[] }>('/groups/team/messages');
    // (The group's first message is the `added` action message of bob.)
    expect(listed.body.data.find((x) => x.id === m.id)?.mentionedMe).toBe(true);
    const forApp = (await rest.get<One>(`/messages/${m.id}`)).body.data;
    expect(forApp.mentionedUsers).toHaveLength(2);
    expect(forApp.mentionedMe).toBeUndefined();

    const plain = await sent(alice, text('bob', 'no one here'));
    expect(plain.mentionedUsers).toBeUndefined();
    expect(plain.data.mentions).toBeUndefined();
  });

  it('leaves deactivated users out, mentions in media captions, and ignores a client mentions map', async () => {
    const { rest, alice } = await messagingWorld();
    expect((await rest.delete('/users', { uidsToDeactivate: ['dan'] })).status).toBe(200);
    const caption = {
      ...text('bob', ''),
      type: 'image',
      data: {
        text: 'look <@uid:dan> <@uid:bob>',
        attachments: [{ url: 'https://x/a.png', name: 'a.png' }],
        mentions: { eve: { uid: 'eve' } },
      },
    };
    // The deactivation reaches messaging as an event (normally within milliseconds).
    await eventually(async () => {
      const m = await sent(alice, caption);
      expect(m.mentionedUsers?.map((u) => u.uid)).toEqual(['bob']);
      expect(Object.keys(m.data.mentions ?? {})).toEqual(['bob']);
    }, 30_000);
  });

  it('reads the mentions again when the text is edited', async () => {
    const { alice, bob } = await messagingWorld();
    const m = await sent(alice, text('bob', 'hi <@uid:carol>'));
    const res = await alice.put(`/messages/${m.id}`, { data: { text: 'hi <@uid:bob>' } });
    expect(res.status).toBe(200);
    const now = (await bob.get<One>(`/messages/${m.id}`)).body.data;
    expect(now.mentionedUsers?.map((u) => u.uid)).toEqual(['bob']);
    expect(now.mentionedMe).toBe(true);
    const mine = await bob.get<{ data: Message[] }>('/users/alice/messages?myMentionsOnly=true');
    expect(mine.body.data.map((x) => x.id)).toEqual([m.id]);
    const tooMany = Array.from({ length: 11 }, (_, i) => `<@uid:u${i}>`).join(' ');
    const refused = await alice.put(`/messages/${m.id}`, { data: { text: tooMany } });
    expect(code(refused)).toBe('ERR_BAD_REQUEST');
  });

  it('refuses more than 10 distinct mentioned users, storing nothing', async () => {
    const { alice } = await messagingWorld();
    const eleven = Array.from({ length: 11 }, (_, i) => `<@uid:user${i}>`).join(' ');
    const res = await alice.post('/messages', text('bob', eleven));
    expect([res.status, code(res)]).toEqual([400, 'ERR_BAD_REQUEST']);
    const list = await alice.get<{ data: Message[] }>('/users/bob/messages');
    expect(list.body.data).toEqual([]);
    const ten = Array.from({ length: 10 }, (_, i) => `<@uid:user${i}>`).join(' ');
    expect((await alice.post('/messages', text('bob', `${ten} <@uid:user0>`))).status).toBe(200);
  });
});

describe('interactions', () => {
  const interacted = (id: string) => `/messages/${id}/interacted`;

  it('records interactions per user and completes an allOf goal with the last element', async () => {
    const { app, rest, alice, bob } = await messagingWorld();
    const m = await sent(alice, form('bob', { type: 'allOf', elementIds: ['name', 'submit'] }));
    expect(m.data).toMatchObject({ allowSenderInteraction: false, interactions: [] });
    expect(m.data.interactionGoalCompleted).toBe(false);

    const bus = await connectTestBus({ name: 'parley-e2e-interactions' });
    try {
      const aliceFrames = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      const events = await recordSubject(bus, `evt.messaging.${app.appId}.message.interacted`);

      const first = await bob.request('PATCH', interacted(m.id), { interactions: ['name'] });
      expect(first.status).toBe(200);
      expect(first.body).toEqual({
        data: {
          success: true,
          message: `The message id ${m.id} has been marked as interacted for the user bob.`,
        },
      });
      const half = (await bob.get<One>(`/messages/${m.id}`)).body.data;
      expect(half.data.interactions).toEqual([
        { elementId: 'name', interactedAt: expect.any(Number) },
      ]);
      expect(half.data.interactionGoalCompleted).toBe(false);

      // The client SDK marks with its auth token, one element at a time.
      const sdk = await withToken(rest, app, 'bob');
      expect(
        (await sdk.request('PATCH', interacted(m.id), { interactions: ['submit'] })).status,
      ).toBe(200);
      // Marking an element again records nothing new.
      await bob.request('PATCH', interacted(m.id), { interactions: ['name'] });

      const done = (await bob.get<One>(`/messages/${m.id}`)).body.data;
      expect(done.data.interactions?.map((i) => i.elementId).sort()).toEqual(['name', 'submit']);
      expect(done.data.interactionGoalCompleted).toBe(true);
      // Another viewer has interactions of their own (none); the app sees everyone's.
      const forAlice = (await alice.get<One>(`/messages/${m.id}`)).body.data;
      expect(forAlice.data).toMatchObject({ interactions: [], interactionGoalCompleted: false });
      const forApp = (await rest.get<One>(`/messages/${m.id}`)).body.data;
      expect(forApp.data.interactionGoalCompleted).toBe(true);
      expect(forApp.data.interactions?.every((i) => i.interactedBy === 'bob')).toBe(true);

      await eventually(async () => {
        expect(events.messages).toHaveLength(3);
        expect(aliceFrames.messages).toHaveLength(1);
      });
      expect(aliceFrames.messages[0].data).toMatchObject({
        appId: app.appId,
        type: 'interaction_completed',
        sender: 'bob',
        receiver: 'bob',
        receiverType: 'user',
        messageSender: 'alice',
        body: {
          messageId: m.id,
          user: { uid: 'bob', name: 'Name bob' },
          interactions: expect.arrayContaining([
            { elementId: 'name', interactedAt: expect.any(Number) },
            { elementId: 'submit', interactedAt: expect.any(Number) },
          ]),
        },
      });
      expect(events.messages.map((e) => e.data)).toEqual([
        expect.objectContaining({ uid: 'bob', interactionGoalCompleted: false }),
        expect.objectContaining({ interactionGoalCompleted: true, goalJustCompleted: true }),
        expect.objectContaining({ interactionGoalCompleted: true, goalJustCompleted: false }),
      ]);
      aliceFrames.stop();
      events.stop();
    } finally {
      await bus.close();
    }
  });

  it('completes a goal once when the marks that complete it race', async () => {
    const { app, alice, bob } = await messagingWorld();
    const ids = ['a', 'b', 'c', 'd'];
    const m = await sent(alice, form('bob', { type: 'allOf', elementIds: ids }));
    const bus = await connectTestBus({ name: 'parley-e2e-interaction-race' });
    try {
      const frames = await recordSubject(bus, `deliver.${app.appId}.u.alice`);
      const events = await recordSubject(bus, `evt.messaging.${app.appId}.message.interacted`);
      const marks = await Promise.all(
        [...ids, ...ids].map((id) =>
          bob.request('PATCH', interacted(m.id), { interactions: [id] }),
        ),
      );
      expect(marks.every((r) => r.status === 200)).toBe(true);
      await eventually(async () => {
        expect(events.messages).toHaveLength(8);
        expect(frames.messages).toHaveLength(1);
      });
      const completions = events.messages.filter(
        (e) => (e.data as { goalJustCompleted: boolean }).goalJustCompleted,
      );
      expect(completions).toHaveLength(1);
      expect(frames.messages[0].data).toMatchObject({ type: 'interaction_completed' });
      frames.stop();
      events.stop();
    } finally {
      await bus.close();
    }
  });

  it.each([
    ['anyOf', { type: 'anyOf', elementIds: ['yes', 'no'] }, ['maybe'], ['no']],
    ['anyAction', { type: 'anyAction' }, [], ['anything']],
    ['none', { type: 'none' }, ['name', 'submit'], null],
  ] as const)(
    'evaluates a %s goal',
    async (_name, goal, notYet: readonly string[], completes: readonly string[] | null) => {
      const { alice, bob } = await messagingWorld();
      const m = await sent(alice, form('bob', goal as Goal));
      const completed = async () =>
        (await bob.get<One>(`/messages/${m.id}`)).body.data.data.interactionGoalCompleted;
      if (notYet.length) {
        await bob.request('PATCH', interacted(m.id), { interactions: [...notYet] });
      }
      expect(await completed()).toBe(false);
      if (completes) {
        await bob.request('PATCH', interacted(m.id), { interactions: [...completes] });
        expect(await completed()).toBe(true);
      }
    },
  );

  it('lists only the messages whose goal the viewer met (onlyInteractionGoalCompleted)', async () => {
    const { rest, alice, bob } = await messagingWorld();
    const mark = (m: Message, interactions: string[]) =>
      bob.request('PATCH', interacted(m.id), { interactions });
    const allDone = await sent(alice, form('bob', { type: 'allOf', elementIds: ['a', 'b'] }));
    const half = await sent(alice, form('bob', { type: 'allOf', elementIds: ['a', 'b'] }));
    const picked = await sent(alice, form('bob', { type: 'anyOf', elementIds: ['x', 'y'] }));
    const never = await sent(alice, form('bob', { type: 'none' }));
    await sent(alice, form('bob', { type: 'anyAction' }));
    await sent(alice, text('bob', 'not a form'));
    await mark(allDone, ['b', 'a']);
    await mark(half, ['a', 'c']);
    await mark(picked, ['y']);
    await mark(never, ['a']);

    const done = await bob.get<{ data: Message[] }>(
      '/users/alice/messages?onlyInteractionGoalCompleted=true',
    );
    expect(done.body.data.map((m) => m.id)).toEqual([allDone.id, picked.id]);
    expect(done.body.data.every((m) => m.data.interactionGoalCompleted)).toBe(true);
    // The sender has met no goal of their own.
    const sender = await alice.get<{ data: Message[] }>(
      '/users/bob/messages?onlyInteractionGoalCompleted=true',
    );
    expect(sender.body.data).toEqual([]);
    const byApp = await rest.get('/messages?onlyInteractionGoalCompleted=true');
    expect(code(byApp)).toBe('ERR_BAD_REQUEST');
  });

  it("honours allowSenderInteraction and refuses what is not the user's to mark", async () => {
    const { rest, alice, bob, carol } = await messagingWorld();
    const closed = await sent(alice, form('bob', { type: 'anyAction' }));
    const own = await alice.request('PATCH', interacted(closed.id), { interactions: ['submit'] });
    expect([own.status, code(own)]).toEqual([403, 'ERR_MESSAGE_NO_ACCESS']);

    const open = await sent(
      alice,
      form('bob', { type: 'anyAction' }, { allowSenderInteraction: true }),
    );
    expect(
      (await alice.request('PATCH', interacted(open.id), { interactions: ['submit'] })).status,
    ).toBe(200);
    expect(
      (await alice.get<One>(`/messages/${open.id}`)).body.data.data.interactionGoalCompleted,
    ).toBe(true);

    const outsider = await carol.request('PATCH', interacted(closed.id), { interactions: ['x'] });
    expect(code(outsider)).toBe('ERR_MESSAGE_ID_NOT_FOUND');
    const byApp = await rest.request('PATCH', interacted(closed.id), { interactions: ['x'] });
    expect(code(byApp)).toBe('ERR_BAD_REQUEST');
    const plain = await sent(alice, text('bob', 'not a form'));
    expect(code(await bob.request('PATCH', interacted(plain.id), { interactions: ['x'] }))).toBe(
      'ERR_BAD_REQUEST',
    );
    for (const body of [{}, { interactions: [] }, { interactions: [''] }, { interactions: 'x' }]) {
      const res = await bob.request('PATCH', interacted(closed.id), body);
      expect([res.status, code(res)]).toEqual([400, 'ERR_BAD_REQUEST']);
    }
    // None of the refusals recorded anything.
    const forApp = (await rest.get<One>(`/messages/${closed.id}`)).body.data;
    expect(forApp.data.interactions).toEqual([]);
  });
});
