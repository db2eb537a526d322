/**
 * CSV import, for the first load and for systems without an API: a file of one kind of record,
 * its columns mapped to the kind's fields (matched by header names, changeable), checked row by
 * row without I/O, then applied through the data sources' applier — the same rules as the sync API.
 * Each row becomes one sync line: `external_id` names the record, `version` (when the file has one)
 * orders re-imports; without it the import's time is the version, so a newer file wins.
 * Money columns are in minor units (cents), as in the sync API; a day (2026-11-01) is read as
 * midnight UTC.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { TSchema } from 'typebox';
import { isRealTime, KIND_FIELDS, LINE_KINDS, parseLine, type LineKind } from '../datasources/index.ts';
import { dataFeedErrors as E } from './datafeeds.errors.ts';

export const IMPORT_KINDS = Object.keys(LINE_KINDS) as LineKind[];
export const MAX_IMPORT_ROWS = 10_000;
export const PREVIEW_ROWS = 10;

type FieldType = 'text' | 'integer' | 'number' | 'time' | 'month' | 'currency' | 'choice';
export interface ImportField {
  name: string;
  required: boolean;
  type: FieldType;
  choices?: string[];
  /** in words, for the portal and the template */
  hint: string;
}

interface JsonSchema {
  type?: string;
  pattern?: string;
  anyOf?: JsonSchema[];
  const?: unknown;
  properties?: Record<string, JsonSchema>;
  required?: string[];
}

function fieldOf(name: string, s: JsonSchema, required: boolean): ImportField {
  const options = (s.anyOf ?? [s]).filter((x) => x.type !== 'null');
  if (options.length > 1 || options[0].const !== undefined) {
    const choices = options.map((o) => String(o.const));
    return { name, required, type: 'choice', choices, hint: `one of ${choices.join(', ')}` };
  }
  const o = options[0];
  if (o.type === 'integer') return { name, required, type: 'integer', hint: name.endsWith('_cents') ? 'whole number of cents (minor units)' : 'whole number' };
  if (o.type === 'number') return { name, required, type: 'number', hint: 'number' };
  if (o.pattern?.startsWith('^\\d{4}-(0[1-9]')) return { name, required, type: 'month', hint: 'month, YYYY-MM' };
  if (o.pattern === '^[A-Z]{3}$') return { name, required, type: 'currency', hint: 'three-letter currency code, e.g. EUR' };
  if (o.pattern?.includes('T\\d{2}')) return { name, required, type: 'time', hint: 'date (2026-11-01) or date and time (2026-11-01T09:30:00Z)' };
  return { name, required, type: 'text', hint: 'text' };
}

/** A kind's columns: external_id, then its fields (required first, as the sync API defines them), then version. */
export function importFields(kind: LineKind): ImportField[] {
  const schema = KIND_FIELDS[kind] as unknown as JsonSchema & TSchema;
  const req = new Set(schema.required ?? []);
  const fields = Object.entries(schema.properties ?? {}).map(([n, s]) => fieldOf(n, s, req.has(n)));
  if (kind === 'ticket') for (const f of fields) if (f.name === 'ban' || f.name === 'tenant_ref') f.hint = 'billing account number or customer reference (one of the two)';
  return [
    { name: 'external_id', required: true, type: 'text', hint: 'your system’s id for the record' },
    ...fields.filter((f) => f.required),
    ...fields.filter((f) => !f.required),
    { name: 'version', required: false, type: 'integer', hint: 'whole number that grows with each change (optional)' },
  ];
}

export function requireKind(kind: string): LineKind {
  if (!(IMPORT_KINDS as string[]).includes(kind)) throw E.import_kind_unknown(`There is no kind "${kind}". The kinds: ${IMPORT_KINDS.join(', ')}.`);
  return kind as LineKind;
}

