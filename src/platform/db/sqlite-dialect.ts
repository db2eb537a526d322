/**
 * Kysely's own SqliteDialect over Node's built-in `node:sqlite` (no native addon).
 * node:sqlite's StatementSync differs from better-sqlite3 in three ways this adapter bridges:
 * parameters are spread rather than passed as an array, booleans are not bindable, and there
 * is no `reader` flag (we ask `columns()` instead). Prepared statements are cached per SQL text.
 */
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { SqliteDialect } from 'kysely';

type Param = null | number | bigint | string | Uint8Array;

function bind(params: ReadonlyArray<unknown>): Param[] {
  return params.map((p) => {
    if (p === undefined) return null;
    if (typeof p === 'boolean') return p ? 1 : 0;
    if (p instanceof Date) return p.toISOString();
    return p as Param;
  });
}

class Statement {
  readonly reader: boolean;
  readonly #stmt: StatementSync;
  constructor(stmt: StatementSync) {
    this.#stmt = stmt;
    this.reader = stmt.columns().length > 0;
  }
  all(parameters: ReadonlyArray<unknown>): unknown[] {
    return this.#stmt.all(...bind(parameters));
  }
  run(parameters: ReadonlyArray<unknown>): { changes: number | bigint; lastInsertRowid: number | bigint } {
    return this.#stmt.run(...bind(parameters));
  }
  iterate(parameters: ReadonlyArray<unknown>): IterableIterator<unknown> {
    return this.#stmt.iterate(...bind(parameters)) as IterableIterator<unknown>;
  }
}

export class NodeSqliteDatabase {
  readonly raw: DatabaseSync;
  readonly #cache = new Map<string, Statement>();
  constructor(location: string) {
    this.raw = new DatabaseSync(location, { timeout: 5000 });
    this.raw.exec('PRAGMA journal_mode = WAL');
    this.raw.exec('PRAGMA foreign_keys = ON');
    this.raw.exec('PRAGMA synchronous = NORMAL');
    // Statement journals of multi-row inserts (the batched audit log) and sort spills stay in
    // memory instead of temp files written and deleted per statement.
    this.raw.exec('PRAGMA temp_store = MEMORY');
  }
  prepare(sql: string): Statement {
    let stmt = this.#cache.get(sql);
    if (!stmt) {
      stmt = new Statement(this.raw.prepare(sql));
      if (this.#cache.size > 500) this.#cache.clear();
      this.#cache.set(sql, stmt);
    }
    return stmt;
  }
  close(): void {
    this.#cache.clear();
    if (this.raw.isOpen) this.raw.close();
  }
}

export function nodeSqliteDialect(location: string): { dialect: SqliteDialect; database: NodeSqliteDatabase } {
  const database = new NodeSqliteDatabase(location);
  return { dialect: new SqliteDialect({ database }), database };
}
