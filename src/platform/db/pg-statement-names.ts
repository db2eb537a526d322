/**
 * The names of the statements sent as prepared statements, shared by every connection of the
 * process (a connection prepares a name the first time it runs it). A text is named on its
 * NAME_AFTER-th run, and only the first MAX_NAMED texts are: one-off texts (a migration's, the demo
 * world's multi-row inserts, an `in` list of a new length) are not prepared, and a connection
 * never holds more than MAX_NAMED plans. The statements a process runs on every request reach
 * their third run first. A prepared statement with its plan holds ~50 KB of the connection's
 * memory in PostgreSQL (measured: a `select *` of a 23-column table), so MAX_NAMED bounds that at
 * ~5 MB per connection (50 MB for the default DATABASE_POOL_SIZE of 10); bench:writes' mix runs
 * about 50 statements.
 *
 * PostgreSQL refuses to run a prepared statement whose result columns changed ("cached plan must
 * not change result type"): a `select *` after a migration adds a column — another instance's
 * migration, while this one runs. On that error (isOutdatedPlan), `renew()` starts new
 * names, so every statement is prepared again from then on. The statement that met it runs again
 * at once when it was alone; a transaction it was part of is aborted, and the request answers 503
 * `database_unavailable` with Retry-After (platform/errors/db-errors.ts): sent again, it succeeds.
 */
export class StatementNames {
  static readonly MAX_NAMED = 100;
  static readonly NAME_AFTER = 3;
  /** how many texts' runs are counted before the count starts again */
  static readonly MAX_COUNTED = 5000;
  #names = new Map<string, string>();
  #runs = new Map<string, number>();
  #generation = 0;

  /** the name `text` runs under, or undefined: send it unnamed */
  of(text: string): string | undefined {
    const known = this.#names.get(text);
    if (known !== undefined) return known;
    if (this.#names.size >= StatementNames.MAX_NAMED) return undefined;
    const runs = (this.#runs.get(text) ?? 0) + 1;
    if (runs < StatementNames.NAME_AFTER) {
      if (this.#runs.size >= StatementNames.MAX_COUNTED) this.#runs.clear();
      this.#runs.set(text, runs);
      return undefined;
    }
    this.#runs.delete(text);
    const name = `pg${this.#generation}_${this.#names.size}`;
    this.#names.set(text, name);
    return name;
  }

  /** forget every name: each statement is prepared again, under a name no connection has used */
  renew(): void {
    this.#names.clear();
    this.#runs.clear();
    this.#generation++;
  }

  get size(): number {
    return this.#names.size;
  }
}
export const statementNames = new StatementNames();
