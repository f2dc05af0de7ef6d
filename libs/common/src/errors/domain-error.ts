import { ERROR_CODES, ErrorBody, ErrorCode, ErrorDetails, isErrorCode } from '@parley/contracts';
import { z } from 'zod';

/** A rule was broken: carries a catalogue code, mapped to a transport status in one table. */
export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: ErrorDetails,
  ) {
    super(message ?? ERROR_CODES[code].message);
    this.name = 'DomainError';
  }

  toBody(): ErrorBody {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message };
  }

  static fromBody(body: unknown): DomainError {
    const b = body as Partial<ErrorBody> | undefined;
    const code = isErrorCode(b?.code) ? b.code : 'ERR_EXCEPTION';
    return new DomainError(
      code,
      typeof b?.message === 'string' ? b.message : undefined,
      b?.details,
    );
  }
}

/** HTTP status for a code; the single code -> status table is ERROR_CODES in contracts. */
export function httpStatusFor(code: ErrorCode): number {
  return ERROR_CODES[code].status;
}

/** Turn zod issues into CometChat's validation `details` (field -> messages). */
export function validationDetails(error: z.ZodError): ErrorDetails {
  // No prototype: a field may be called "__proto__".
  const details: ErrorDetails = Object.create(null) as ErrorDetails;
  for (const issue of error.issues) {
    const prefix = issue.path.map(String).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys)
        (details[prefix ? `${prefix}.${key}` : key] ??= []).push('is not a known field');
      continue;
    }
    (details[prefix || 'body'] ??= []).push(issue.message);
  }
  return details;
}

/** Parse input with a schema; a failure is ERR_BAD_REQUEST with details, never a 500. */
export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new DomainError(
      'ERR_BAD_REQUEST',
      'The request failed validation.',
      validationDetails(result.error),
    );
  }
  return result.data;
}
