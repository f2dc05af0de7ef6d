import { Logger } from 'pino';
import { decodeJson, encodeJson, serviceUnavailable } from '../bus/codec';
import { Lanes } from '../bus/lanes';
import {
  BusMessage,
  DurableConsumerOptions,
  DurableMessageMeta,
  Headers,
  MessageBus,
  RequestOptions,
  Subscription,
} from '../bus/message-bus';
import { CORRELATION_HEADER, currentCorrelationId } from '../logging/logger';
import { ConsumerReader } from './durable-consumer';
import { InProcessBroker, NoResponders } from './in-process-broker';
import { StoredMessage } from './stream-log';

/** The headers a message leaves with: the caller's, lower-cased, and the correlation id. */
function outgoing(h: Headers | undefined): Headers {
  const out: Headers = {};
  const correlationId = currentCorrelationId();
  if (correlationId) out[CORRELATION_HEADER] = correlationId;
  for (const [k, v] of Object.entries(h ?? {})) out[k.toLowerCase()] = v;
  return out;
}

function decodeOrUndefined(data: Uint8Array): unknown {
  try {
    return decodeJson(data);
  } catch {
    return undefined; // not JSON: the handler refuses it and says so
  }
}

/**
 * One service's connection to the process's `InProcessBroker`: the MessageBus of the embedded
 * mode, with the NATS bus's semantics (the shared behaviour suite runs against both).
 */
export class InProcessMessageBus extends MessageBus {
  private readonly subs = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly broker: InProcessBroker,
    private readonly defaultTimeoutMs: number,
    private readonly log: Logger,
  ) {
    super();
  }

  protected async ask(
    subject: string,
    payload: unknown,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    this.assertOpen();
    try {
      return await this.broker.request(
        subject,
        encodeJson(payload),
        outgoing(undefined),
        options?.timeoutMs ?? this.defaultTimeoutMs,
      );
    } catch (err) {
      throw serviceUnavailable(subject, !(err instanceof NoResponders));
    }
  }

  publish(subject: string, data: unknown, headers?: Headers): void {
    this.assertOpen();
    this.broker.publish(subject, encodeJson(data), outgoing(headers));
  }

  subscribe(
    subject: string,
    handler: (msg: BusMessage) => void | Promise<void>,
    options?: { queue?: string },
  ): Subscription {
    this.assertOpen();
    const remove = this.broker.subscribe({
      subject,
      queue: options?.queue,
      deliver: (msg) => {
        // A handler's failure must not take the process (every service) down: log it.
        const failed = (err: unknown) =>
          this.log.error({ err, subject: msg.subject }, 'message handler failed');
        try {
          Promise.resolve(
            handler({
              ...msg,
              respond: msg.respond && ((data, h) => msg.respond?.(data, outgoing(h))),
            }),
          ).catch(failed);
        } catch (err) {
          failed(err);
        }
      },
    });
    const sub: Subscription = {
      unsubscribe: () => {
        remove();
        this.subs.delete(sub);
      },
      // Messages already handed over are delivered on the next turn: let them through, then stop.
      drain: async () => {
        await new Promise((r) => setImmediate(r));
        sub.unsubscribe();
      },
    };
    this.subs.add(sub);
    return sub;
  }

  async publishDurable(
    subject: string,
    data: unknown,
    msgId: string,
    headers?: Headers,
  ): Promise<void> {
    this.assertOpen();
    this.broker.publishDurable(subject, encodeJson(data), msgId, outgoing(headers));
  }

  async consumeDurableLazily(
    opts: DurableConsumerOptions,
    handler: (subject: string, data: () => unknown, meta: DurableMessageMeta) => Promise<void>,
  ): Promise<Subscription> {
    this.assertOpen();
    const consumer = this.broker.consumer(
      opts.stream,
      opts.durable,
      opts.filterSubjects,
      opts.ackWaitMs,
    );
    const decoded = new WeakMap<StoredMessage, unknown>();
    const dataOf = (m: StoredMessage) => () => {
      if (!decoded.has(m)) decoded.set(m, decodeOrUndefined(m.data));
      return decoded.get(m);
    };
    const reader: ConsumerReader = {
      lanes: new Lanes(opts.lanes ?? 1),
      keyOf: (m) => opts.keyOf?.(m.subject, dataOf(m)) ?? m.subject,
      handle: async (m, receivedAt) => {
        try {
          await handler(m.subject, dataOf(m), { streamSeq: m.seq, receivedAt });
        } catch (err) {
          this.log.warn(
            { err, subject: m.subject, durable: opts.durable },
            'event handler failed; redelivering',
          );
          throw err;
        }
      },
      stopped: false,
    };
    consumer.attach(reader);
    const sub: Subscription = {
      unsubscribe: () => {
        reader.stopped = true;
        consumer.detach(reader);
        this.subs.delete(sub);
      },
      drain: async () => {
        consumer.detach(reader);
        await reader.lanes.idle();
        sub.unsubscribe();
      },
    };
    this.subs.add(sub);
    return sub;
  }

  async flush(): Promise<void> {
    // Everything is handed to the broker synchronously; deliveries go out on the next turn.
    await new Promise((r) => setImmediate(r));
  }

  isConnected(): boolean {
    return !this.closed;
  }

  /** Drains this service's subscriptions and consumers (the broker stays for the others). */
  async close(): Promise<void> {
    if (this.closed) return;
    await Promise.all([...this.subs].map((s) => s.drain()));
    this.closed = true;
  }

  private assertOpen() {
    if (this.closed) throw new Error('message bus closed');
  }
}
