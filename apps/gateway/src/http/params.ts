import { parseOrThrow } from '@parley/common';
import { IdSchema, MessageIdSchema } from '@parley/contracts';
import { z } from 'zod';

/** One schema per parameter name: a zod schema compiles itself on first use, per instance. */
const schemas = new Map<string, z.ZodType<Record<string, string>>>();

/** Validate a path identifier (uid, guid, role), reporting it under its own name. */
export function idParam(name: string, value: string): string {
  let schema = schemas.get(name);
  if (!schema) {
    schema = z.object({ [name]: IdSchema }) as unknown as z.ZodType<Record<string, string>>;
    schemas.set(name, schema);
  }
  return parseOrThrow(schema, { [name]: value })[name];
}

const MessageIdParamSchema = z.object({ id: MessageIdSchema });

/** Validate a message id in the path, reported as `id`. */
export function messageIdParam(id: string): string {
  return parseOrThrow(MessageIdParamSchema, { id }).id;
}
