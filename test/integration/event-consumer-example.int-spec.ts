import { ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { NatsMessageBus } from '@parley/common';
import { connectTestBus, eventually, uniqueAppId } from '@parley/common/testing';
import { EVENTS, STREAMS } from '@parley/contracts';

/**
 * examples/event-consumer survives its own restart without missing an event: it is killed (SIGKILL,
 * no goodbye) and started again between published events, and every event still comes through.
 */
jest.setTimeout(60_000);

const script = path.resolve(__dirname, '../../examples/event-consumer/consumer.mjs');
const appId = uniqueAppId('ex');
const durable = `example-${appId}`;
let bus: NatsMessageBus;
const seen: string[] = [];
let child: ChildProcess | undefined;

beforeAll(async () => {
  bus = await connectTestBus();
  await bus.ensureStreams(STREAMS);
});

afterAll(async () => {
  child?.kill('SIGKILL');
  const jsm = await bus?.connection.jetstreamManager();
  await jsm?.consumers.delete('EVT_MESSAGING', durable).catch(() => undefined);
  await bus?.close();
});

/** Starts the example; resolves once it consumes. */
async function start(): Promise<ChildProcess> {
  const proc = spawn(process.execPath, [script], {
    env: { ...process.env, APP_ID: appId, ACK_WAIT_SECONDS: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffered = '';
  proc.stdout?.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) seen.push((JSON.parse(line) as { eventId: string }).eventId);
  });
  await new Promise<void>((resolve, reject) => {
    proc.stderr?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('consuming')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`the example exited (${code})`)));
  });
  return proc;
}

async function kill(proc: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}

/** Publishes a message event as messaging does; returns its event id. */
async function publish(text: string): Promise<string> {
  const eventId = randomUUID();
  const payload = {
    v: 1,
    eventId,
    appId,
    occurredAt: Math.floor(Date.now() / 1000),
    message: { id: text, sender: 'alice', data: { text } },
  };
  await bus.publishDurable(EVENTS.messaging.messageCreated.subject(appId), payload, eventId);
  return eventId;
}

it('gets every event across kills and restarts', async () => {
  const published: string[] = [];
  child = await start();
  for (const t of ['a', 'b', 'c']) published.push(await publish(t));
  await eventually(async () => expect(new Set(seen)).toEqual(new Set(published)), {
    timeoutMs: 20_000,
  });

  // Killed, with events published while it is down.
  await kill(child);
  for (const t of ['d', 'e']) published.push(await publish(t));
  child = await start();
  published.push(await publish('f'));
  // Killed again right after an event was published, maybe while handling it.
  await kill(child);
  for (const t of ['g', 'h']) published.push(await publish(t));
  child = await start();

  await eventually(async () => expect(new Set(seen)).toEqual(new Set(published)), {
    timeoutMs: 20_000,
  });
  expect(published).toHaveLength(8);
});
