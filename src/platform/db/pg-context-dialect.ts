/**
 * Kysely's PostgreSQL dialect with the row-level-security context (db-context.ts) attached to
 * every statement that needs it, at no extra round trip:
 *  - a transaction's BEGIN carries it: `begin; select set_config(…, true)` is one simple-protocol
 *    message;
 *  - a statement outside a transaction shares one simple-protocol message with its context:
 *    `select set_config(…, true); <the statement, parameters inlined as untyped literals>` runs as
 *    one implicit transaction (one extra tiny statement, measured by bench:rls). Parameters that
 *    do not inline (bytes, dates, U+0000) take the pipelined path instead: `begin; set_config(…)`,
 *    the statement with its parameters and `commit`, written together (pg's `pipeline: true`).
 * The settings are transaction-local: nothing outlives the statement or transaction that set
 * it, so a pooled connection handed to the next tenant carries nothing over. A statement without
 * a context is sent unchanged (it sees no tenant row), and so is a lone statement that reads no
 * walled table (its query tree names none and holds no raw SQL): most of a request's statements
 * (sessions, users, partners, apps, the OAuth store) cost exactly what they did before the wall.
 *
 * A parameterised statement is sent as a named (server-side prepared) statement (StatementNames,
 * below): PostgreSQL parses it once per connection and, after a few runs, plans it once, where an
 * unnamed one is parsed and planned on every run. Planning was 42 % of PostgreSQL's statement time
 * under bench:writes.
 */
import { CompiledQuery, PostgresDialect, type DialectAdapter, type Kysely, type DatabaseConnection, type Driver, type QueryResult, type TransactionSettings } from 'kysely';
import type pg from 'pg';
import type { Socket } from 'node:net';
import { contextSql, DB_SETTINGS, effectiveDbContext, type DbContext } from './db-context.ts';
import { WALLED_TABLES } from './rls.ts';
import type { Database } from './schema.ts';
import { isOutdatedPlan } from '../errors/db-errors.ts';
import { inlineParameters, literalOf } from './pg-inline.ts';
import { statementNames } from './pg-statement-names.ts';
import { migrationLockStatement, TransactionLockAdapter } from './pg-migration-lock.ts';

export { inlineParameters } from './pg-inline.ts';

export class ContextPostgresDialect extends PostgresDialect {
  readonly #pool: pg.Pool;
  readonly #ambient: DbContext | null;
  readonly #prepared: boolean;
  /**
   * `ambient`: the context of statements sent outside any scope (see effectiveDbContext); none in production.
   * `prepared: false` sends every statement unnamed (DATABASE_PREPARED_STATEMENTS: behind a
   * transaction-mode pooler a named statement lives on a server connection the next transaction
   * may not get).
   */
  constructor(pool: pg.Pool, ambient: DbContext | null = null, opts: { prepared?: boolean } = {}) {
    super({ pool });
    this.#pool = pool;
    this.#ambient = ambient;
    this.#prepared = opts.prepared ?? true;
  }

  override createDriver(): Driver {
    return new ContextDriver(this.#pool, this.#ambient, this.#prepared);
  }

  /** the migration lock is the migration transaction's own (pg-migration-lock.ts) */
  override createAdapter(): DialectAdapter {
    return new TransactionLockAdapter();
  }
}

type PgResult = { command: string; rowCount: number | null; rows: unknown[] };

function toQueryResult<R>(r: PgResult): QueryResult<R> {
  const writes = r.command === 'INSERT' || r.command === 'UPDATE' || r.command === 'DELETE' || r.command === 'MERGE';
  return { numAffectedRows: writes ? BigInt(r.rowCount ?? 0) : undefined, rows: (r.rows ?? []) as R[] };
}

class ContextConnection implements DatabaseConnection {
  readonly client: pg.PoolClient;
  readonly #ambient: DbContext | null;
  readonly #prepared: boolean;
  inTransaction = false;
  /**
   * Statements (inlined, no parameters) the transaction's COMMIT carries in its one message
   * (runAtCommit), each with the context it was made in: a row made for a tenant is written under
   * that tenant's context even when the transaction has moved to another since.
   */
  atCommit: { text: string; context: string | null; committed?: () => void }[] = [];
  /** The context statement the open transaction runs under now (set at BEGIN, moved by switchContext); null: none. */
  context: string | null = null;
  /**
   * The open savepoints, innermost last, each with what was carried and the context when it was
   * made: rolling back to one drops what its statements queued for the COMMIT and restores its
   * context, as PostgreSQL does for the rows and settings themselves.
   */
  savepoints: { name: string; carried: number; context: string | null }[] = [];
  /**
   * The transaction's `begin; <context>` message, sent but not awaited: the first statement of the
   * transaction is written right behind it (pg's `pipeline: true`), so BEGIN, the context and that
   * statement cost one round trip together.
   */
  begun: Promise<unknown> | null = null;
  /**
   * The open transaction's first failed statement. A statement sent ahead whose failure no later
   * statement reported (the answer is read with the COMMIT) makes the COMMIT fail as "transaction
   * aborted"; the COMMIT reports this one instead (a unique index's refusal answers 409, not 500).
   */
  failure: unknown = null;
  constructor(client: pg.PoolClient, ambient: DbContext | null, prepared: boolean) {
    this.client = client;
    this.#ambient = ambient;
    this.#prepared = prepared;
  }

