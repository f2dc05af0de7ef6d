import { Logger } from 'pino';
import { STREAM_RETENTION } from '@parley/contracts';
import {
  AckPolicy,
  connect,
  DeliverPolicy,
  ErrorCode as NatsErrorCode,
  headers as natsHeaders,
  JetStreamClient,
  JsMsg,
  MsgHdrs,
  NatsConnection,
  NatsError,
} from 'nats';
import { CORRELATION_HEADER, currentCorrelationId } from '../logging/logger';
import { decodeJson, encodeJson, serviceUnavailable } from './codec';
import { Lanes } from './lanes';
import {
  BusMessage,
  DEFAULT_ACK_WAIT_MS,
  DurableConsumerOptions,
  DurableMessageMeta,
  Headers,
  MessageBus,
  RequestOptions,
  Subscription,
} from './message-bus';

function toNatsHeaders(h: Headers | undefined): MsgHdrs | undefined {
  const correlationId = currentCorrelationId();
  if (!h && !correlationId) return undefined;
  const out = natsHeaders();
  if (correlationId) out.set(CORRELATION_HEADER, correlationId);
  for (const [k, v] of Object.entries(h ?? {})) out.set(k, v);
  return out;
}

function fromNatsHeaders(h: MsgHdrs | undefined): Headers {
  const out: Headers = {};
  if (!h) return out;
  for (const k of h.keys()) out[k.toLowerCase()] = h.get(k);
  return out;
}

/** The payload's JSON, decoded on the first call (undefined when it is not JSON: the handler refuses it and says so). */
function lazyJson(bytes: Uint8Array): () => unknown {
  let decoded = false;
  let value: unknown;
  return () => {
    if (!decoded) {
      decoded = true;
      try {
        value = decodeJson(bytes);
      } catch {
        value = undefined;
      }
    }
    return value;
  };
}

export class NatsMessageBus extends MessageBus {
  private js: JetStreamClient;
  /** Replies and acks waiting for the end of this turn of the event loop (see `soon`). */
  private readonly pending: Array<() => void> = [];

  private constructor(
    private readonly nc: NatsConnection,
    private readonly defaultTimeoutMs: number,
    private readonly log: Logger,
  ) {
    super();
    this.js = nc.jetstream();
  }

  static async connect(
    url: string,
    name: string,
    defaultTimeoutMs: number,
    log: Logger,
  ): Promise<NatsMessageBus> {
    const nc = await connect({
      servers: url.split(','),
      name,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 500,
      waitOnFirstConnect: true,
      // Without: every request and JetStream publish captures two stack traces up front (and
      // source-mapped ones are dear), for a timeout that almost never comes. Errors keep their code.
      noAsyncTraces: true,
    });
    (async () => {
      for await (const s of nc.status())
        log.info({ nats: s.type, data: String(s.data) }, 'nats status');
    })().catch(() => undefined);
    return new NatsMessageBus(nc, defaultTimeoutMs, log);
  }

  get connection(): NatsConnection {
    return this.nc;
  }

  protected async ask(
    subject: string,
    payload: unknown,
    options?: RequestOptions,
  ): Promise<Uint8Array> {
    let reply;
    try {
      reply = await this.nc.request(subject, encodeJson(payload), {
        timeout: options?.timeoutMs ?? this.defaultTimeoutMs,
        headers: toNatsHeaders(undefined),
      });
    } catch (err) {
      if (
        err instanceof NatsError &&
        (err.code === NatsErrorCode.NoResponders || err.code === NatsErrorCode.Timeout)
      ) {
        throw serviceUnavailable(subject, err.code === NatsErrorCode.Timeout);
      }
      throw err;
    }
    return reply.data;
  }

  publish(subject: string, data: unknown, headers?: Headers): void {
    this.nc.publish(subject, encodeJson(data), { headers: toNatsHeaders(headers) });
  }

  subscribe(
    subject: string,
    handler: (msg: BusMessage) => void | Promise<void>,
    options?: { queue?: string },
  ): Subscription {
    const sub = this.nc.subscribe(subject, {
      queue: options?.queue,
      callback: (err, msg) => {
        if (err) return;
        const respond = msg.reply
          ? (data: Uint8Array, h?: Headers) => {
              const headers = toNatsHeaders(h);
              this.soon(() => msg.respond(data, { headers }));
            }
          : undefined;
        void handler({
          subject: msg.subject,
          data: msg.data,
          headers: fromNatsHeaders(msg.headers),
          respond,
        });
      },
    });
    return { unsubscribe: () => sub.unsubscribe(), drain: () => sub.drain() };
  }

