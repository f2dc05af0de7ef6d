import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { encodeJson } from '../bus/codec';
import { NatsMessageBus } from '../bus/nats-message-bus';
import { rootLogger } from '../logging/logger';
import { domainErrorOf } from '../testing/domain-error-of';
import { eventually } from '../testing/eventually';
import { InProcessBroker } from './in-process-broker';
import { InProcessMessageBus } from './in-process-message-bus';
import { NatsProtocolServer, serveNatsProtocol } from './nats-protocol-server';

const silent = () => rootLogger().child({}, { level: 'silent' });
const add = {
  subject: 'svc.add',
  request: z.object({ n: z.number() }),
  response: z.object({ n: z.number() }),
};

describe('serveNatsProtocol', () => {
  let dir: string;
  let broker: InProcessBroker;
  let server: NatsProtocolServer;
  let inside: InProcessMessageBus;
  let outside: NatsMessageBus;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'parley-nats-protocol-'));
    broker = new InProcessBroker(dir);
    broker.ensureStreams([{ name: 'EVT', subjects: ['evt.>'] }]);
    server = await serveNatsProtocol(broker, 0);
    inside = new InProcessMessageBus(broker, 2000, silent());
    outside = await NatsMessageBus.connect(server.url, 'outside', 2000, silent());
  });

  afterEach(async () => {
    await outside.close();
    await inside.close();
    await server.stop();
    broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lets a NATS client watch the broker's subjects, wildcards, headers and durable events included", async () => {
    const seen: Array<{ subject: string; data: unknown; kind?: string }> = [];
    outside.subscribe('deliver.*.u.>', (m) => {
      seen.push({
        subject: m.subject,
        data: JSON.parse(Buffer.from(m.data).toString()),
        kind: m.headers['x-kind'],
      });
    });
    outside.subscribe('evt.>', (m) => void seen.push({ subject: m.subject, data: 'durable' }));
    await outside.flush();
    inside.publish('deliver.app.u.bob', { text: 'hi' }, { 'X-Kind': 'message' });
    inside.publish('deliver.app.g.team', { text: 'not watched' });
    await inside.publishDurable('evt.created', { n: 1 }, 'id-1');
    await eventually(async () => expect(seen).toHaveLength(2));
    expect(seen).toEqual([
      { subject: 'deliver.app.u.bob', data: { text: 'hi' }, kind: 'message' },
      { subject: 'evt.created', data: 'durable' },
    ]);
  });

  it('hands what a NATS client publishes to the subscribers inside, and stops after UNSUB', async () => {
    const got: unknown[] = [];
    inside.subscribe('deliver.app.u.alice', (m) => void got.push(m.headers['x-h']));
    outside.publish('deliver.app.u.alice', { n: 1 }, { 'x-h': 'one' });
    await eventually(async () => expect(got).toEqual(['one']));
    const watched: unknown[] = [];
    const sub = outside.subscribe('deliver.>', (m) => void watched.push(m.subject));
    await outside.flush();
    inside.publish('deliver.x', {});
    await eventually(async () => expect(watched).toEqual(['deliver.x']));
    sub.unsubscribe();
    await outside.flush();
    inside.publish('deliver.y', {});
    outside.publish('deliver.app.u.alice', { n: 2 }, { 'x-h': 'two' });
    await eventually(async () => expect(got).toEqual(['one', 'two']));
    expect(watched).toEqual(['deliver.x']);
  });

  it('carries requests and replies both ways', async () => {
    inside.subscribe('svc.add', (m) => {
      const { n } = JSON.parse(Buffer.from(m.data).toString()) as { n: number };
      m.respond?.(encodeJson({ ok: true, data: { n: n + 1 } }));
    });
    expect(await outside.request(add, { n: 1 })).toEqual({ n: 2 });
    outside.subscribe('svc.double', (m) => {
      const { n } = JSON.parse(Buffer.from(m.data).toString()) as { n: number };
      m.respond?.(encodeJson({ ok: true, data: { n: n * 2 } }));
    });
    await outside.flush();
    expect(await inside.request({ ...add, subject: 'svc.double' }, { n: 21 })).toEqual({ n: 42 });
  });

  it('answers a request nobody serves as NATS does: no responders, not a timeout', async () => {
    const err = await domainErrorOf(outside.request({ ...add, subject: 'svc.nobody' }, { n: 1 }));
    expect([err.code, err.message]).toEqual([
      'ERR_SERVICE_UNAVAILABLE',
      'svc.nobody: no service answered',
    ]);
  });
});
