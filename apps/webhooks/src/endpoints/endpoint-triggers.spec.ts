import { EndpointRepository } from './endpoint.repository';
import { EndpointTriggers } from './endpoint-triggers';

/** A repository whose endpoints the test sets: app -> subscribed triggers. */
function setup(stored: Record<string, string[]> = {}) {
  const subscribedTriggers = jest.fn(async (appIds: string[]) => {
    const found = new Map<string, string[]>();
    for (const appId of appIds) if (stored[appId]) found.set(appId, [...stored[appId]]);
    return found;
  });
  const triggers = new EndpointTriggers({ subscribedTriggers } as unknown as EndpointRepository);
  return { triggers, stored, subscribedTriggers };
}

describe('EndpointTriggers', () => {
  it('says no for an app without endpoints, and asks the database once for what arrived before it looked', async () => {
    const { triggers, subscribedTriggers } = setup();
    const received = performance.now();
    expect(await triggers.mayWant('app1', 'message_sent', received)).toBe(false);
    expect(await triggers.mayWant('app1', 'message_sent', received)).toBe(false);
    expect(await triggers.mayWant('app1', 'user_created', received)).toBe(false);
    expect(subscribedTriggers).toHaveBeenCalledTimes(1);
  });

  it('an endpoint created after a look is seen by the next event received (no replica is told)', async () => {
    const { triggers, stored, subscribedTriggers } = setup();
    expect(await triggers.mayWant('app1', 'message_sent', performance.now())).toBe(false);
    stored.app1 = ['message_sent'];
    expect(await triggers.mayWant('app1', 'message_sent', performance.now())).toBe(true);
    expect(subscribedTriggers).toHaveBeenCalledTimes(2);
  });

  it('says yes for a subscribed trigger without asking again, no for the app’s other triggers', async () => {
    const { triggers, subscribedTriggers } = setup({ app1: ['message_sent', 'user_created'] });
    const received = performance.now();
    expect(await triggers.mayWant('app1', 'message_sent', received)).toBe(true);
    expect(await triggers.mayWant('app1', 'user_created', performance.now())).toBe(true);
    expect(await triggers.mayWant('app1', 'group_created', received)).toBe(false);
    expect(subscribedTriggers).toHaveBeenCalledTimes(1);
  });

  it('events of several apps waiting at once share one look', async () => {
    const { triggers, subscribedTriggers } = setup({ app2: ['message_sent'] });
    const received = performance.now();
    const answers = await Promise.all(
      ['app1', 'app2', 'app3', 'app1'].map((app) =>
        triggers.mayWant(app, 'message_sent', received),
      ),
    );
    expect(answers).toEqual([false, true, false, false]);
    expect(subscribedTriggers).toHaveBeenCalledTimes(1);
    expect(subscribedTriggers.mock.calls[0][0].sort()).toEqual(['app1', 'app2', 'app3']);
  });

  it('a failed look fails the event (it is redelivered) and the next event looks again', async () => {
    const { triggers, subscribedTriggers } = setup({ app1: ['message_sent'] });
    subscribedTriggers.mockRejectedValueOnce(new Error('connection lost'));
    await expect(triggers.mayWant('app1', 'message_sent', performance.now())).rejects.toThrow(
      'connection lost',
    );
    expect(await triggers.mayWant('app1', 'message_sent', performance.now())).toBe(true);
  });

  it('forgets a deleted app', async () => {
    const { triggers, subscribedTriggers } = setup({ app1: ['message_sent'] });
    const received = performance.now();
    expect(await triggers.mayWant('app1', 'message_sent', received)).toBe(true);
    triggers.forget('app1');
    expect(await triggers.mayWant('app1', 'message_sent', received)).toBe(true);
    expect(subscribedTriggers).toHaveBeenCalledTimes(2);
  });
});
