/**
 * Every row of a large table, chunk by chunk, each chunk handed over before the next is read: the
 * start-up loads (the decision snapshot's delegations, the purposes index) build from it without a
 * second copy of the table in memory.
 *
 * PostgreSQL: one cursor in one read-only transaction (`declare … no scroll cursor for <the read in
 * key order>`, then `fetch forward <size>` until a short chunk). Keyset pages (`where id > $1 order
 * by id limit n`) are what it replaces: as the application role, under row-level security, the
 * planner puts `id > $1` after the policy's filter (text comparison is not leakproof, so it is no
 * index condition) and guesses the policy keeps 1 % of the rows, so every page was a sequential
 * scan and a sort of the whole table — 1.4–1.6 s per page of 20,000 at 1M delegations, a start of
 * 27–36 s (bench:startup). The cursor has no such condition and is planned for its first rows
 * (cursor_tuple_fraction): one walk of the primary-key index, streamed — EXPLAINed and counted
 * (pg_stat_user_tables.idx_scan) at 1M rows: no sort, first chunk in 0.1–0.3 s. The transaction's
 * BEGIN carries the caller's row-level-security context as any other (pg-context-dialect.ts): the
 * system's for the start-up loads, which call this inside asSystem — no role gains a right here.
 *
 * SQLite has no row-level security and pages by the primary key: keyset pages.
 */
import { sql, type Compilable } from 'kysely';
import type { Db, Executor } from './database.ts';

/**
 * The read, in id order: every row when `after` and `limit` are null (the cursor's query), else
 * the page of `limit` rows after id `after` ('' = from the start).
 */
export type ChunkedRead<R extends { id: string }> = (db: Executor, after: string | null, limit: number | null) => Compilable<R> & { execute(): Promise<R[]> };

/** Hands every row of `read` to `each` in chunks of at most `size`, in id order; the number of rows. */
export async function forEachChunk<R extends { id: string }>(db: Db, read: ChunkedRead<R>, size: number, each: (rows: R[]) => void): Promise<number> {
  if (db.dialect === 'postgres') {
    return db.kysely
      .transaction()
      .setAccessMode('read only')
      .execute(async (trx) => {
        await sql`declare chunked_read no scroll cursor for ${read(trx, null, null)}`.execute(trx);
        let n = 0;
        for (;;) {
          const { rows } = await sql<R>`fetch forward ${sql.raw(String(Math.max(1, Math.floor(size))))} from chunked_read`.execute(trx);
          n += rows.length;
          if (rows.length > 0) each(rows);
          if (rows.length < size) return n;
        }
      });
  }
  let after = '';
  let n = 0;
  for (;;) {
    const rows = await read(db.kysely, after, size).execute();
    n += rows.length;
    if (rows.length > 0) each(rows);
    if (rows.length < size) return n;
    after = rows[rows.length - 1].id;
  }
}
