import { rootLogger } from '@parley/common';
import { RPC } from '@parley/contracts';
import { PresenceReporter } from './presence-reporter';
import { FakeConnection } from './testing/realtime.fakes';

rootLogger().level = 'silent';

/** A bus answering presence's RPCs; `fail` makes the next calls of a subject throw. */
function setup() {
  const calls: Array<{ subject: string; payload: Record<string, unknown> }> = [];
  const failing = new Set<string>();
  let known = true;
  const gates: Array<() => void> = [];
  let holdOpened = false;
  const bus = {
    request: jest.fn(async (def: { subject: string }, payload: Record<string, unknown>) => {
      if (def.subject === RPC.presence.connectionOpened.subject && holdOpened)
        await new Promise<void>((r) => gates.push(r));
      calls.push({ subject: def.subject, payload });
      if (failing.has(def.subject)) throw new Error('no answer');
      if (def.subject === RPC.presence.gatewayHeartbeat.subject) return { known, ttlSeconds: 9 };
      if (def.subject === RPC.presence.gatewaySync.subject) return { known: true, ttlSeconds: 9 };
      return {};
    }),
  };
  const reporter = new PresenceReporter(bus as never);
  const subjects = () => calls.map((c) => c.subject.replace('rpc.presence.', ''));
  return {
    reporter,
    calls,
    subjects,
    fail: (def: { subject: string }) => failing.add(def.subject),
    heal: () => failing.clear(),
    forget: () => (known = false),
    hold: () => (holdOpened = true),
    release: () => gates.splice(0).forEach((g) => g()),
  };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('PresenceReporter', () => {
  it('reports each socket once opened and once closed, under its gateway id', async () => {
    const { reporter, calls, subjects } = setup();
    const conn = new FakeConnection('app1', 'alice', 's1');
    reporter.opened(conn);
    reporter.opened(conn);
    reporter.closed(conn);
    reporter.closed(conn);
    await settle();
    expect(subjects()).toEqual(['connection.opened', 'connection.closed']);
    expect(calls[0].payload).toEqual({
      appId: 'app1',
      uid: 'alice',
      gatewayId: reporter.gatewayId,
      connectionId: conn.connectionId,
    });
  });

  it('sends the close only after the open was answered', async () => {
    const { reporter, subjects, hold, release } = setup();
    hold();
    const conn = new FakeConnection('app1', 'alice', 's1');
    reporter.opened(conn);
    reporter.closed(conn);
    await settle();
    expect(subjects()).toEqual([]);
    release();
    await settle();
    await settle();
    expect(subjects()).toEqual(['connection.opened', 'connection.closed']);
  });

  it('syncs on its first beat, then beats; a forgotten gateway syncs again', async () => {
    const { reporter, subjects, calls, forget } = setup();
    const conn = new FakeConnection('app1', 'alice', 's1');
    reporter.opened(conn);
    await reporter.beat();
    await reporter.beat();
    forget();
    await reporter.beat();
    expect(subjects()).toEqual([
      'connection.opened',
      'gateway.sync',
      'gateway.heartbeat',
      'gateway.heartbeat',
      'gateway.sync',
    ]);
    expect(calls.at(-1)?.payload).toEqual({
      gatewayId: reporter.gatewayId,
      connections: [{ appId: 'app1', uid: 'alice', connectionId: conn.connectionId }],
    });
  });

  it('repairs a failed report with a sync at the next beat', async () => {
    const { reporter, subjects, fail, heal } = setup();
    await reporter.beat();
    fail(RPC.presence.connectionClosed);
    const conn = new FakeConnection('app1', 'alice', 's1');
    reporter.opened(conn);
    reporter.closed(conn);
    await settle();
    await settle();
    heal();
    await reporter.beat();
    expect(subjects()).toEqual([
      'gateway.sync',
      'connection.opened',
      'connection.closed',
      'gateway.sync',
    ]);
  });

  it('leaves on shutdown: one call for every socket, and no more reports or beats', async () => {
    const { reporter, subjects, calls } = setup();
    const conn = new FakeConnection('app1', 'alice', 's1');
    reporter.opened(conn);
    await settle();
    await reporter.leave();
    reporter.closed(conn);
    await settle();
    expect(subjects()).toEqual(['connection.opened', 'gateway.left']);
    expect(calls.at(-1)?.payload).toEqual({ gatewayId: reporter.gatewayId });
  });
});