  async publishDurable(
    subject: string,
    data: unknown,
    msgId: string,
    headers?: Headers,
  ): Promise<void> {
    await this.js.publish(subject, encodeJson(data), {
      msgID: msgId,
      headers: toNatsHeaders(headers),
    });
  }

  async consumeDurableLazily(
    opts: DurableConsumerOptions,
    handler: (subject: string, data: () => unknown, meta: DurableMessageMeta) => Promise<void>,
  ): Promise<Subscription> {
    const jsm = await this.nc.jetstreamManager();
    await jsm.consumers.add(opts.stream, {
      durable_name: opts.durable,
      // One subject uses `filter_subject`, which servers before 2.10 understand too.
      ...(opts.filterSubjects.length === 1
        ? { filter_subject: opts.filterSubjects[0] }
        : { filter_subjects: opts.filterSubjects }),
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: (opts.ackWaitMs ?? DEFAULT_ACK_WAIT_MS) * 1_000_000, // in ns
      max_ack_pending: 1000,
    });
    const consumer = await this.js.consumers.get(opts.stream, opts.durable);
    const messages = await consumer.consume({ max_messages: 100 });
    const handle = async (m: JsMsg, data: () => unknown, receivedAt: number) => {
      try {
        await handler(m.subject, data, { streamSeq: m.info.streamSequence, receivedAt });
        this.soon(() => m.ack());
      } catch (err) {
        this.log.warn(
          { err, subject: m.subject, durable: opts.durable },
          'event handler failed; redelivering',
        );
        m.nak(1000);
      }
    };
    // Lanes: events with the same key are handled one after another, in stream order; events of
    // different keys run side by side. One lane (the default) handles the stream in order.
    const lanes = new Lanes(opts.lanes ?? 1);
    const done = (async () => {
      for await (const m of messages) {
        const receivedAt = performance.now();
        const data = lazyJson(m.data);
        if ((opts.lanes ?? 1) <= 1) {
          await handle(m, data, receivedAt);
          continue;
        }
        lanes.run(opts.keyOf?.(m.subject, data) ?? m.subject, () => handle(m, data, receivedAt));
      }
    })();
    return {
      unsubscribe: () => void messages.close(),
      drain: async () => {
        await messages.close();
        await done;
        await lanes.idle();
        this.writePending();
      },
    };
  }

  /**
   * Writes `write` (a reply, an ack) once this turn of the event loop is over, with the others of
   * the turn: the client writes to the socket once per run of writes, so replies and acks that
   * complete one after another (a batch of sends answered together, a batch of events handled)
   * share one write instead of one each.
   */
  private soon(write: () => void): void {
    this.pending.push(write);
    if (this.pending.length === 1) setImmediate(() => this.writePending());
  }

  private writePending(): void {
    for (const write of this.pending.splice(0)) {
      try {
        write();
      } catch (err) {
        this.log.warn({ err }, 'reply or ack not written');
      }
    }
  }

  async flush(): Promise<void> {
    this.writePending();
    await this.nc.flush();
  }

  isConnected(): boolean {
    return !this.nc.isClosed() && this.nc.info !== undefined;
  }

  async close(): Promise<void> {
    this.writePending();
    if (!this.nc.isClosed()) await this.nc.drain();
  }

  /**
   * Create or update the JetStream streams (file storage, limits retention), each kept on
   * `replicas` servers of the NATS cluster (3 in production, 1 on a single server).
   */
  async ensureStreams(
    streams: ReadonlyArray<{ name: string; subjects: readonly string[] }>,
    replicas = 1,
  ): Promise<void> {
    const jsm = await this.nc.jetstreamManager();
    for (const s of streams) {
      const config = {
        name: s.name,
        subjects: [...s.subjects],
        max_age: STREAM_RETENTION.maxAgeSeconds * 1_000_000_000, // in ns
        // dedupe retried publishes by msgID
        duplicate_window: STREAM_RETENTION.duplicateWindowSeconds * 1_000_000_000,
        num_replicas: replicas,
      };
      try {
        await jsm.streams.info(s.name);
        await jsm.streams.update(s.name, config);
      } catch (err) {
        if (err instanceof NatsError && err.api_error?.err_code === 10059) {
          // Another service may create it at the same moment: 10058 means it now exists.
          await jsm.streams.add(config).catch((e: unknown) => {
            if (!(e instanceof NatsError && e.api_error?.err_code === 10058)) throw e;
          });
        } else {
          throw err;
        }
      }
    }
  }
}

export { laneOf } from './lanes';
