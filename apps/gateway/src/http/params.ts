import { parseOrThrow } from '@parley/common';
import { IdSchema, MessageIdSchema } from '@parley/contracts';
import { z } from 'zod';

/** Validate a path identifier (uid, guid, role), reporting it under its own name. */
export function idParam(name: string, value: string): string {
  return parseOrThrow(z.object({ [name]: IdSchema }), { [name]: value })[name] as string;
}

/** Validate a message id in the path, reported as `id`. */
export function messageIdParam(id: string): string {
  return parseOrThrow(z.object({ id: MessageIdSchema }), { id }).id;
}
