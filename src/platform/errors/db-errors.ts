/**
 * Database constraint violations mapped to stable codes, one table for both dialects.
 * A unique violation on a known index becomes a 409 with that index's code.
 */
import { AppError } from './app-error.ts';

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

/**
 * PostgreSQL refused a row the statement's row-level-security context does not cover ("new row
 * violates row-level security policy", 42501): the second wall caught what the application's
 * checks let through. Worth a log line (a bug or an attack), never a 500.
 */
export function isRlsViolation(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  return !!e && typeof e === 'object' && e.code === '42501' && typeof e.message === 'string' && e.message.includes('row-level security');
}

/** Returns an AppError for a recognised constraint violation, or null. */
export function mapDbError(err: unknown): AppError | null {
  const e = err as PgError & { message?: string; errcode?: number; errstr?: string };
  if (!e || typeof e !== 'object') return null;
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
