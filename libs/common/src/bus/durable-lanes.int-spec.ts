import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { connectTestBus, eventually } from '../testing';
import { laneOf, NatsMessageBus } from './nats-message-bus';

/**
 * A durable consumer with lanes on the real NATS: each key's events are handled in stream order,
 * different keys side by side, and every event exactly once when nothing fails.
 */
describe('durable consumers with lanes', () => {
  let bus: NatsMessageBus;
  beforeAll(async () => {
    bus = await connectTestBus({ name: 'parley-lanes-test' });
    await bus.ensureStreams([{ name: 'TEST_LANES', subjects: ['test.lanes.>'] }], 1);
  });
  afterAll(() => bus.close());

  it('keeps each key in order while keys run side by side', async () => {
    const run = randomUUID().slice(0, 8);
    const keys = ['a', 'b', 'c', 'd', 'e'];
    const seen = new Map<string, number[]>();
    let concurrent = 0;
    let mostConcurrent = 0;
    const sub = await bus.consumeDurable(
      {
        stream: 'TEST_LANES',
        durable: `lanes-${run}`,
        filterSubjects: [`test.lanes.${run}`],
        lanes: 4,
        keyOf: (_subject, data) => (data as { key: string }).key,
      },
      async (_subject, data) => {
        const { key, n } = data as { key: string; n: number };
        concurrent++;
        mostConcurrent = Math.max(mostConcurrent, concurrent);
        // A slower handler for earlier events: order within a key must not depend on speed.
        await new Promise((r) => setTimeout(r, n % 3 === 0 ? 15 : 1));
        seen.set(key, [...(seen.get(key) ?? []), n]);
        concurrent--;
      },
    );
    try {
      for (let n = 0; n < 60; n++) {
        await bus.publishDurable(
          `test.lanes.${run}`,
          { key: keys[n % keys.length], n },
          randomUUID(),
        );
      }
      await eventually(async () => expect([...seen.values()].flat()).toHaveLength(60), {
        timeoutMs: 20_000,
      });
      for (const key of keys) {
        const ns = seen.get(key) ?? [];
        expect(ns).toEqual([...ns].sort((x, y) => x - y));
        expect(ns).toHaveLength(12);
      }
      // More than one lane was busy at a time (5 keys over 4 lanes).
      expect(mostConcurrent).toBeGreaterThan(1);
    } finally {
      await sub.drain();
      // The durable consumer is this run's alone: remove it from the server.
      const nc = await connect({ servers: process.env.NATS_URL });
      await (await nc.jetstreamManager()).consumers.delete('TEST_LANES', `lanes-${run}`);
      await nc.close();
    }
  });

  it('spreads keys over lanes stably', () => {
    expect(laneOf('app:team', 8)).toBe(laneOf('app:team', 8));
    const used = new Set(Array.from({ length: 100 }, (_, i) => laneOf(`app:g${i}`, 8)));
    expect(used.size).toBe(8);
  });
});