  /**
   * One message; for several statements, the last one's result. `mayRetry`: the statement is not
   * part of a transaction (its own, or one pipelined around it), so it may be run again on its own.
   */
  async raw(text: string, parameters?: readonly unknown[], mayRetry = !this.inTransaction): Promise<PgResult> {
    const ahead = this.begun;
    if (ahead === null) return this.#send(text, parameters, mayRetry);
    this.begun = null;
    // Written behind what was sent ahead (BEGIN, a context, a row lock). Should that fail, the
    // transaction is aborted and this statement fails with it (25P02): nothing it does is kept;
    // the earlier error is the one reported, and the caller rolls back.
    const sent = this.#send(text, parameters, false);
    const [b, r] = await Promise.allSettled([ahead, sent]);
    if (b.status === 'rejected') throw b.reason;
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  }

  /**
   * Send a statement of the open transaction without waiting for it (a row lock, a context
   * switch): the transaction's next statement is written right behind it and awaits both, so it
   * costs no round trip of its own and reports what failed before it. PostgreSQL runs them in
   * order: the next statement runs once the lock is held. Returns its own answer, for a caller
   * that reads it.
   */
  sendAhead(text: string, parameters?: readonly unknown[]): Promise<PgResult> {
    const before = this.begun;
    const sent = this.#send(text, parameters, false);
    const both = before === null ? sent : Promise.all([before, sent]);
    both.catch(() => {});
    this.begun = both;
    return sent;
  }

  #send(text: string, parameters: readonly unknown[] | undefined, mayRetry: boolean): Promise<PgResult> {
    this.#cork();
    const sent = this.#sendNow(text, parameters, mayRetry);
    if (this.inTransaction) sent.catch((e: unknown) => void (this.failure ??= e));
    return sent;
  }

