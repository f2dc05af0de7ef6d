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

/** The content type of a JSON body the gateway sends as text it did not encode itself. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** `ok(data)` as JSON text, around `data` given as JSON text (an RPC's answer, unparsed). */
export function okJson(dataJson: string): string {
  return `{"data":${dataJson}}`;
}

const PAGE_PREFIX = '{"items":';

/**
 * A cursor page `{items, meta}` as JSON text (an RPC's answer, unparsed) turned into the list
 * body `{data: items, meta}` (reference §2.2b), as text: only its first key is renamed.
 */
export function pageAsList(pageJson: string): string {
  if (pageJson.startsWith(PAGE_PREFIX)) return `{"data":${pageJson.slice(PAGE_PREFIX.length)}`;
  const page = JSON.parse(pageJson) as { items: unknown[]; meta?: unknown };
  return JSON.stringify({ data: page.items, meta: page.meta });
}
