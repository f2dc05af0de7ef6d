import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { encodeJson, RpcReply } from '../bus/codec';
import { MessageBus } from '../bus/message-bus';
import { CORRELATION_HEADER, runWithCorrelation } from '../logging/logger';
import { domainErrorOf } from './domain-error-of';
import { eventually } from './eventually';

/** A broker for the behaviour suite: NATS, or the embedded in-process one. */
export interface BusHarness {
  /** Subjects of the suite's stream start with this (`<prefix>.>`); its name is `stream`. */
  readonly prefix: string;
  readonly stream: string;
  /** A new connection (as another service would hold), closed by `close`. */
  connect(): Promise<MessageBus>;
  /** Closes every connection and reopens the broker as after a restart; streams are kept. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

const echo = (subject: string) => ({
  subject,
  request: z.object({ n: z.number() }),
  response: z.object({ n: z.number() }),
});

function reply(data: RpcReply): Uint8Array {
  return encodeJson(data);
}

/**
 * What every MessageBus must do, run against each implementation (NATS and in-process), so the
 * embedded mode behaves as the platform on real NATS does.
 */
export function describeMessageBusBehaviour(name: string, open: () => Promise<BusHarness>): void {
  describe(`MessageBus behaviour: ${name}`, () => {
    let h: BusHarness;
    let run: string;
    beforeAll(async () => {
      h = await open();
    });
    afterAll(() => h.close());
    beforeEach(() => {
      run = randomUUID().slice(0, 8);
    });
    // Core subjects lie outside the stream (JetStream answers requests on a stream's subjects).
    const subject = (rest: string) => `core.${h.prefix}.${run}.${rest}`;
    const durableSubject = (rest: string) => `${h.prefix}.${run}.${rest}`;

    it('matches subjects with * for one token and > for the rest', async () => {
      const [a, b] = [await h.connect(), await h.connect()];
      const got: Record<string, string[]> = { star: [], tail: [], exact: [] };
      a.subscribe(subject('*.x'), (m) => void got.star.push(m.subject));
      a.subscribe(subject('>'), (m) => void got.tail.push(m.subject));
      a.subscribe(subject('p.x'), (m) => void got.exact.push(m.subject));
      await a.flush();
      for (const s of ['p.x', 'q.x', 'p.y', 'p.x.z']) b.publish(subject(s), {});
      await b.flush();
      await eventually(async () => expect(got.tail).toHaveLength(4));
      expect(got.star.sort()).toEqual([subject('p.x'), subject('q.x')]);
      expect(got.exact).toEqual([subject('p.x')]);
    });

    it('answers a request from one member of the queue group, with data or a DomainError', async () => {
      const [server1, server2, client] = [await h.connect(), await h.connect(), await h.connect()];
      const served: number[] = [];
      for (const [i, server] of [server1, server2].entries()) {
        server.subscribe(
          subject('echo'),
          (m) => {
            served.push(i);
            const { n } = JSON.parse(new TextDecoder().decode(m.data)) as { n: number };
            m.respond?.(
              reply(
                n < 0
                  ? { ok: false, error: { code: 'ERR_BAD_REQUEST', message: 'negative' } }
                  : { ok: true, data: { n: n + 1 } },
              ),
            );
          },
          { queue: 'echo' },
        );
      }
      await Promise.all([server1.flush(), server2.flush()]);
      for (let n = 0; n < 6; n++) {
        expect(await client.request(echo(subject('echo')), { n })).toEqual({ n: n + 1 });
      }
      expect(served).toHaveLength(6);
      const err = await domainErrorOf(client.request(echo(subject('echo')), { n: -1 }));
      expect(err.code).toBe('ERR_BAD_REQUEST');
    });

    it('fails a request nobody serves, or nobody answers in time, as ERR_SERVICE_UNAVAILABLE', async () => {
      const [server, client] = [await h.connect(), await h.connect()];
      const none = await domainErrorOf(client.request(echo(subject('nobody')), { n: 1 }));
      expect([none.code, none.message]).toEqual([
        'ERR_SERVICE_UNAVAILABLE',
        `${subject('nobody')}: no service answered`,
      ]);
      server.subscribe(subject('silent'), () => undefined);
      await server.flush();
      const late = await domainErrorOf(
        client.request(echo(subject('silent')), { n: 1 }, { timeoutMs: 100 }),
      );
      expect([late.code, late.message]).toEqual([
        'ERR_SERVICE_UNAVAILABLE',
        `${subject('silent')}: timed out`,
      ]);
    });

    it('gives each message to every plain subscriber and to one member of each queue group', async () => {
      const [a, b, c] = [await h.connect(), await h.connect(), await h.connect()];
      const plain: number[] = [];
      const grouped: number[] = [];
      a.subscribe(
        subject('work'),
        (m) => void plain.push(JSON.parse(Buffer.from(m.data).toString()).n),
      );
      for (const bus of [a, b]) {
        bus.subscribe(
          subject('work'),
          (m) => void grouped.push(JSON.parse(Buffer.from(m.data).toString()).n),
          { queue: 'workers' },
        );
      }
      await Promise.all([a.flush(), b.flush()]);
      for (let n = 0; n < 10; n++) c.publish(subject('work'), { n });
      await c.flush();
      await eventually(async () => {
        expect(plain).toHaveLength(10);
        expect(grouped.sort((x, y) => x - y)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      });
    });

    it('carries headers and the correlation id', async () => {
      const [a, b] = [await h.connect(), await h.connect()];
      const seen: Array<Record<string, string>> = [];
      a.subscribe(subject('h'), (m) => void seen.push(m.headers));
      await a.flush();
      runWithCorrelation('corr-1', async () => b.publish(subject('h'), {}, { 'x-kind': 'k' }));
      await eventually(async () => expect(seen).toHaveLength(1));
      expect(seen[0]).toMatchObject({ [CORRELATION_HEADER]: 'corr-1', 'x-kind': 'k' });
    });

    it('stores a durable message once per msgId, and core subscribers see it too', async () => {
      const bus = await h.connect();
      const core: unknown[] = [];
      bus.subscribe(durableSubject('evt'), (m) => void core.push(m.subject));
      await bus.flush();
      const id = randomUUID();
      await bus.publishDurable(durableSubject('evt'), { n: 1 }, id);
      await bus.publishDurable(durableSubject('evt'), { n: 1 }, id);
      await bus.publishDurable(durableSubject('evt'), { n: 2 }, randomUUID());
      const got: Array<{ data: unknown; seq: number }> = [];
      const sub = await bus.consumeDurable(
        { stream: h.stream, durable: `d-${run}`, filterSubjects: [durableSubject('evt')] },
        async (_s, data, meta) => void got.push({ data, seq: meta.streamSeq }),
      );
      await eventually(async () => expect(got.map((g) => g.data)).toEqual([{ n: 1 }, { n: 2 }]));
      expect(got[1].seq).toBeGreaterThan(got[0].seq);
      expect(core.length).toBeGreaterThanOrEqual(2);
      await sub.drain();
    });

    it('decodes a lazily consumed message only when its handler asks, once', async () => {
      const bus = await h.connect();
      await bus.publishDurable(durableSubject('lazy.a'), { n: 1 }, randomUUID());
      await bus.publishDurable(durableSubject('lazy.b'), { n: 2 }, randomUUID());
      const got: Array<{ subject: string; data: unknown }> = [];
      const sub = await bus.consumeDurableLazily(
        { stream: h.stream, durable: `lazy-${run}`, filterSubjects: [durableSubject('lazy.>')] },
        async (subject, data) => {
          if (subject.endsWith('.b')) got.push({ subject, data: data() === data() && data() });
          else got.push({ subject, data: 'not decoded' });
        },
      );
      await eventually(async () =>
        expect(got).toEqual([
          { subject: durableSubject('lazy.a'), data: 'not decoded' },
          { subject: durableSubject('lazy.b'), data: { n: 2 } },
        ]),
      );
      await sub.drain();
    });

    it('redelivers a message whose handler threw, with the same streamSeq', async () => {
      const bus = await h.connect();
      await bus.publishDurable(durableSubject('retry'), { n: 1 }, randomUUID());
      const seqs: number[] = [];
      const sub = await bus.consumeDurable(
        { stream: h.stream, durable: `r-${run}`, filterSubjects: [durableSubject('retry')] },
        async (_s, _d, meta) => {
          seqs.push(meta.streamSeq);
          if (seqs.length === 1) throw new Error('first attempt fails');
        },
      );
      await eventually(async () => expect(seqs).toHaveLength(2), { timeoutMs: 10_000 });
      expect(seqs[1]).toBe(seqs[0]);
      await sub.drain();
    });

    it('delivers a message again when its handler outlasts the ack wait, with the same streamSeq', async () => {
      const bus = await h.connect();
      await bus.publishDurable(durableSubject('hang'), { n: 1 }, randomUUID());
      const seqs: number[] = [];
      const sub = await bus.consumeDurable(
        {
          stream: h.stream,
          durable: `hang-${run}`,
          filterSubjects: [durableSubject('hang')],
          ackWaitMs: 300,
        },
        async (_s, _d, meta) => {
          seqs.push(meta.streamSeq);
          // The first handler hangs well past the ack wait, then succeeds: too late to count alone.
          if (seqs.length === 1) await new Promise((r) => setTimeout(r, 1500));
        },
      );
      await eventually(async () => expect(seqs.length).toBeGreaterThanOrEqual(2), {
        timeoutMs: 10_000,
      });
      expect(new Set(seqs)).toEqual(new Set([seqs[0]]));
      await sub.drain();
    });

    it('resumes a durable consumer after its acknowledged messages, across a restart', async () => {
      const durable = `resume-${run}`;
      const opts = { stream: h.stream, durable, filterSubjects: [durableSubject('resume.>')] };
      let bus = await h.connect();
      const first: unknown[] = [];
      let sub = await bus.consumeDurable(opts, async (_s, data) => void first.push(data));
      for (let n = 1; n <= 3; n++)
        await bus.publishDurable(durableSubject('resume.a'), { n }, randomUUID());
      await eventually(async () => expect(first).toHaveLength(3));
      await sub.drain();
      await h.restart();
      bus = await h.connect();
      for (let n = 4; n <= 5; n++)
        await bus.publishDurable(durableSubject('resume.b'), { n }, randomUUID());
      const second: unknown[] = [];
      sub = await bus.consumeDurable(opts, async (_s, data) => void second.push(data));
      await eventually(async () => expect(second).toEqual([{ n: 4 }, { n: 5 }]));
      await sub.drain();
    });

    it('keeps each key in order in lanes while keys run side by side', async () => {
      const bus = await h.connect();
      const keys = ['a', 'b', 'c', 'd', 'e'];
      const seen = new Map<string, number[]>();
      let concurrent = 0;
      let mostConcurrent = 0;
      const sub = await bus.consumeDurable(
        {
          stream: h.stream,
          durable: `lanes-${run}`,
          filterSubjects: [durableSubject('lanes')],
          lanes: 4,
          keyOf: (_s, data) => (data() as { key: string }).key,
        },
        async (_s, data) => {
          const { key, n } = data as { key: string; n: number };
          concurrent++;
          mostConcurrent = Math.max(mostConcurrent, concurrent);
          // A slower handler for earlier events: order within a key must not depend on speed.
          await new Promise((r) => setTimeout(r, n % 3 === 0 ? 15 : 1));
          seen.set(key, [...(seen.get(key) ?? []), n]);
          concurrent--;
        },
      );
      for (let n = 0; n < 40; n++) {
        await bus.publishDurable(
          durableSubject('lanes'),
          { key: keys[n % keys.length], n },
          randomUUID(),
        );
      }
      await eventually(async () => expect([...seen.values()].flat()).toHaveLength(40), {
        timeoutMs: 20_000,
      });
      for (const key of keys) {
        const ns = seen.get(key) ?? [];
        expect(ns).toEqual([...ns].sort((x, y) => x - y));
        expect(ns).toHaveLength(8);
      }
      expect(mostConcurrent).toBeGreaterThan(1);
      await sub.drain();
    });
  });
}