  async #sendNow(text: string, parameters: readonly unknown[] | undefined, mayRetry: boolean): Promise<PgResult> {
    const name = this.#prepared && parameters !== undefined && parameters.length > 0 ? statementNames.of(text) : undefined;
    if (name === undefined) {
      const r = (await this.client.query(text, parameters ? [...parameters] : undefined)) as unknown as PgResult | PgResult[];
      return Array.isArray(r) ? r[r.length - 1] : r;
    }
    try {
      return (await this.client.query({ name, text, values: [...parameters!] })) as unknown as PgResult;
    } catch (e) {
      if (!isOutdatedPlan(e)) throw e;
      // The columns this statement returns changed under it (a migration another instance ran):
      // every statement is prepared again under new names. Alone, it runs again now (once); in a
      // transaction, the transaction is aborted and the error stands.
      statementNames.renew();
      if (!mayRetry) throw e;
      return this.#sendNow(text, parameters, false);
    }
  }

  #corked = false;
  /**
   * pg writes each statement to the socket as it is sent; the statements of one turn (a
   * transaction's BEGIN and context, a lock sent ahead, the statement behind them) leave in one
   * write once the turn's promise reactions have run.
   */
  #cork(): void {
    if (this.#corked) return;
    const stream = (this.client as unknown as { connection?: { stream?: Partial<Socket> } }).connection?.stream;
    if (stream?.cork === undefined || stream.uncork === undefined) return;
    stream.cork();
    this.#corked = true;
    process.nextTick(() => {
      this.#corked = false;
      stream.uncork!();
    });
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    if (this.inTransaction) this.#followSavepoint(query.sql);
    const ctx = this.inTransaction ? null : effectiveDbContext(this.#ambient);
    if (ctx === null || !mayReadWalledTable(query.query)) return toQueryResult<R>(await this.raw(query.sql, query.parameters));
    // One simple-protocol message, one implicit transaction: the context, then the statement.
    const inlined = inlineParameters(query.sql, query.parameters);
    if (inlined !== null) return toQueryResult<R>(await this.raw(`${contextSql(ctx)};\n${inlined}`));
    // Parameters that do not inline (a byte array, a date, U+0000): begin + context, the statement
    // with its parameters and commit, written back to back on the pipelining connection. If a step
    // fails the transaction is aborted and `commit` rolls it back: nothing is left open.
    const begin = this.raw(`begin; ${contextSql(ctx)}`);
    const result = this.raw(query.sql, query.parameters, false);
    const commit = this.raw('commit');
    const [b, r, c] = await Promise.allSettled([begin, result, commit]);
    if (b.status === 'rejected') throw b.reason;
    if (r.status === 'rejected') throw r.reason;
    if (c.status === 'rejected') throw c.reason;
    return toQueryResult<R>(r.value);
  }

  /** Keeps `savepoints` in step with a savepoint statement the transaction's caller sends as SQL. */
  #followSavepoint(text: string): void {
    const m = SAVEPOINT_STATEMENT.exec(text);
    if (m === null) return;
    const verb = m[1]!.toLowerCase();
    const name = m[2]!.replaceAll('"', '');
    if (verb === 'savepoint') return void this.savepoints.push({ name, carried: this.atCommit.length, context: this.context });
    const at = this.savepoints.findLastIndex((p) => p.name === name);
    if (at < 0) return;
    if (verb.startsWith('release')) return void (this.savepoints.length = at);
    // rolled back to: the savepoint stays, what came after it is undone
    const p = this.savepoints[at]!;
    this.savepoints.length = at + 1;
    this.atCommit.length = p.carried;
    this.context = p.context;
    this.failure = null;
  }

  // biome-ignore lint/correctness/useYield: Kysely's connection interface asks for a generator; this one refuses streaming
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming is not supported by this dialect');
  }
}

class ContextDriver implements Driver {
  readonly #pool: pg.Pool;
  readonly #ambient: DbContext | null;
  readonly #prepared: boolean;
  readonly #connections = new WeakMap<pg.PoolClient, ContextConnection>();
  constructor(pool: pg.Pool, ambient: DbContext | null, prepared: boolean) {
    this.#pool = pool;
    this.#ambient = ambient;
    this.#prepared = prepared;
  }

  async init(): Promise<void> {}

  async acquireConnection(): Promise<DatabaseConnection> {
    const client = await this.#pool.connect();
    let c = this.#connections.get(client);
    if (!c) this.#connections.set(client, (c = new ContextConnection(client, this.#ambient, this.#prepared)));
    c.inTransaction = false;
    c.atCommit = [];
    c.savepoints = [];
    c.context = null;
    c.begun = null;
    c.failure = null;
    return c;
  }

