/**
 * Database errors mapped to stable codes, one table for both dialects: a unique violation on a
 * known index becomes a 409 with that index's code; a database that cannot be reached (refused,
 * reset, terminated, shutting down, no free connection in time) a 503 `database_unavailable`
 * with Retry-After — never a 500.
 */
import { AppError } from './app-error.ts';
import { platformErrors } from './platform.errors.ts';

/** index/constraint name → [code, detail] */
const UNIQUE_CODES: Record<string, [string, string]> = {};

export function registerUniqueConstraint(name: string, code: string, detail: string): void {
  UNIQUE_CODES[name] = [code, detail];
}

/**
 * SQLSTATE class 22 (data exception) codes caused by the text a client sent:
 * 22021 character_not_in_repertoire (e.g. U+0000), 22P05 untranslatable_character,
 * 22019 invalid_escape_character, 22025 invalid_escape_sequence, 22P06 nonstandard_use_of_escape_character.
 */
const PG_INVALID_TEXT = new Set(['22021', '22P05', '22019', '22025', '22P06']);

interface PgError {
  code?: string;
  constraint?: string;
  detail?: string;
}

/** Seconds a client is told to wait (Retry-After) while the database is unavailable. */
export const DATABASE_RETRY_AFTER_SEC = 5;

/** Socket errors of a connection to a server that is not there (any more). */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED']);

/**
 * SQLSTATEs of a server that cannot serve right now: class 08 (connection exception), 57P01
 * admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now (starting up, shutting down,
 * recovering), 53300 too_many_connections.
 */
const PG_UNAVAILABLE = /^(08...|57P0[123]|53300)$/;

/**
 * 0A000 with this text: a prepared statement (pg-context-dialect.ts) whose result columns another
 * instance's migration changed. The dialect prepares every statement again at once; only a
 * transaction that was running that moment fails, and the same request succeeds when sent again.
 */
export function isOutdatedPlan(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return e?.code === '0A000' && typeof e.message === 'string' && e.message.includes('cached plan must not change result type');
}

/**
 * 25006 read_only_sql_transaction: the server is a standby (a primary demoted by a failover, or a
 * connection that reached a replica). The write may succeed on the new primary: 503, and the
 * connection is dropped (database.ts) so the next one finds it.
 */
export function isReadOnlyServer(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === '25006';
}

/** What pg says when a connection dies, times out or cannot be had from the pool in time (message prefixes). */
const UNAVAILABLE_MESSAGES = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error and is not queryable|Client was closed and is not queryable|Connection ended unexpectedly)/;

/**
 * true when `err` says the database cannot be reached or cannot serve now (as opposed to a query
 * it refused): the request may succeed later, unchanged.
 */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  const e = err as { code?: unknown; message?: unknown; errors?: unknown; cause?: unknown } | null;
  if (!e || typeof e !== 'object' || depth > 3) return false;
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.test(e.code))) return true;
  if (isReadOnlyServer(e)) return true;
  if (typeof e.message === 'string' && UNAVAILABLE_MESSAGES.test(e.message)) return true;
  if (isOutdatedPlan(e)) return true;
  // a connect to several addresses (localhost: ::1 and 127.0.0.1) fails with every attempt's error
  if (Array.isArray(e.errors) && e.errors.length > 0 && e.errors.every((x) => isDatabaseUnavailable(x, depth + 1))) return true;
  return e.cause !== undefined && isDatabaseUnavailable(e.cause, depth + 1);
}

/** The answer to a request that needs the database while it is away. */
export function databaseUnavailable(detail = 'The database is unavailable right now; try again shortly.'): AppError {
  return platformErrors.database_unavailable(detail, { headers: { 'retry-after': String(DATABASE_RETRY_AFTER_SEC) } });
}

/**
 * PostgreSQL refused a row the statement's row-level-security context does not cover ("new row
 * violates row-level security policy", 42501): the second wall caught what the application's
 * checks let through. Worth a log line (a bug or an attack), never a 500.
 */
export function isRlsViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return !!e && typeof e === 'object' && e.code === '42501' && typeof e.message === 'string' && e.message.includes('row-level security');
}

/** Returns an AppError for a recognised constraint violation or an unreachable database, or null. */
export function mapDbError(err: unknown): AppError | null {
  const e = err as PgError & { message?: string; errcode?: number; errstr?: string };
  if (!e || typeof e !== 'object') return null;
  if (isDatabaseUnavailable(err)) return databaseUnavailable();
  // PostgreSQL
  if (e.code === '23505') {
    const mapped = e.constraint ? UNIQUE_CODES[e.constraint] : undefined;
    return new AppError(mapped?.[0] ?? 'conflict', 409, mapped?.[1] ?? 'A record with these values already exists.');
  }
  // To the caller, a row outside its context is a record that does not exist (CONVENTIONS: 404 for another tenant's).
  if (isRlsViolation(e)) return new AppError('not_found', 404, 'No such record.');
  if (e.code === '23503') return new AppError('conflict', 409, 'The record refers to, or is referred to by, another record.');
  if (e.code === '23514' || e.code === '22P02' || e.code === '22001') {
    return new AppError('validation_failed', 400, 'A value does not satisfy the data constraints.');
  }
  // Text PostgreSQL cannot store (NUL, invalid or untranslatable characters, bad escapes): the
  // validation layer refuses these first; this is the safety net for any path it does not see.
  if (typeof e.code === 'string' && PG_INVALID_TEXT.has(e.code)) {
    return new AppError('validation_failed', 400, 'A value contains characters that cannot be stored.');
  }
  // SQLite (node:sqlite): message "UNIQUE constraint failed: tenants.slug"
  const msg = typeof e.message === 'string' ? e.message : '';
  const unique = /UNIQUE constraint failed: ([\w.]+(?:, [\w.]+)*)/.exec(msg);
  if (unique) {
    const cols = unique[1].split(', ').map((c) => c.trim());
    const table = cols[0].split('.')[0];
    const name = `${table}_${cols.map((c) => c.split('.')[1]).join('_')}_key`;
    const mapped = UNIQUE_CODES[name];
    return new AppError(mapped?.[0] ?? 'conflict', 409, mapped?.[1] ?? 'A record with these values already exists.');
  }
  if (/FOREIGN KEY constraint failed/.test(msg)) {
    return new AppError('conflict', 409, 'The record refers to, or is referred to by, another record.');
  }
  if (/CHECK constraint failed/.test(msg)) {
    return new AppError('validation_failed', 400, 'A value does not satisfy the data constraints.');
  }
  return null;
}
