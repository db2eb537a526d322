/**
 * Opens the database: PostgreSQL when DATABASE_URL is set, else embedded SQLite in DATA_DIR.
 * Nothing connects at import time.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kysely, sql, type CompiledQuery, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { nodeSqliteDialect } from './sqlite-dialect.ts';
import { ContextPostgresDialect, inlineParameters, sendAhead, sendRead, switchContext, writeAhead } from './pg-context-dialect.ts';
import { contextSql, currentDbContext, tenantContext, type DbContext } from './db-context.ts';
import { isReadOnlyServer } from '../errors/db-errors.ts';

/** The SQLite database's file name inside DATA_DIR. */
export const SQLITE_FILE = 'partnergate.db';

import type { Dialect } from './dialect.ts';
export type { Dialect } from './dialect.ts';

export interface Db {
  readonly kysely: Kysely<Database>;
  readonly dialect: Dialect;
  /** true when a trivial query answers (readiness). */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** PostgreSQL: the connection pool's counts (metrics); SQLite has none */
  readonly pool?: { readonly totalCount: number; readonly idleCount: number; readonly waitingCount: number };
}

export type Tx = Transaction<Database>;
export type Executor = Kysely<Database> | Tx;

// bigint (int8) and numeric as JS numbers: counts and sequences stay far below 2^53.
pg.types.setTypeParser(20, (v) => Number.parseInt(v, 10));

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  dataDir: string;
  /** SQLite file name inside dataDir (default partnergate.db); ':memory:' allowed. */
  sqliteFile?: string;
  poolSize?: number;
  /** PostgreSQL: how long a query waits for a connection (a new one, or a free one of the pool) before it fails (default 5000 ms) */
  connectTimeoutMs?: number;
  /** PostgreSQL: how long a query waits for its answer before it fails and its connection is dropped (default 30000 ms; 0 = forever) */
  queryTimeoutMs?: number;
  /** a connection's error that no query is waiting for (the server went away between queries) */
  onConnectionError?: (err: unknown) => void;
  /**
   * PostgreSQL: the row-level-security context of statements sent outside any scope (no request,
   * no withDbContext). None in production — they see no tenant row; a test harness may give its
   * own direct calls the system's.
   */
  ambientContext?: DbContext | null;
  /** PostgreSQL: named prepared statements for the statements run often (DATABASE_PREPARED_STATEMENTS; default true) */
  preparedStatements?: boolean;
}

export function openDatabase(opts: OpenDatabaseOptions): Db {
  if (opts.databaseUrl) {
    const queryTimeout = opts.queryTimeoutMs ?? 30_000;
    const pool = new pg.Pool({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      // bounded waits: a database that is away answers 503 database_unavailable, not a request that hangs
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 5000,
      ...(queryTimeout > 0 ? { query_timeout: queryTimeout } : {}),
      // pipeline: a statement outside a transaction is written together with the BEGIN that sets
      // its row-level-security context and its COMMIT (pg-context-dialect.ts): one round trip.
      pipeline: true,
    });
    guardPool(pool, opts.onConnectionError ?? (() => {}));
    const kysely = new Kysely<Database>({ dialect: new ContextPostgresDialect(pool, opts.ambientContext ?? null, { prepared: opts.preparedStatements }) });
    return {
      kysely,
      dialect: 'postgres',
      pool,
      ping: () => ping(kysely),
      close: () => kysely.destroy(),
    };
  }
  const file = opts.sqliteFile ?? SQLITE_FILE;
  let location = file;
  if (file !== ':memory:') {
    mkdirSync(opts.dataDir, { recursive: true });
    location = path.join(opts.dataDir, file);
  }
  const { dialect } = nodeSqliteDialect(location);
  const kysely = new Kysely<Database>({ dialect });
  return {
    kysely,
    dialect: 'sqlite',
    ping: () => ping(kysely),
    close: () => kysely.destroy(),
  };
}

/**
 * No error of a connection may exit the process. pg emits 'error' on a client when its server goes
 * away (killed, restarted: ECONNRESET, "Connection terminated unexpectedly", 57P01) while no query
 * of it is running; the pool listens only while the client is idle, so one checked out between
 * two queries (a transaction, a Kysely connection) would emit it with no listener — and an
 * EventEmitter's unheard 'error' is thrown. Every client gets its own listener the moment it
 * connects. A query that gets no answer within `queryTimeoutMs` (a frozen server) fails, and its
 * connection is destroyed rather than handed out again with the old query still in flight. So is
 * a connection whose server refused a write as read-only (25006): after a failover it still
 * reaches the old primary, now a standby, and the next connection must find the new one.
 */