  async beginTransaction(connection: DatabaseConnection, settings: TransactionSettings): Promise<void> {
    const c = connection as ContextConnection;
    let text = 'begin';
    if (settings.isolationLevel || settings.accessMode) {
      text = 'start transaction';
      if (settings.isolationLevel) text += ` isolation level ${settings.isolationLevel}`;
      if (settings.accessMode) text += ` ${settings.accessMode}`;
    }
    const lock = migrationLockStatement();
    if (lock !== null) text += `; ${lock}`;
    const ctx = effectiveDbContext(this.#ambient);
    c.context = ctx === null ? null : contextSql(ctx);
    if (c.context !== null) text += `; ${c.context}`;
    c.atCommit = [];
    c.savepoints = [];
    // Not awaited: the transaction's first statement (or its commit) goes out right behind it and
    // awaits both (ContextConnection.raw). A failure surfaces there; Kysely then rolls back.
    c.sendAhead(text);
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#end(connection as ContextConnection, 'commit');
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    await this.#end(connection as ContextConnection, 'rollback');
  }

  async #end(c: ContextConnection, how: 'commit' | 'rollback'): Promise<void> {
    const carried = c.atCommit;
    const context = c.context;
    c.atCommit = [];
    c.savepoints = [];
    try {
      if (how === 'rollback') {
        // a BEGIN message still in flight is rolled back with the rest; its own failure is not this one's
        const begun = c.begun;
        c.begun = null;
        const done = c.raw('rollback');
        await begun?.catch(() => {});
        return void (await done);
      }
      if (carried.length === 0) {
        // PostgreSQL answers the COMMIT of an aborted transaction with ROLLBACK, not an error
        const r = await c.raw(how);
        if (r.command === 'ROLLBACK' && c.failure !== null) throw c.failure;
        return;
      }
      try {
        // one simple-protocol message: a failing statement skips the rest, the commit with it
        await c.raw(`${commitMessage(carried, context)};\ncommit`);
      } catch (e) {
        await c.raw('rollback').catch(() => {});
        throw isAbortedTransaction(e) && c.failure !== null ? c.failure : e;
      }
      for (const s of carried) s.committed?.();
    } finally {
      c.inTransaction = false;
      c.failure = null;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as ContextConnection).executeQuery(CompiledQuery.raw(`savepoint ${quoteIdent(name)}`));
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as ContextConnection).executeQuery(CompiledQuery.raw(`rollback to savepoint ${quoteIdent(name)}`));
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string): Promise<void> {
    await (connection as ContextConnection).executeQuery(CompiledQuery.raw(`release savepoint ${quoteIdent(name)}`));
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as ContextConnection;
    c.inTransaction = false;
    c.begun = null;
    c.client.release();
  }

  async destroy(): Promise<void> {
    await this.#pool.end();
  }
}


/** 25P02: a statement after a failed one, in the same transaction */
function isAbortedTransaction(e: unknown): boolean {
  return (e as { code?: unknown } | null)?.code === '25P02';
}

function quoteIdent(name: string): string {
  return '"' + name.replaceAll('"', '""') + '"';
}

/**
 * Send `text` (one statement, its values inlined as literals) in the transaction `trx` runs on
 * without waiting for it: it travels with the transaction's next statement, which reports a
 * failure before it (ContextConnection.sendAhead); its answer for a caller that reads it. Null
 * when `trx` is not a transaction on this dialect: the caller runs it now.
 */
export async function sendAhead(trx: Kysely<Database>, text: string): Promise<{ answer: Promise<{ rows: unknown[] }> } | null> {
  return trx.getExecutor().provideConnection(async (c) => (c instanceof ContextConnection && c.inTransaction ? { answer: c.sendAhead(text) } : null));
}

/**
 * Send a write whose result nobody reads (an insert, an update by key) in the open transaction
 * `trx` runs on without waiting for it: it travels with the transaction's next statement, which
 * runs after it and reports its failure (a unique index refusing the row fails that statement and
 * the transaction, with this write's error). Not inside a savepoint, whose release could then be
 * the statement that fails. False when it cannot go ahead (SQLite, no transaction, a savepoint
 * open, a value that does not inline): the caller runs it now. `prepared`: sent with its parameters
 * instead of inlined.
 */
export async function writeAhead(trx: Kysely<Database>, query: CompiledQuery, how: 'inlined' | 'prepared' = 'inlined'): Promise<boolean> {
  return trx.getExecutor().provideConnection(async (c) => {
    if (!(c instanceof ContextConnection) || !c.inTransaction || c.savepoints.length > 0) return false;
    // prepared: sent with its parameters, so a statement the database plans at some cost (a join)
    // is planned once per connection (StatementNames)
    if (how === 'prepared') {
      c.sendAhead(query.sql, query.parameters);
      return true;
    }
    const text = inlineParameters(query.sql, query.parameters);
    if (text === null) return false;
    c.sendAhead(text);
    return true;
  });
}

/**
 * Send a read of the open transaction `trx` runs on without holding the transaction until it is
 * answered (Kysely runs a transaction's statements one at a time): the statements after it are
 * written right behind it, so reads that do not depend on each other share one round trip.
 * Returns its answer to come; null when `trx` is not a transaction on this dialect: the caller
 * runs it as usual.
 */
export async function sendRead<R>(trx: Kysely<Database>, query: CompiledQuery): Promise<{ answer: Promise<QueryResult<R>> } | null> {
  return trx.getExecutor().provideConnection(async (c) => {
    if (!(c instanceof ContextConnection) || !c.inTransaction) return null;
    const answer = c.executeQuery<R>(query);
    answer.catch(() => {});
    return { answer };
  });
}

