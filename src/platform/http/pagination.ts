/**
 * Keyset pages, the one way lists are cut: a repo reads `limit + 1` rows after the cursor; the
 * extra row only says that another page follows, and the last row kept is where it starts.
 */

/** A page on the wire: `next_cursor` is null on the last page. */
export interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** `limit + 1` rows → the page's rows and the cursor of the next page (null when none follows). */
export function takePage<R>(rows: readonly R[], limit: number, cursorOf: (row: R) => string): { rows: R[]; nextCursor: string | null } {
  const more = rows.length > limit;
  const kept = more ? rows.slice(0, limit) : rows.slice();
  return { rows: kept, nextCursor: more ? cursorOf(kept[kept.length - 1]) : null };
}

/** The same as a wire page of DTOs; the cursor is read from the last DTO (by default its `id`). */
export function pageOf<R, D>(rows: readonly R[], limit: number, dto: (row: R) => D, cursorOf: (item: D) => string = (item) => (item as { id: string }).id): Page<D> {
  const more = rows.length > limit;
  const data = (more ? rows.slice(0, limit) : rows).map(dto);
  return { data, next_cursor: more ? cursorOf(data[data.length - 1]) : null };
}
