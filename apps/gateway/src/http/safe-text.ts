/**
 * Text that PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone surrogate such as
 * "\ud800") is refused at the edge, so it never reaches a service as a 500.
 */
export function hasUnsafeText(value: unknown, depth = 0): boolean {
  if (depth > 64) return true; // deeper than any contract allows
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (typeof value !== 'object' || value === null) return false;
  // Plain loops: this walks every request's body, query and path.
  if (Array.isArray(value)) {
    for (const v of value) if (hasUnsafeText(v, depth + 1)) return true;
    return false;
  }
  const record = value as Record<string, unknown>;
  for (const k of Object.keys(record)) {
    if (hasUnsafeText(k, depth + 1) || hasUnsafeText(record[k], depth + 1)) return true;
  }
  return false;
}
