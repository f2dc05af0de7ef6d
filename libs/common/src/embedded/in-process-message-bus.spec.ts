import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rootLogger } from '../logging/logger';
import { describeMessageBusBehaviour } from '../testing/message-bus-behaviour';
import { InProcessBroker } from './in-process-broker';
import { InProcessMessageBus } from './in-process-message-bus';

const STREAM = 'TEST_BUS';
const PREFIX = 'test.bus';

// The same suite as the NATS bus (libs/common/src/bus/message-bus.behaviour.int-spec.ts).
describeMessageBusBehaviour('in-process', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'parley-bus-'));
  let open: InProcessMessageBus[] = [];
  const start = () => {
    const b = new InProcessBroker(dir);
    b.ensureStreams([{ name: STREAM, subjects: [`${PREFIX}.>`] }]);
    return b;
  };
  let broker = start();
  const closeAll = async () => {
    await Promise.all(open.map((b) => b.close()));
    open = [];
    broker.close();
  };
  return {
    prefix: PREFIX,
    stream: STREAM,
    connect: async () => {
      const bus = new InProcessMessageBus(
        broker,
        10_000,
        rootLogger().child({}, { level: 'silent' }),
      );
      open.push(bus);
      return bus;
    },
    restart: async () => {
      await closeAll();
      broker = start();
    },
    close: async () => {
      await closeAll();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

describe('InProcessMessageBus', () => {
  it('keeps delivering when a handler throws (every service shares the process)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-bus-'));
    const broker = new InProcessBroker(dir);
    const bus = new InProcessMessageBus(broker, 1000, rootLogger().child({}, { level: 'silent' }));
    const got: string[] = [];
    bus.subscribe('a.b', () => {
      throw new Error('sync');
    });
    bus.subscribe('a.b', async () => {
      throw new Error('async');
    });
    bus.subscribe('a.b', (m) => void got.push(m.subject));
    bus.publish('a.b', {});
    bus.publish('a.b', {});
    await bus.flush();
    expect(got).toEqual(['a.b', 'a.b']);
    await bus.close();
    broker.close();
    rmSync(dir, { recursive: true, force: true });
  });
});
