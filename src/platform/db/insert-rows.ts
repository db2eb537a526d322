/**
 * Many rows into one table, fast, on both dialects — for high-volume appends (the gateway's
 * access events) where building a Kysely insert of hundreds of rows × twenty columns costs
 * more than the database's own work:
 *  - SQLite: multi-row `INSERT … VALUES (…), (…)` in chunks of a fixed size, so the statement
 *    text repeats and the prepared statement is reused (sqlite-dialect caches per text);
 *  - PostgreSQL: one `INSERT … SELECT * FROM unnest($1::text[], $2::text[], …)` — one statement
 *    and one array parameter per column, whatever the number of rows.
 * Table and column names come from the caller's code, never from input.
 */
import { CompiledQuery } from 'kysely';
import type { Dialect, Executor } from './database.ts';

export interface RowSet {
  table: string;
  columns: readonly string[];
  /** PostgreSQL array types per column ('text', 'bigint', …) */
  pgTypes: readonly string[];
  /** a unique column: rows whose value is there already are skipped (`on conflict (col) do nothing`), not an error */
  skipConflictOn?: string;
}

function conflictClause(set: RowSet): string {
  return set.skipConflictOn ? ` on conflict ("${set.skipConflictOn}") do nothing` : '';
}

const SQLITE_CHUNK = 40;
const statements = new Map<string, string>();

function sqliteText(set: RowSet, rows: number): string {
  const key = `${set.table}:${set.columns.join(',')}:${set.skipConflictOn ?? ''}:${rows}`;
  let text = statements.get(key);
  if (text === undefined) {
    const one = '(' + set.columns.map(() => '?').join(', ') + ')';
    text = `insert into "${set.table}" (${set.columns.map((c) => `"${c}"`).join(', ')}) values ${Array(rows).fill(one).join(', ')}${conflictClause(set)}`;
    statements.set(key, text);
  }
  return text;
}

function pgText(set: RowSet): string {
  const key = `pg:${set.table}:${set.columns.join(',')}:${set.skipConflictOn ?? ''}`;
  let text = statements.get(key);
  if (text === undefined) {
    text =
      `insert into "${set.table}" (${set.columns.map((c) => `"${c}"`).join(', ')}) ` +
      `select * from unnest(${set.pgTypes.map((t, i) => `$${i + 1}::${t}[]`).join(', ')})${conflictClause(set)}`;
    statements.set(key, text);
  }
  return text;
}

/** Insert `rows` (each a value per column, in `set.columns` order) in the caller's transaction; returns how many were written. */
export async function insertRows(executor: Executor, dialect: Dialect, set: RowSet, rows: readonly (readonly unknown[])[]): Promise<number> {
  if (rows.length === 0) return 0;
  const width = set.columns.length;
  if (dialect === 'postgres') {
    const columns: unknown[][] = Array.from({ length: width }, () => new Array(rows.length));
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r];
      for (let c = 0; c < width; c++) columns[c][r] = row[c];
    }
    const r = await executor.executeQuery(CompiledQuery.raw(pgText(set), columns));
    return Number(r.numAffectedRows ?? 0);
  }
  let written = 0;
  for (let i = 0; i < rows.length; i += SQLITE_CHUNK) {
    const n = Math.min(SQLITE_CHUNK, rows.length - i);
    const params = new Array(n * width);
    for (let r = 0; r < n; r++) {
      const row = rows[i + r];
      for (let c = 0; c < width; c++) params[r * width + c] = row[c];
    }
    const r = await executor.executeQuery(CompiledQuery.raw(sqliteText(set, n), params));
    written += Number(r.numAffectedRows ?? 0);
  }
  return written;
}
