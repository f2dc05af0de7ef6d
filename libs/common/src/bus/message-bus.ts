import { EventDef, EventPayload, RpcDef, RpcRequest, RpcResponse } from '@parley/contracts';
import { z } from 'zod';
import { rpcResult, rpcResultJson } from './codec';

export type Headers = Record<string, string>;

export interface BusMessage {
  subject: string;
  data: Uint8Array;
  headers: Headers;
  /** Present on requests: answer with this. */
  respond?: (data: Uint8Array, headers?: Headers) => void;
}

export interface Subscription {
  unsubscribe(): void;
  /** Deliver what is already on its way, then stop (for graceful shutdown). */
  drain(): Promise<void>;
}

/** Where a durably consumed message sits in its stream. */
export interface DurableMessageMeta {
  /**
   * The stream's sequence number of the message: increasing in publish order across every subject
   * of the stream. A redelivered message keeps it, so a consumer can apply changes as versions
   * (apply only when newer than what it holds), which also keeps a retried older event from
   * undoing a newer one.
   */
  streamSeq: number;
  /**
   * When this process took the message from the broker (`performance.now()`), before it waited
   * for its lane. The message was published after whatever its publisher had committed, so a
   * query sent after this time sees those commits.
   */
  receivedAt: number;
}

export interface RequestOptions {
  timeoutMs?: number;
}

/**
 * The broker port. `NatsMessageBus` implements it on NATS; an in-process implementation with the
 * same subject, request/reply and queue-group semantics serves the embedded mode.
 */
export interface DurableConsumerOptions {
  stream: string;
  durable: string;
  filterSubjects: string[];
  /**
   * Handle events side by side in this many lanes (default 1: one at a time, in stream order).
   * Events whose `keyOf` is equal share a lane, so they stay in stream order among themselves.
   */
  lanes?: number;
  /** The ordering key of an event (default: its subject); `data()` decodes its payload. */
  keyOf?: (subject: string, data: () => unknown) => string;
  /**
   * A message handed out and neither acknowledged nor refused within this long is delivered again,
   * while its first handler may still run (JetStream's ack wait; default DEFAULT_ACK_WAIT_MS). The
   * clock starts when the message is handed out, so time spent queued in a lane counts.
   */
  ackWaitMs?: number;
}

/** How long a durably consumed message may go unacknowledged before it is delivered again. */
export const DEFAULT_ACK_WAIT_MS = 30_000;

export abstract class MessageBus {
  /** Typed RPC: validates nothing on the way out (the server validates); throws DomainError. */
  async request<D extends RpcDef<z.ZodType, z.ZodType>>(
    def: D,
    payload: RpcRequest<D>,
    options?: RequestOptions,
  ): Promise<RpcResponse<D>> {
    return rpcResult(await this.ask(def.subject, payload, options)) as RpcResponse<D>;
  }

  /**
   * As `request`, with the answer as the JSON text the service sent, unparsed: for a caller that
   * forwards it as it is. Its shape is the RPC's response schema's.
   */
  async requestJson<D extends RpcDef<z.ZodType, z.ZodType>>(
    def: D,
    payload: RpcRequest<D>,
    options?: RequestOptions,
  ): Promise<string> {
    return rpcResultJson(await this.ask(def.subject, payload, options));
  }

  /**
   * The encoded reply to a request on `subject`; no answer in time or no service to answer is
   * ERR_SERVICE_UNAVAILABLE (`serviceUnavailable`).
   */
  protected abstract ask(
    subject: string,
    payload: unknown,
    options?: RequestOptions,
  ): Promise<Uint8Array>;

  /** Core (non-durable) publish. */
  abstract publish(subject: string, data: unknown, headers?: Headers): void;

  abstract subscribe(
    subject: string,
    handler: (msg: BusMessage) => void | Promise<void>,
    options?: { queue?: string },
  ): Subscription;

  /** Durable publish to JetStream, deduplicated by `msgId`. Resolves once the stream stored it. */
  abstract publishDurable(
    subject: string,
    data: unknown,
    msgId: string,
    headers?: Headers,
  ): Promise<void>;

  /**
   * Consume a JetStream stream with a durable consumer: at-least-once, in order per subject; the
   * handler's success acks, a throw redelivers later. Handlers must be idempotent on `eventId`.
   */
  consumeDurable(
    opts: DurableConsumerOptions,
    handler: (subject: string, data: unknown, meta: DurableMessageMeta) => Promise<void>,
  ): Promise<Subscription> {
    return this.consumeDurableLazily(opts, (subject, data, meta) => handler(subject, data(), meta));
  }

  /**
   * As `consumeDurable`, but the payload is decoded only when the handler calls `data()` (once;
   * undefined when it is not JSON): a handler that passes over most events by their subject
   * saves their decoding.
   */
  abstract consumeDurableLazily(
    opts: DurableConsumerOptions,
    handler: (subject: string, data: () => unknown, meta: DurableMessageMeta) => Promise<void>,
  ): Promise<Subscription>;

  /** Make sure everything published so far has reached the server. */
  abstract flush(): Promise<void>;

  abstract isConnected(): boolean;

  abstract close(): Promise<void>;
}

/** The event's JSON payload, typed by its definition. */
export function eventPayload<D extends EventDef<z.ZodType>>(_def: D, payload: EventPayload<D>) {
  return payload;
}
