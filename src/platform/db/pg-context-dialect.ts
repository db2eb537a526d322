/**
 * Kysely's PostgreSQL dialect with the row-level-security context (db-context.ts) attached to
 * every statement, at no extra round trip:
 *  - a transaction's BEGIN carries it: `begin; select set_config(…, true)` is one simple-protocol
 *    message (and, for mutate(), the write lock too: `; select pg_advisory_xact_lock(…)`, which
 *    saves the round trip mutate() used to spend on it);
 *  - a statement outside a transaction runs in a short one of its own: `begin; set_config(…)`,
 *    the statement (extended protocol, parameters as before) and `commit` are written together
 *    on a pipelining connection (pg's `pipeline: true`), so the three cost one round trip.
 * The settings are transaction-local: nothing outlives the statement or transaction that set
 * it, so a pooled connection handed to the next tenant carries nothing over. A statement without
 * a context is sent unchanged (it sees no tenant row), and so is a lone statement that reads no
 * walled table (its query tree names none and holds no raw SQL): most of a request's statements
 * (sessions, users, partners, apps, the OAuth store) cost exactly what they did before the wall.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { CompiledQuery, PostgresDialect, type DatabaseConnection, type Driver, type PostgresDialectConfig, type QueryCompiler, type QueryResult, type TransactionSettings } from 'kysely';
import { contextSql, effectiveDbContext, type DbContext } from './db-context.ts';
import { WALLED_TABLES } from './rls.ts';

/** Arbitrary constant: the advisory lock that orders all mutating transactions (see mutate()). */
export const WRITE_LOCK = 727_001;
const LOCK_SQL = `select pg_advisory_xact_lock(${WRITE_LOCK})`;

interface LockRequest {
  pending: boolean;
}
const lockRequests = new AsyncLocalStorage<LockRequest>();

/**
 * Runs `fn`, whose first transaction must take the write lock. Returns whether the driver took it
 * with that transaction's BEGIN (`taken()` after the transaction began); when it did not (another
 * dialect), the caller takes the lock itself.
 */
export function withWriteLockRequest<T>(fn: (taken: () => boolean) => Promise<T>): Promise<T> {
  const request: LockRequest = { pending: true };
  return lockRequests.run(request, () => fn(() => !request.pending));
}

function takeLockRequest(): boolean {
  const r = lockRequests.getStore();
  if (!r || !r.pending) return false;
  r.pending = false;
  return true;
}

export class ContextPostgresDialect extends PostgresDialect {
  readonly #ambient: DbContext | null;
  /** `ambient`: the context of statements sent outside any scope (see effectiveDbContext); none in production. */
  constructor(config: PostgresDialectConfig, ambient: DbContext | null = null) {
    super(config);
    this.#ambient = ambient;
  }

  override createDriver(): Driver {
    return new ContextDriver(super.createDriver(), this.#ambient);
  }
}

class ContextConnection implements DatabaseConnection {
  readonly inner: DatabaseConnection;
  readonly #ambient: DbContext | null;
  inTransaction = false;
  constructor(inner: DatabaseConnection, ambient: DbContext | null) {
    this.inner = inner;
    this.#ambient = ambient;
  }

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const ctx = this.inTransaction ? null : effectiveDbContext(this.#ambient);
    if (ctx === null || !mayReadWalledTable(query.query)) return this.inner.executeQuery<R>(query);
    // Written back to back: with a pipelining pool the three share one round trip. If any step
    // fails the transaction is aborted and `commit` rolls it back: nothing is left open.
    const begin = this.inner.executeQuery(CompiledQuery.raw(`begin; ${contextSql(ctx)}`));
    const result = this.inner.executeQuery<R>(query);
    const commit = this.inner.executeQuery(CompiledQuery.raw('commit'));
    const [b, r, c] = await Promise.allSettled([begin, result, commit]);
    if (b.status === 'rejected') throw b.reason;
    if (r.status === 'rejected') throw r.reason;
    if (c.status === 'rejected') throw c.reason;
    return r.value;
  }

  streamQuery<R>(query: CompiledQuery, chunkSize?: number): AsyncIterableIterator<QueryResult<R>> {
    if (!this.inTransaction && effectiveDbContext(this.#ambient) !== null) throw new Error('stream a query inside a transaction: its context is set with BEGIN');
    return this.inner.streamQuery<R>(query, chunkSize);
  }
}

class ContextDriver implements Driver {
  readonly #inner: Driver;
  readonly #ambient: DbContext | null;
  readonly #connections = new WeakMap<DatabaseConnection, ContextConnection>();
  constructor(inner: Driver, ambient: DbContext | null) {
    this.#inner = inner;
    this.#ambient = ambient;
  }

  init(): Promise<void> {
    return this.#inner.init();
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const inner = await this.#inner.acquireConnection();
    let c = this.#connections.get(inner);
    if (!c) this.#connections.set(inner, (c = new ContextConnection(inner, this.#ambient)));
    c.inTransaction = false;
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
    const ctx = effectiveDbContext(this.#ambient);
    if (ctx !== null) text += `; ${contextSql(ctx)}`;
    if (takeLockRequest()) text += `; ${LOCK_SQL}`;
    try {
      await c.inner.executeQuery(CompiledQuery.raw(text));
    } catch (e) {
      // BEGIN may have opened the transaction before a later statement of the message failed.
      await c.inner.executeQuery(CompiledQuery.raw('rollback')).catch(() => {});
      throw e;
    }
    c.inTransaction = true;
  }

  async commitTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as ContextConnection;
    try {
      await c.inner.executeQuery(CompiledQuery.raw('commit'));
    } finally {
      c.inTransaction = false;
    }
  }

  async rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    const c = connection as ContextConnection;
    try {
      await c.inner.executeQuery(CompiledQuery.raw('rollback'));
    } finally {
      c.inTransaction = false;
    }
  }

  async savepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#inner.savepoint!((connection as ContextConnection).inner, name, compile);
  }

  async rollbackToSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#inner.rollbackToSavepoint!((connection as ContextConnection).inner, name, compile);
  }

  async releaseSavepoint(connection: DatabaseConnection, name: string, compile: QueryCompiler['compileQuery']): Promise<void> {
    await this.#inner.releaseSavepoint!((connection as ContextConnection).inner, name, compile);
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const c = connection as ContextConnection;
    c.inTransaction = false;
    await this.#inner.releaseConnection(c.inner);
  }

  destroy(): Promise<void> {
    return this.#inner.destroy();
  }
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
