import { DomainError } from '../errors/domain-error';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

export function decodeJson(data: Uint8Array): unknown {
  return JSON.parse(decoder.decode(data));
}

/** Wire form of an RPC reply (ARCHITECTURE.md §4). */
export type RpcReply =
  | { ok: true; data: unknown }
  | { ok: false; error: { code: string; message: string; details?: Record<string, string[]> } };

/** The result of an RPC from its encoded reply: the data, or the DomainError the server sent. */
export function rpcResult(reply: Uint8Array): unknown {
  const body = decodeJson(reply) as RpcReply;
  if (body.ok) return body.data;
  throw DomainError.fromBody(body.error);
}

/** What a caller gets when no server answers an RPC, or none in time. */
export function serviceUnavailable(subject: string, timedOut: boolean): DomainError {
  return new DomainError(
    'ERR_SERVICE_UNAVAILABLE',
    `${subject}: ${timedOut ? 'timed out' : 'no service answered'}`,
  );
}

/** How an ok reply's bytes begin: `encodeJson({ ok: true, data })` writes `ok` first. */
const OK_REPLY_PREFIX = '{"ok":true,"data":';

/**
 * The `data` of an ok reply as JSON text, cut out of the reply without parsing it (a caller that
 * only forwards it saves a decode and an encode); undefined for any other reply.
 */
export function okReplyDataJson(data: Uint8Array): string | undefined {
  const text = decoder.decode(data);
  return text.startsWith(OK_REPLY_PREFIX) && text.endsWith('}')
    ? text.slice(OK_REPLY_PREFIX.length, -1)
    : undefined;
}

/** As `rpcResult`, with the data as JSON text: cut out of the reply unparsed when it can be. */
export function rpcResultJson(reply: Uint8Array): string {
  const json = okReplyDataJson(reply);
  if (json !== undefined) return json;
  return JSON.stringify(rpcResult(reply));
}
