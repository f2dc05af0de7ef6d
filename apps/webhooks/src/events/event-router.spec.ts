import { EVENTS, STREAMS, WEBHOOK_TRIGGERS } from '@parley/contracts';
import { DeliveryNudge } from '../dispatch/delivery-nudge';
import { DeliveryRepository } from '../deliveries/delivery.repository';
import { EndpointRepository } from '../endpoints/endpoint.repository';
import { EndpointTriggers } from '../endpoints/endpoint-triggers';
import { EventRouter, parseEventSubject } from './event-router';

const meta = { receivedAt: 0 };

const event = (extra: Record<string, unknown>) => ({
  v: 1,
  eventId: 'e-1',
  appId: 'app1',
  occurredAt: 1700000000,
  ...extra,
});
const memberAdded = (extra: Record<string, unknown> = {}) =>
  event({
    guid: 'g1',
    group: {
      guid: 'g1',
      name: 'G',
      type: 'public',
      owner: 'ann',
      membersCount: 2,
      conversationId: 'group_g1',
    },
    actor: 'ann',
    uid: 'bob',
    scope: 'participant',
    joinedAt: 1700000000,
    ...extra,
  });

function setup(subscribed: string[] = ['w1', 'w2'], mayWant = true) {
  const triggers = { mayWant: jest.fn().mockResolvedValue(mayWant), forget: jest.fn() };
  const endpoints = {
    subscribedTo: jest.fn().mockResolvedValue(subscribed),
    deleteApp: jest.fn().mockResolvedValue(undefined),
  };
  const deliveries = { insertForEvent: jest.fn().mockResolvedValue(undefined) };
  const nudge = { nudge: jest.fn() };
  const router = new EventRouter(
    endpoints as unknown as EndpointRepository,
    deliveries as unknown as DeliveryRepository,
    nudge as unknown as DeliveryNudge,
    triggers as unknown as EndpointTriggers,
  );
  return { router, endpoints, deliveries, nudge, triggers };
}

describe('parseEventSubject', () => {
  it('splits evt.<service>.<appId>.<entity>.<pastTense>', () => {
    expect(parseEventSubject('evt.groups.app1.member.scopeChanged')).toEqual({
      service: 'groups',
      appId: 'app1',
      name: 'member.scopeChanged',
    });
    expect(parseEventSubject('deliver.app1.u.ann')).toBeNull();
    expect(parseEventSubject('evt.users.app1')).toBeNull();
  });
});

describe('EventRouter', () => {
  it('writes one delivery per subscribed endpoint, in the CometChat envelope', async () => {
    const { router, endpoints, deliveries, nudge } = setup();
    await router.apply(EVENTS.groups.memberAdded.subject('app1'), () => memberAdded(), meta);
    expect(endpoints.subscribedTo).toHaveBeenCalledWith('app1', 'group_member_added', 1700000000);
    const [appId, eventId, trigger, bodies] = deliveries.insertForEvent.mock.calls[0] as [
      string,
      string,
      string,
      Array<{ endpointId: string; body: string }>,
    ];
    expect([appId, eventId, trigger]).toEqual(['app1', 'e-1', 'group_member_added']);
    expect(bodies.map((b) => b.endpointId)).toEqual(['w1', 'w2']);
    const body = JSON.parse(bodies[1].body) as Record<string, unknown>;
    expect(Object.keys(body)).toEqual([
      'trigger',
      'data',
      'appId',
      'webhook',
      'eventId',
      'occurredAt',
    ]);
    expect(body).toMatchObject({ trigger: 'group_member_added', appId: 'app1', webhook: 'w2' });
    expect(body.data).toMatchObject({ guid: 'g1', uid: 'bob', actor: 'ann' });
    expect(body.data).not.toHaveProperty('v');
    expect(body.data).not.toHaveProperty('eventId');
    expect(nudge.nudge).toHaveBeenCalled();
  });

  it('writes nothing when no endpoint is subscribed', async () => {
    const { router, deliveries } = setup([]);
    await router.apply(EVENTS.groups.memberAdded.subject('app1'), () => memberAdded(), meta);
    expect(deliveries.insertForEvent).not.toHaveBeenCalled();
  });

  it('passes over imported history, events without a trigger and malformed events', async () => {
    const { router, endpoints } = setup();
    await router.apply(
      EVENTS.groups.memberAdded.subject('app1'),
      () => memberAdded({ imported: true }),
      meta,
    );
    await router.apply(
      EVENTS.identity.tokenRevoked.subject('app1'),
      () => event({ uid: 'a', tokenHashes: [] }),
      meta,
    );
    await router.apply(EVENTS.groups.memberAdded.subject('app1'), () => ({ nonsense: true }), meta);
    expect(endpoints.subscribedTo).not.toHaveBeenCalled();
  });

  it("erases an app's endpoints when the app is deleted", async () => {
    const { router, endpoints, triggers } = setup();
    await router.apply(EVENTS.identity.appDeleted.subject('app1'), () => event({}), meta);
    expect(endpoints.deleteApp).toHaveBeenCalledWith('app1');
    expect(triggers.forget).toHaveBeenCalledWith('app1');
  });

  it('passes over, undecoded and without a query, an event no endpoint of its app wants', async () => {
    const { router, endpoints, deliveries, triggers } = setup(['w1'], false);
    const data = jest.fn(() => ({ nonsense: true }));
    await router.apply(EVENTS.groups.memberAdded.subject('app1'), data, { receivedAt: 42 });
    expect(triggers.mayWant).toHaveBeenCalledWith('app1', 'group_member_added', 42);
    expect(data).not.toHaveBeenCalled();
    expect(endpoints.subscribedTo).not.toHaveBeenCalled();
    expect(deliveries.insertForEvent).not.toHaveBeenCalled();
  });
});

describe('WEBHOOK_TRIGGERS', () => {
  it('each trigger id is unique and fired by exactly one event of a stream webhooks consumes', () => {
    const ids = WEBHOOK_TRIGGERS.map((t) => t.trigger);
    expect(new Set(ids).size).toBe(ids.length);
    const events = WEBHOOK_TRIGGERS.map((t) => t.event.subject('x'));
    expect(new Set(events).size).toBe(events.length);
    const streamed = (subject: string) =>
      STREAMS.some((s) => s.subjects.some((p) => subject.startsWith(p.replace(/>$/, ''))));
    expect(events.filter((s) => !streamed(s))).toEqual([]);
  });
});
