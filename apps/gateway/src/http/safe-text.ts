/**
 * Text that PostgreSQL cannot store (NUL) or that is not valid Unicode (a lone surrogate such as
 * "\ud800") is refused at the edge, so it never reaches a service as a 500.
 */
export function hasUnsafeText(value: unknown, depth = 0): boolean {
  if (depth > 64) return true; // deeper than any contract allows
  if (typeof value === 'string') return value.includes('\u0000') || !value.isWellFormed();
  if (Array.isArray(value)) return value.some((v) => hasUnsafeText(v, depth + 1));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(
      ([k, v]) => hasUnsafeText(k, depth + 1) || hasUnsafeText(v, depth + 1),
    );
  }
  return false;
}