function guardPool(pool: pg.Pool, onError: (err: unknown) => void): void {
  pool.on('error', onError);
  pool.on('connect', (client) => {
    client.on('error', onError);
    const query = client.query.bind(client) as (...args: unknown[]) => unknown;
    (client as unknown as { query: typeof query }).query = (...args) => {
      const r = query(...args);
      if (r instanceof Promise) {
        r.catch((e: unknown) => {
          if ((e as Error | null)?.message === 'Query read timeout' || isReadOnlyServer(e)) (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
        });
      }
      return r;
    };
  });
}

/** How long /readyz waits for `select 1` before it calls the database absent. */
const PING_TIMEOUT_MS = 2000;

async function ping(kysely: Kysely<Database>): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), PING_TIMEOUT_MS);
    });
    return await Promise.race([sql`select 1`.execute(kysely).then(() => true), timeout]);
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Run `fn` in a transaction that writes. No lock is shared by all writers (so writes grow with instances): what the
 * old global advisory lock bought is kept by narrower means —
 *  - the change feed tails the outbox by transaction id behind PostgreSQL's snapshot horizon, so
 *    a late commit is never skipped (change-feed.ts);
 *  - the audit log appends without a chain head and one sealer chains what committed
 *    (AuditLog.seal);
 *  - each read-then-write that must not interleave names its own guarantee where it happens: a
 *    row lock (`lockRows`), a unique constraint, or an `UPDATE … WHERE` compare-and-set.
 * SQLite has a single writer anyway.
 */
