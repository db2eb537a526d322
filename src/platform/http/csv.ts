/**
 * The one CSV writer: RFC 4180 (fields with a comma, a double quote, CR or LF are quoted and
 * their quotes doubled; CRLF after every record, the last included) — and safe to open in a
 * spreadsheet: a cell starting with = + - @, a tab or a carriage return would be run as a
 * formula (CSV injection, OWASP), so it gets a leading apostrophe and reads as text.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell: null and undefined are empty. */
export function csvCell(value: unknown): string {
  const s = value === null || value === undefined ? '' : String(value);
  const safe = FORMULA_START.test(s) ? `'${s}` : s;
  return NEEDS_QUOTES.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A whole file: the header record, then one record per row. */
export function toCsv(header: readonly string[], rows: Iterable<readonly unknown[]>): string {
  const lines = [header.map(csvCell).join(',')];
  for (const row of rows) lines.push(row.map(csvCell).join(','));
  return lines.join('\r\n') + '\r\n';
}
