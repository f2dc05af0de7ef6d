import { ErrorCode, RelationshipItemResult } from '@parley/contracts';

/** One item of a bulk reply that succeeded (reference §2.1). */
export function itemSucceeded(message: string): RelationshipItemResult {
  return { success: true, message };
}

/** One item of a bulk reply that failed: the error travels in the item, the call still succeeds. */
export function itemFailed(code: ErrorCode, message: string): RelationshipItemResult {
  return { success: false, error: { code, message } };
}

/**
 * An empty map of per-uid results. It has no prototype: `__proto__` is a valid uid, and as a key
 * of a plain object it would set the prototype instead of adding an entry.
 */
export function resultsByUid(): Record<string, RelationshipItemResult> {
  return Object.create(null) as Record<string, RelationshipItemResult>;
}
