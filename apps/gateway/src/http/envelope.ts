import type { Page } from '@parley/contracts';

/** CometChat's success envelope (reference §2.1). */
export function ok<T>(data: T): { data: T } {
  return { data };
}

/** A page-based list: `{data: [...], meta: {pagination}}` (reference §2.2a). */
export function paged<T>(page: Page<T>): {
  data: T[];
  meta: { pagination: Page<T>['pagination'] };
} {
  return { data: page.items, meta: { pagination: page.pagination } };
}