const EXAMPLES: Record<LineKind, Record<string, string>> = {
  billing_account: { external_id: 'acct-77', account_number: 'BAN-7700001', tenant_ref: 'acme-fiber', name: 'Acme — Head office', currency: 'EUR', status: 'active' },
  invoice: { external_id: 'INV-2026-0042', ban: 'BAN-7700001', number: 'INV-2026-0042', period: '2026-10', issued_at: '2026-11-01', due_at: '2026-11-15', currency: 'EUR', subtotal_cents: '10000', tax_cents: '2000', total_cents: '12000', balance_cents: '12000', status: 'open' },
  payment: { external_id: 'PAY-9001', invoice_external_id: 'INV-2026-0042', amount_cents: '12000', paid_at: '2026-11-10T09:30:00Z' },
  service: { external_id: 'SVC-12', ban: 'BAN-7700001', product_code: 'FIBER-1G', name: 'Fiber 1 Gbit/s', status: 'active', monthly_price_cents: '50000', currency: 'EUR', location: 'Denver, CO', bandwidth_mbps: '1000' },
  order: { external_id: 'ORD-5', ban: 'BAN-7700001', product_code: 'FIBER-1G', product_name: 'Fiber 1 Gbit/s', quantity: '1', unit_price_cents: '50000', total_cents: '50000', currency: 'EUR', status: 'submitted', placed_at: '2026-11-02' },
  ticket: { external_id: 'HD-311', tenant_ref: 'acme-fiber', subject: 'Packet loss at the branch', description: 'Since this morning', category: 'technical', priority: 'high', status: 'open', opened_at: '2026-11-12T07:55:00Z' },
  usage: { external_id: 'USG-1', ban: 'BAN-7700001', period: '2026-10', metric: 'data_gb', quantity: '12.5', amount_cents: '1250', currency: 'EUR' },
  subscriber: { external_id: 'SUB-4471', ban: 'BAN-7700001', number: '4471', name: 'Dana Reyes', status: 'active', plan: 'Home Fiber 500', email: 'dana@example.net', service_address: '12 Elm Street, Denver, CO', activated_at: '2026-03-01T00:00:00Z' },
  sla: { external_id: 'SLA-1', ban: 'BAN-7700001', period: '2026-10', target_pct: '99.9', achieved_pct: '99.95', downtime_minutes: '20', incidents: '1' },
};

/** A downloadable template: the kind's columns and one example row. */
export function template(kind: LineKind): string {
  const cols = importFields(kind).map((f) => f.name);
  return stringify([cols, cols.map((c) => EXAMPLES[kind][c] ?? '')]);
}

export interface ParsedFile {
  columns: string[];
  rows: string[][];
}

/** Read the file: a header row, then data rows (a byte-order mark and blank lines ignored). */
export function readCsv(text: string): ParsedFile {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    throw E.import_file_invalid(`The file is not valid CSV: ${(e as Error).message.slice(0, 200)}`);
  }
  if (records.length === 0) throw E.import_file_invalid('The file is empty: it needs a header row and at least one row.');
  if (records.length - 1 > MAX_IMPORT_ROWS) throw E.import_file_invalid(`A file holds at most ${MAX_IMPORT_ROWS} rows; split it into several files.`);
  return { columns: records[0], rows: records.slice(1) };
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const ALIASES: Record<string, string[]> = { external_id: ['id', 'externalid', 'reference', 'ref'], ban: ['billingaccount', 'accountnumber', 'billingaccountnumber'], account_number: ['ban', 'billingaccountnumber'], tenant_ref: ['customer', 'customerref', 'customerreference', 'tenant'] };

/** Field → column, matched by header names ("Total (cents)" matches total_cents). */
export function autoMap(kind: LineKind, columns: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  const used = new Set<string>();
  for (const f of importFields(kind)) {
    const names = [f.name, ...(ALIASES[f.name] ?? []), ...(f.name === 'external_id' ? [`${kind}id`, `${kind}number`] : [])].map(norm);
    const col = columns.find((c) => !used.has(c) && names.includes(norm(c))) ?? columns.find((c) => !used.has(c) && norm(c).replace(/cents$/, '') === norm(f.name).replace(/cents$/, ''));
    if (col) {
      out[f.name] = col;
      used.add(col);
    }
  }
  return out;
}

export interface RowError {
  /** the row's number in the file (the header is row 1) */
  row: number;
  field: string | null;
  reason: string;
}

export interface CheckedRow {
  row: number;
  line: Record<string, unknown> | null;
  values: Record<string, string>;
  errors: RowError[];
}

