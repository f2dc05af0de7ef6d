import { decodeJson } from '../bus/codec';
import { NatsMessageBus } from '../bus/nats-message-bus';
import { BaseEnvSchema, loadConfig } from '../config/config';
import { rootLogger } from '../logging/logger';

export interface TestBusOptions {
  /** Connection name shown by the NATS server. */
  name?: string;
  /** Milliseconds a `request` waits for its reply. */
  timeoutMs?: number;
}

/** A bus on the NATS that `NATS_URL` names (the integration setup defaults it to the local server). */
export function connectTestBus(opts: TestBusOptions = {}): Promise<NatsMessageBus> {
  const env = loadConfig(BaseEnvSchema);
  return NatsMessageBus.connect(
    env.NATS_URL,
    opts.name ?? 'parley-test',
    opts.timeoutMs ?? 10_000,
    rootLogger().child({ component: 'test-bus' }),
  );
}

/** What a `recordSubject` recorder has seen so far, decoded, in arrival order. */
export interface SubjectRecorder {
  readonly messages: ReadonlyArray<{ subject: string; data: unknown }>;
  stop(): void;
}

/**
 * Subscribes (core NATS) to `subject` and records every message. Resolves once the server has the
 * subscription, so nothing published after it is missed.
 */
export async function recordSubject(
  bus: NatsMessageBus,
  subject: string,
): Promise<SubjectRecorder> {
  const messages: Array<{ subject: string; data: unknown }> = [];
  const sub = bus.subscribe(subject, (msg) => {
    messages.push({ subject: msg.subject, data: decodeJson(msg.data) });
  });
  await bus.flush();
  return { messages, stop: () => sub.unsubscribe() };
}