export async function mutate<T>(db: Db, fn: (trx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.transaction().execute(fn);
}

/**
 * What a service's writes share, made once per service: the time now as ISO text (from the
 * service's clock, so tests can move it) and `mutateAndKick` on its database and change feed.
 * `deps` is read at each call, so a class may make this before its constructor stores them.
 */
export function serviceWrites(deps: () => { db: Db; feed: { kick(): Promise<void> }; clock: { now(): Date } }) {
  return {
    now: (): string => deps().clock.now().toISOString(),
    write: <T>(fn: (trx: Tx) => Promise<T>): Promise<T> => mutateAndKick(deps().db, deps().feed, fn),
  };
}

/**
 * `mutate`, then nudge the change feed so the decision snapshot and every other consumer read the
 * change at once — on failure too, since a half-run caller may have committed in an inner step.
 * The services' one way to write.
 */
export async function mutateAndKick<T>(
  db: Db,
  feed: { kick(): Promise<void> },
  fn: (trx: Tx) => Promise<T>,
): Promise<T> {
  try {
    return await mutate(db, fn);
  } finally {
    await feed.kick();
  }
}

/**
 * Run a read that aggregates every row of many tenants (the consolidated MSP views: 120,000
 * invoices of 1,000 customers) with its index costed as it is read. PostgreSQL cannot see through
 * the row-level-security policy's terms and estimates under 1 % of a walled table's rows, so at the
 * default random_page_cost (4) it sums them with a sequential scan and a sort that spills to disk
 * (usage per month: ~100 ms) rather than walking the covering index in group order (~30 ms,
 * migration 0020). `random_page_cost = 1.1` (an index held in memory, or an SSD) for this one
 * transaction only; nothing else changes, and the wall and the query's own filter are the same.
 * SQLite plans these by its indexes already.
 */
export async function readAggregate<T>(db: Db, fn: (ex: Executor) => Promise<T>): Promise<T> {
  if (db.dialect !== 'postgres') return fn(db.kysely);
  return db.kysely.transaction().execute(async (trx) => {
    await sql`set local random_page_cost = 1.1`.execute(trx);
    return fn(trx);
  });
}

/**
 * Lock the rows of `table` matching every `where` column (PostgreSQL; one statement) until the
 * transaction ends — the narrow guarantee of a read-then-write that must not interleave with
 * another writer's. Take it before reading what the decision rests on: a writer that had to wait
 * then reads the rows as the one before it committed them (READ COMMITTED reads anew per
 * statement). `share` lets readers that share in, and stops anyone changing the rows. SQLite has
 * one writer: nothing to do. Table and column names come from the caller's code, never from input.
 */
export async function lockRows(db: Db, trx: Tx, table: keyof Database & string, where: Record<string, string>, mode: 'update' | 'share' = 'update'): Promise<void> {
  if (db.dialect !== 'postgres') return;
  const conds = Object.entries(where).map(([c, v]) => sql`${sql.ref(c)} = ${v}`);
  const q = sql`select 1 from ${sql.table(table)} where ${sql.join(conds, sql` and `)} ${mode === 'update' ? sql`for update` : sql`for share`}`;
  // sent ahead of the transaction's next statement (the read the lock guards): no round trip of its own
  const compiled = q.compile(trx);
  const text = inlineParameters(compiled.sql, compiled.parameters);
  if (text === null || !(await sendAhead(trx, text))) await q.execute(trx);
}

/**
 * A write of the transaction whose result nobody reads (an insert, an update by key): on
 * PostgreSQL it travels with the transaction's next statement instead of costing a round trip of
 * its own, and that statement reports its failure (writeAhead); elsewhere it runs now.
 */
export async function writeSoon(ex: Executor, query: { compile(): CompiledQuery; execute(): Promise<unknown> }): Promise<void> {
  if (!(ex.isTransaction && (await writeAhead(ex, query.compile())))) await query.execute();
}

/** A select not yet run: its rows' type and how to run it. */
interface PendingRead<R> {
  compile(): CompiledQuery;
  execute(): Promise<R[]>;
}
type RowsOf<Q> = Q extends PendingRead<infer R> ? R[] : never;

/**
 * Reads of one transaction that do not depend on each other, each one's rows in order: on
 * PostgreSQL written back to back (one round trip for all; a lock sent ahead still comes first),
 * elsewhere one after the other.
 */
export async function readTogether<const Q extends readonly PendingRead<unknown>[]>(ex: Executor, queries: Q): Promise<{ -readonly [K in keyof Q]: RowsOf<Q[K]> }> {
  const sent: ({ answer: Promise<{ rows: unknown[] }> } | null)[] = [];
  for (const q of queries) sent.push(ex.isTransaction ? await sendRead(ex, q.compile()) : null);
  const out: unknown[][] = [];
  for (const [i, q] of queries.entries()) {
    const s = sent[i];
    out.push(s ? (await s.answer).rows : await q.execute());
  }
  return out as { -readonly [K in keyof Q]: RowsOf<Q[K]> };
}

/**
 * A read whose answer the caller takes once the transaction has committed (the write's answer, as
 * the transaction leaves it): on PostgreSQL it is written just before the COMMIT and costs no
 * round trip of its own; elsewhere it runs now. Wrapped, so that returning it from the
 * transaction's function does not wait for it.
 */
export async function readWithCommit<R>(ex: Executor, query: PendingRead<R>): Promise<{ rows: Promise<R[]> }> {
  const s = ex.isTransaction ? await sendRead<R>(ex, query.compile()) : null;
  if (s) {
    const rows = s.answer.then((r) => r.rows);
    // its failure is the transaction's: the COMMIT reports it, and a caller that never reads the rows is not told twice
    rows.catch(() => {});
    return { rows };
  }
  const rows = await query.execute();
  return { rows: Promise.resolve(rows) };
}

/**
 * A transaction-scoped advisory lock on one named, rare operation (PostgreSQL): for an invariant
 * with no row to lock yet — the first of something. Never for the common write path.
 */
export async function lockOperation(db: Db, trx: Tx, key: number): Promise<void> {
  if (db.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${key})`.execute(trx);
}

/**
 * Switch the rest of this transaction to `ctx` (PostgreSQL; one statement). For a service step
 * that has just proved the right to act for an organization the request's context does not name
 * (an invitation's token, a tenant it is creating), so the rows it writes pass the wall.
 */
export async function enterDbContext(db: Db, trx: Tx, ctx: DbContext): Promise<void> {
  // sent ahead of the transaction's next statement, which it applies to: no round trip of its own
  if (db.dialect === 'postgres' && !(await switchContext(trx, contextSql(ctx)))) await sql.raw(contextSql(ctx)).execute(trx);
}

/**
 * The rest of this transaction may also touch `tenantId`: a tenant the service has just created
 * (a wholesaler's home or resold tenant). A partner's context keeps what it had and gains the
 * tenant; any other narrow context becomes the tenant's; system and operator see it already.
 */
export async function includeTenant(db: Db, trx: Tx, tenantId: string): Promise<void> {
  const cur = currentDbContext();
  if (cur?.kind === 'system' || cur?.kind === 'operator') return;
  const next: DbContext = cur?.kind === 'partner' ? { kind: 'partner', partnerId: cur.partnerId, tenantIds: [...cur.tenantIds, tenantId] } : tenantContext(tenantId);
  await enterDbContext(db, trx, next);
}