function convert(f: ImportField, raw: string): { value?: unknown; reason?: string } {
  switch (f.type) {
    case 'integer': {
      const v = raw.replace(/[\s_]/g, '');
      return /^-?\d+$/.test(v) ? { value: Number(v) } : { reason: `“${raw}” is not a whole number${f.name.endsWith('_cents') ? ' of cents' : ''}.` };
    }
    case 'number': {
      const v = Number(raw.replace(',', '.'));
      return Number.isFinite(v) && raw.trim() !== '' ? { value: v } : { reason: `“${raw}” is not a number.` };
    }
    case 'time': {
      const v = /^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00Z` : raw;
      const zoned = /(Z|[+-]\d{2}:\d{2})$/.test(v) ? v : `${v}Z`;
      // the calendar's own days only: 2026-02-30 is no day (the sync API refuses it too)
      return isRealTime(zoned) ? { value: zoned } : { reason: `“${raw}” is not a date (2026-11-01) or a date and time (2026-11-01T09:30:00Z).` };
    }
    case 'month':
      return /^\d{4}-(0[1-9]|1[0-2])$/.test(raw) ? { value: raw } : { reason: `“${raw}” is not a month written YYYY-MM.` };
    case 'currency':
      return /^[A-Za-z]{3}$/.test(raw) ? { value: raw.toUpperCase() } : { reason: `“${raw}” is not a three-letter currency code such as EUR.` };
    case 'choice': {
      const v = raw.toLowerCase().replace(/[\s-]+/g, '_');
      return f.choices!.includes(v) ? { value: v } : { reason: `“${raw}” is not one of ${f.choices!.join(', ')}.` };
    }
    default:
      return { value: raw };
  }
}

/** Each row checked: the line it becomes, or what is wrong with it in words. */
export function checkRows(kind: LineKind, file: ParsedFile, mapping: Record<string, string>, defaultVersion: number): CheckedRow[] {
  const fields = importFields(kind);
  for (const [field, col] of Object.entries(mapping)) {
    if (!fields.some((f) => f.name === field)) throw E.import_mapping_invalid(`A ${kind.replace('_', ' ')} has no field “${field}”.`);
    if (!file.columns.includes(col)) throw E.import_mapping_invalid(`The file has no column “${col}”.`);
  }
  const index = Object.fromEntries(Object.entries(mapping).map(([f, c]) => [f, file.columns.indexOf(c)]));
  return file.rows.map((cells, i) => {
    const row = i + 2;
    const errors: RowError[] = [];
    const values: Record<string, string> = {};
    const data: Record<string, unknown> = {};
    let externalId = '';
    let version = defaultVersion;
    for (const f of fields) {
      const raw = index[f.name] === undefined ? '' : (cells[index[f.name]] ?? '').trim();
      values[f.name] = raw;
      if (raw === '') {
        if (f.required) errors.push({ row, field: f.name, reason: index[f.name] === undefined ? `No column is matched to ${f.name}.` : `${f.name} is empty.` });
        continue;
      }
      const c = convert(f, raw);
      if (c.reason) {
        errors.push({ row, field: f.name, reason: c.reason });
        continue;
      }
      if (f.name === 'external_id') externalId = raw;
      else if (f.name === 'version') version = c.value as number;
      else data[f.name] = c.value;
    }
    if (errors.length > 0) return { row, line: null, values, errors };
    const line = { kind, external_id: externalId, version, data };
    const parsed = parseLine(line);
    if (!parsed.ok) {
      const list = parsed.errors.length ? parsed.errors : [{ pointer: '', detail: parsed.detail }];
      return { row, line: null, values, errors: list.map((e) => ({ row, field: e.pointer.replace(/^\/data\//, '').replace(/^\//, '') || null, reason: plain(e.detail) })) };
    }
    return { row, line, values, errors: [] };
  });
}

function plain(detail: string): string {
  if (/maxLength|more than|must NOT have more/i.test(detail)) return 'The value is too long.';
  if (/minimum|maximum|must be >=|must be <=/i.test(detail)) return 'The value is out of range.';
  return detail.charAt(0).toUpperCase() + detail.slice(1) + (detail.endsWith('.') ? '' : '.');
}
