import { randomUUID } from 'node:crypto';
import { connect } from 'nats';
import { connectTestBus } from '../testing';
import { describeMessageBusBehaviour } from '../testing/message-bus-behaviour';
import { NatsMessageBus } from './nats-message-bus';

// The NATS bus against the server NATS_URL names; the embedded bus runs the same suite
// (libs/common/src/embedded/in-process-message-bus.spec.ts).
describeMessageBusBehaviour('NATS', async () => {
  const run = randomUUID().slice(0, 8);
  const stream = `TEST_BUS_${run}`;
  const prefix = `test.bus.${run}`;
  let open: NatsMessageBus[] = [];
  const closeAll = async () => {
    await Promise.all(open.map((b) => b.close()));
    open = [];
  };
  const first = await connectTestBus({ name: 'parley-bus-behaviour' });
  await first.ensureStreams([{ name: stream, subjects: [`${prefix}.>`] }]);
  open.push(first);
  return {
    prefix,
    stream,
    connect: async () => {
      const bus = await connectTestBus({ name: 'parley-bus-behaviour' });
      open.push(bus);
      return bus;
    },
    restart: closeAll,
    close: async () => {
      await closeAll();
      const nc = await connect({ servers: process.env.NATS_URL });
      await (await nc.jetstreamManager()).streams.delete(stream);
      await nc.close();
    },
  };
});
