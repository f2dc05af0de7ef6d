#!/usr/bin/env node
// A consumer of one app's messages: every `message.created` event of APP_ID, through a durable
// JetStream consumer. The durable consumer is the server's record of what this program has
// acknowledged, so after a crash or a restart it resumes with the first event it had not
// acknowledged: nothing is missed. An event is acknowledged only after it was handled, so one
// handled just before a crash may come again: handle events idempotently, by `eventId`.
//
//   APP_ID=myapp NATS_URL=nats://127.0.0.1:4222 node examples/event-consumer/consumer.mjs
//
// Environment: APP_ID (required), NATS_URL (default nats://127.0.0.1:4222), DURABLE (the consumer's
// name, default `example-<APP_ID>`; keep it across restarts), ACK_WAIT_SECONDS (how long an
// unacknowledged event waits before the server offers it again, default 30).
import { AckPolicy, connect, DeliverPolicy } from 'nats';

const APP_ID = process.env.APP_ID;
if (!APP_ID) {
  process.stderr.write('APP_ID is required\n');
  process.exit(1);
}
const NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
const DURABLE = process.env.DURABLE ?? `example-${APP_ID}`;
const ACK_WAIT_SECONDS = Number(process.env.ACK_WAIT_SECONDS ?? 30);

// docs/events.md: messages are in stream EVT_MESSAGING; one app's are `evt.messaging.<appId>.>`.
const STREAM = 'EVT_MESSAGING';
const SUBJECT = `evt.messaging.${APP_ID}.message.created`;

/** What this consumer does with a message: here, print it as one JSON line. */
async function handle(event) {
  const { eventId, occurredAt, message } = event;
  process.stdout.write(
    `${JSON.stringify({ eventId, occurredAt, id: message?.id, sender: message?.sender, text: message?.data?.text })}\n`,
  );
}

const nc = await connect({ servers: NATS_URL.split(','), name: `event-consumer-${APP_ID}` });
const jsm = await nc.jetstreamManager();
// Creating a durable consumer that exists already (same settings) changes nothing.
await jsm.consumers.add(STREAM, {
  durable_name: DURABLE,
  filter_subject: SUBJECT,
  ack_policy: AckPolicy.Explicit,
  // A new consumer starts with the oldest event the stream keeps (7 days).
  deliver_policy: DeliverPolicy.All,
  ack_wait: ACK_WAIT_SECONDS * 1_000_000_000,
});
const consumer = await nc.jetstream().consumers.get(STREAM, DURABLE);
const messages = await consumer.consume({ max_messages: 100 });

const stop = async () => {
  await messages.close();
  await nc.drain();
};
process.once('SIGTERM', () => void stop());
process.once('SIGINT', () => void stop());
process.stderr.write(`consuming ${SUBJECT} as ${DURABLE}\n`);

for await (const m of messages) {
  try {
    await handle(m.json());
    m.ack();
  } catch (err) {
    process.stderr.write(`handling ${m.subject} failed, will retry: ${err}\n`);
    m.nak(1000);
  }
}
