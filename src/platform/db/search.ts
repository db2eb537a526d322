/**
 * Case-insensitive "contains" search over text columns, the same on SQLite and PostgreSQL.
 * The user's text is matched literally: `%`, `_` and `\` are escaped, and the `ESCAPE '\'` clause
 * is spelled out because SQLite has no default escape character (PostgreSQL's is `\`).
 */
import { sql, type Expression, type SqlBool } from 'kysely';

export function containsPattern(q: string): string {
  return `%${q.toLowerCase().replace(/[%_\\]/g, (c) => '\\' + c)}%`;
}

/** `lower(col1) LIKE p ESCAPE '\' OR lower(col2) LIKE p ESCAPE '\' …` */
export function anyColumnContains(columns: readonly string[], q: string): Expression<SqlBool> {
  const pattern = containsPattern(q);
  return sql<SqlBool>`(${sql.join(
    columns.map((c) => sql`lower(${sql.ref(c)}) like ${pattern} escape '\\'`),
    sql` or `,
  )})`;
}
