/**
 * Case-insensitive "contains" search over text columns, the same on SQLite and PostgreSQL.
 * The user's text is matched literally: `%`, `_` and `\` are escaped, and the `ESCAPE '\'` clause
 * is spelled out because SQLite has no default escape character (PostgreSQL's is `\`).
 */
import { sql, type Expression, type SqlBool } from 'kysely';

/** `s` as part of a LIKE pattern that matches it literally (use with `ESCAPE '\'`). */
export function likeLiteral(s: string): string {
  return s.replace(/[%_\\]/g, (c) => '\\' + c);
}

export function containsPattern(q: string): string {
  return `%${likeLiteral(q.toLowerCase())}%`;
}

/** `col LIKE pattern ESCAPE '\'`: build `pattern` with likeLiteral() around the user's text. */
export function columnLike(column: string, pattern: string): Expression<SqlBool> {
  return sql<SqlBool>`${sql.ref(column)} like ${pattern} escape '\\'`;
}

/** `lower(col1) LIKE p ESCAPE '\' OR lower(col2) LIKE p ESCAPE '\' …` */
export function anyColumnContains(columns: readonly string[], q: string): Expression<SqlBool> {
  const pattern = containsPattern(q);
  return sql<SqlBool>`(${sql.join(
    columns.map((c) => sql`lower(${sql.ref(c)}) like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}
