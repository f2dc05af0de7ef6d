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