/**
 * `insert into <table> (<columns>) values (…), …` with every value an SQL literal, run by the
 * COMMIT message of `trx` (runAtCommit): the rows and the commit are one round trip. False when a
 * value does not inline (bytes, a date, U+0000) or `trx` is not a transaction on this dialect: the
 * caller inserts now. The same terms as runAtCommit: nobody reads the result, and nothing in the
 * transaction reads the rows back (an audit row, an outbox row). Table and column names come from
 * the caller's code, never from input.
 */
export async function insertAtCommit(trx: Kysely<Database>, table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<boolean> {
  if (rows.length === 0) return true;
  const tuples: string[] = [];
  for (const row of rows) {
    const lits = row.map(literalOf);
    if (lits.some((l) => l === null)) return false;
    tuples.push(`(${lits.join(', ')})`);
  }
  return runAtCommit(trx, `insert into ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) values ${tuples.join(', ')}`);
}

/**
 * Could this statement touch a table behind the wall? Walks Kysely's query tree: a table node
 * naming a walled table, or any raw SQL (its text may name one), says yes. Parameter values are
 * not walked.
 */
export function mayReadWalledTable(root: unknown): boolean {
  const stack: unknown[] = [root];
  while (stack.length > 0) {
    const n = stack.pop();
    if (Array.isArray(n)) {
      for (const x of n) stack.push(x);
      continue;
    }
    if (n === null || typeof n !== 'object') continue;
    const kind = (n as { kind?: unknown }).kind;
    if (typeof kind !== 'string') continue;
    if (kind === 'RawNode') return true;
    if (kind === 'TableNode') {
      if (WALLED_TABLES.has((n as { table: { identifier: { name: string } } }).table.identifier.name)) return true;
      continue;
    }
    if (kind === 'ValueNode' || kind === 'PrimitiveValueListNode') continue;
    for (const v of Object.values(n)) if (v !== null && typeof v === 'object') stack.push(v);
  }
  return false;
}

/**
 * Run `text` (one statement, its values inlined as literals) in the COMMIT message of the
 * transaction `trx` runs on: the statement and the commit are one round trip, not two. False when
 * `trx` is not a transaction on this dialect (SQLite, a plain connection): the caller runs it now.
 * A failing statement fails the commit and the transaction rolls back. Only for a statement whose
 * result nobody reads and whose effect nothing in the transaction reads back (an outbox row); a
 * savepoint it was made in that is rolled back drops it, as PostgreSQL drops that savepoint's rows.
 * `committed` runs once the COMMIT that carried it is kept (never for a dropped or failed one).
 */
export async function runAtCommit(trx: Kysely<Database>, text: string, committed?: () => void): Promise<boolean> {
  return trx.getExecutor().provideConnection(async (c) => {
    if (!(c instanceof ContextConnection) || !c.inTransaction) return false;
    c.atCommit.push({ text, context: c.context, committed });
    return true;
  });
}

/**
 * Move the open transaction `trx` runs on to the context `text` sets (contextSql), sent ahead of
 * its next statement (no round trip of its own). False when `trx` is not a transaction on this
 * dialect: the caller runs it now.
 */
export async function switchContext(trx: Kysely<Database>, text: string): Promise<boolean> {
  return trx.getExecutor().provideConnection(async (c) => {
    if (!(c instanceof ContextConnection) || !c.inTransaction) return false;
    c.context = text;
    c.sendAhead(text);
    return true;
  });
}

/** `savepoint x`, `release [savepoint] x`, `rollback [work|transaction] to [savepoint] x`. */
const SAVEPOINT_STATEMENT = /^\s*(savepoint|release(?:\s+savepoint)?|rollback(?:\s+(?:work|transaction))?\s+to(?:\s+savepoint)?)\s+("[^"]+"|\w+)\s*;?\s*$/i;

/** Every context setting emptied: what a transaction begun without a context sees. */
const NO_CONTEXT = 'select ' + DB_SETTINGS.map((k) => `set_config('${k}', '', true)`).join(', ');

/**
 * The statements a COMMIT carries, each under the context it was made in: a context statement goes
 * before one made under another context than the statement before it (the first is compared with
 * the transaction's context at its end).
 */
function commitMessage(carried: readonly { text: string; context: string | null }[], context: string | null): string {
  const parts: string[] = [];
  let running = context;
  for (const s of carried) {
    if (s.context !== running) parts.push(s.context ?? NO_CONTEXT);
    running = s.context;
    parts.push(s.text);
  }
  return parts.join(';\n');
}
