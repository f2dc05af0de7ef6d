import { parseOrThrow } from '@parley/common';
import { IdSchema } from '@parley/contracts';
import { z } from 'zod';

/** Validate a path identifier (uid, guid, role), reporting it under its own name. */
export function idParam(name: string, value: string): string {
  return parseOrThrow(z.object({ [name]: IdSchema }), { [name]: value })[name] as string;
}
