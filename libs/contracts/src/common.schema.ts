import { z } from 'zod';

/** UIDs, GUIDs, role ids and app ids: alpha-dash, 1..100, stored lower-case (API.md §2). */
export const IdSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters')
  .regex(/^[a-zA-Z0-9_-]+$/, 'may contain only letters, digits, _ and -')
  .transform((s) => s.toLowerCase());

export const AppIdSchema = IdSchema;

/** A name: 1..100 characters after trimming. */
export const NameSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(100, 'must be at most 100 characters');

export const UrlSchema = z.string().max(3000, 'must be at most 3000 characters');

/** Metadata objects are limited to 5 KB of JSON (API.md §2). */
export const MetadataSchema = z
  .record(z.string(), z.unknown())
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= 5 * 1024, 'must be at most 5 KB as JSON');

export const TagsSchema = z
  .array(z.string().max(100, 'each tag must be at most 100 characters'))
  .max(25, 'at most 25 tags');

/** Query booleans arrive as strings; JSON bodies as booleans. */
export const BoolLike = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((s) => s === 'true' || s === '1'),
]);

/** Page-based paging (reference §2.2a): perPage default 100, max 1000; page from 1. */
export const PageQuerySchema = z.object({
  perPage: z.coerce.number().int().min(1).max(1000).default(100),
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
});
export type PageQuery = z.infer<typeof PageQuerySchema>;

export interface Pagination {
  total: number;
  count: number;
  per_page: number;
  current_page: number;
  total_pages: number;
}

export interface Page<T> {
  items: T[];
  pagination: Pagination;
}

export function pagination(total: number, count: number, q: PageQuery): Pagination {
  return {
    total,
    count,
    per_page: q.perPage,
    current_page: q.page,
    total_pages: Math.ceil(total / q.perPage),
  };
}

/** Comma-separated or repeated query arrays (reference §2.3). */
export const CsvArray = z.union([z.string(), z.array(z.string())]).transform((v) =>
  (Array.isArray(v) ? v : [v])
    .flatMap((s) => s.split(','))
    .map((s) => s.trim())
    .filter(Boolean),
);
