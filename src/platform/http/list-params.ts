/**
 * The list parameters every consolidated list shares (the common list features): limit/offset
 * with a total (the keyset cursor kept), `q`, `sort=field,-field` on named fields, ISO 8601
 * date or date-time ranges; and their refusals, each with a stable code.
 */
import { AppError, defineErrors } from '../errors/app-error.ts';
import { Nullable, Type } from './schemas.ts';

export const listErrors = defineErrors('lists', {
  sort_field_unknown: { status: 400, title: 'The list cannot be sorted by that field' },
  pagination_conflict: { status: 400, title: 'Use either cursor or offset (and the default sort with a cursor)' },
  date_range_invalid: { status: 400, title: 'The date range ends before it starts' },
});
const E = listErrors;

const ISO_PATTERN = '^\\d{4}-\\d{2}-\\d{2}(T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2}))?$';

/** The query parameters every list takes. */
export const ListQueryCommon = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'rows to skip (with the default or any sort); not with cursor' })),
  cursor: Type.Optional(Type.String({ maxLength: 64, pattern: '^[A-Za-z0-9_]+$', description: 'keyset cursor (next_cursor of the previous page); default sort only' })),
  q: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'free text, case-insensitive' })),
  sort: Type.Optional(Type.String({ maxLength: 200, pattern: '^-?[a-z_]+(,-?[a-z_]+)*$', description: 'comma-separated fields, `-` for descending, e.g. `-issued_at,tenant_name`' })),
  from: Type.Optional(Type.String({ pattern: ISO_PATTERN, description: 'ISO 8601 date (2026-01-31) or date-time (2026-01-31T10:00:00Z), inclusive' })),
  to: Type.Optional(Type.String({ pattern: ISO_PATTERN, description: 'ISO 8601 date or date-time, inclusive (a date covers its whole day, UTC)' })),
};

export const Period = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM' });

/** The page fields every list answers with. */
export const PageFields = {
  total: Type.Integer({ description: 'rows matching the filters, over every page' }),
  limit: Type.Integer(),
  offset: Type.Integer(),
  next_cursor: Nullable(Type.String()),
};

export interface CommonListQuery {
  limit?: number;
  offset?: number;
  cursor?: string;
  q?: string;
  sort?: string;
  from?: string;
  to?: string;
  period_from?: string;
  period_to?: string;
}

export interface ListPage<T> {
  data: T[];
  total: number;
  limit: number;
  offset: number;
  next_cursor: string | null;
}

export interface SortKey {
  field: string;
  desc: boolean;
}

/** `sort=field,-field` → keys; an unknown field is refused with the fields allowed. */
export function parseSort(sort: string | undefined, allowed: readonly string[]): SortKey[] {
  if (!sort) return [];
  const keys: SortKey[] = [];
  for (const part of sort.split(',')) {
    const desc = part.startsWith('-');
    const field = desc ? part.slice(1) : part;
    if (!allowed.includes(field)) throw E.sort_field_unknown(`Cannot sort by "${field}". Sort by: ${allowed.join(', ')}.`);
    keys.push({ field, desc });
  }
  return keys;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** A calendar-valid ISO 8601 value as an instant (2026-02-30 is refused, not rolled over). */
function instant(v: string, field: string, suffix: string): string {
  const ms = Date.parse(v + suffix);
  const day = v.slice(0, 10);
  if (Number.isNaN(ms) || (suffix && new Date(ms).toISOString().slice(0, 10) !== day)) {
    throw new AppError('validation_failed', 400, `${field} is not a valid ISO 8601 date or date-time.`, { fields: [{ pointer: `/querystring/${field}`, detail: 'must be an ISO 8601 date or date-time' }] });
  }
  return new Date(ms).toISOString();
}

/**
 * ISO 8601 `from`/`to` → inclusive ISO instants (a date alone covers its whole day, UTC);
 * `from` after `to` is refused.
 */
export function parseRange(from: string | undefined, to: string | undefined): { from?: string; to?: string } {
  const f = from === undefined ? undefined : instant(from, 'from', DATE_ONLY.test(from) ? 'T00:00:00.000Z' : '');
  const t = to === undefined ? undefined : instant(to, 'to', DATE_ONLY.test(to) ? 'T23:59:59.999Z' : '');
  if (f !== undefined && t !== undefined && f > t) throw E.date_range_invalid(`The range starts (${from}) after it ends (${to}).`);
  return { from: f, to: t };
}

/** Cursor and offset are two ways to page: one at a time, and the cursor only with the default sort. */
export function checkPaging(q: CommonListQuery): void {
  if (q.cursor && ((q.offset ?? 0) > 0 || q.sort)) throw E.pagination_conflict('Page with either `cursor` (default sort) or `offset`, not both.');
}

export const likePattern = (q: string) => `%${q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * Page an in-memory list of aggregate rows (per-tenant totals) the same way: `q` on the tenant
 * name, `sort` on the named numeric or text fields, limit/offset with the total.
 */
export function pageRows<T extends { tenant_name: string }>(rows: T[], a: CommonListQuery, fields: readonly (keyof T & string)[], textOf: (r: T) => string = (r) => r.tenant_name): ListPage<T> {
  const { limit, offset } = rowPageWindow(a);
  const keys = parseSort(a.sort, fields);
  const needle = a.q?.toLowerCase();
  let out = needle ? rows.filter((r) => textOf(r).toLowerCase().includes(needle)) : rows.slice();
  if (keys.length > 0) {
    out = out.sort((x, y) => {
      for (const k of keys) {
        const a1 = x[k.field as keyof T] as unknown;
        const b1 = y[k.field as keyof T] as unknown;
        const c = typeof a1 === 'number' && typeof b1 === 'number' ? a1 - b1 : String(a1 ?? '').localeCompare(String(b1 ?? ''));
        if (c !== 0) return k.desc ? -c : c;
      }
      return 0;
    });
  }
  return { data: out.slice(offset, offset + limit), total: out.length, limit, offset, next_cursor: null };
}

/** The page a list of aggregate rows answers (pageRows, or the same page read in SQL): offset only, no cursor. */
export function rowPageWindow(a: CommonListQuery): { limit: number; offset: number } {
  if (a.cursor) throw E.pagination_conflict('This list pages with `offset`; it has no cursor.');
  return { limit: a.limit ?? 50, offset: a.offset ?? 0 };
}
