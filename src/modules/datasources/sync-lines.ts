/**
 * One sync line, as a source sends it, checked without I/O: the envelope (kind, external id,
 * version or updated_at, data or a deletion) and the kind's fields. A line that fails here is
 * rejected with the pointers of what is wrong; one that passes is a ParsedLine the applier
 * resolves against the database (sync-apply.ts). Versions are normalized to sortable text so
 * "newer" is a string comparison whatever the source sends.
 */
import { hash } from 'node:crypto';
import { Compile, type Validator } from 'typebox/compile';
import type { TSchema } from 'typebox';
import { Type } from '../../platform/http/schemas.ts';

/** The record kinds a source may own, as the operator picks them. */
export const SOURCE_KINDS = ['billing_accounts', 'invoices', 'services', 'orders', 'tickets', 'usage', 'sla', 'subscribers'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** The kinds of line, and the source kind that must be owned to send each. */
export const LINE_KINDS = {
  billing_account: 'billing_accounts',
  invoice: 'invoices',
  payment: 'invoices',
  service: 'services',
  order: 'orders',
  ticket: 'tickets',
  usage: 'usage',
  sla: 'sla',
  subscriber: 'subscribers',
} as const satisfies Record<string, SourceKind>;
export type LineKind = keyof typeof LINE_KINDS;

const Str = (max = 200) => Type.String({ minLength: 1, maxLength: max });
const Opt = <T extends TSchema>(t: T) => Type.Optional(Type.Union([t, Type.Null()]));
const NonNeg = Type.Integer({ minimum: 0, maximum: 1_000_000_000_000 });
const Currency = Type.String({ pattern: '^[A-Z]{3}$' });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const Time = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?(Z|[+-]\\d{2}:\\d{2})$', maxLength: 40 });
const Ban = Str(64);
const Obj = (props: Record<string, TSchema>) => Type.Object(props, { additionalProperties: false });
const Pct = Type.Number({ minimum: 0, maximum: 100 });

/** Each kind's fields (in `data`). Money in integer minor units; times ISO 8601 with a zone. */
export const KIND_FIELDS = {
  billing_account: Obj({ account_number: Ban, tenant_ref: Str(100), name: Str(), currency: Currency, status: Type.Optional(Type.Union([Type.Literal('active'), Type.Literal('closed')])) }),
  invoice: Obj({
    ban: Ban,
    number: Str(64),
    period: Month,
    issued_at: Time,
    due_at: Time,
    currency: Currency,
    subtotal_cents: NonNeg,
    tax_cents: NonNeg,
    total_cents: NonNeg,
    balance_cents: NonNeg,
    status: Type.Union(['open', 'paid', 'overdue', 'void'].map((s) => Type.Literal(s))),
    paid_at: Opt(Time),
    /** refunded, credited or lost in a dispute after issue (at most the total); the commission shrinks in proportion */
    credited_cents: Type.Optional(NonNeg),
  }),
  payment: Obj({ invoice_external_id: Str(), amount_cents: NonNeg, paid_at: Time }),
  service: Obj({
    ban: Ban,
    product_code: Str(64),
    name: Str(),
    status: Type.Union(['pending', 'active', 'suspended', 'terminated'].map((s) => Type.Literal(s))),
    location: Opt(Str()),
    bandwidth_mbps: Opt(NonNeg),
    monthly_price_cents: NonNeg,
    currency: Currency,
    activated_at: Opt(Time),
  }),
  order: Obj({
    ban: Ban,
    bill_to_ban: Opt(Ban),
    product_code: Str(64),
    product_name: Str(),
    quantity: Type.Integer({ minimum: 1, maximum: 1_000_000 }),
    unit_price_cents: NonNeg,
    total_cents: NonNeg,
    currency: Currency,
    status: Type.Union(['submitted', 'in_progress', 'completed', 'cancelled'].map((s) => Type.Literal(s))),
    notes: Opt(Str(2000)),
    placed_at: Time,
  }),
  ticket: Obj({
    ban: Opt(Ban),
    tenant_ref: Opt(Str(100)),
    number: Opt(Str(64)),
    subject: Str(300),
    description: Type.String({ maxLength: 10_000 }),
    category: Type.Union(['billing', 'technical', 'service_request', 'other'].map((s) => Type.Literal(s))),
    priority: Type.Union(['low', 'normal', 'high', 'urgent'].map((s) => Type.Literal(s))),
    status: Type.Union(['open', 'in_progress', 'waiting_on_customer', 'resolved', 'closed'].map((s) => Type.Literal(s))),
    assignee: Opt(Str()),
    opened_at: Time,
    resolved_at: Opt(Time),
  }),
  usage: Obj({
    ban: Ban,
    period: Month,
    metric: Type.Union(['data_gb', 'voice_minutes', 'sms_count'].map((s) => Type.Literal(s))),
    quantity: Type.Number({ minimum: 0, maximum: 1e12 }),
    amount_cents: NonNeg,
    currency: Currency,
    recorded_at: Opt(Time),
  }),
  sla: Obj({
    ban: Ban,
    period: Month,
    target_pct: Pct,
    achieved_pct: Pct,
    downtime_minutes: NonNeg,
    incidents: NonNeg,
    status: Opt(Type.Union([Type.Literal('met'), Type.Literal('breached')])),
    recorded_at: Opt(Time),
  }),
  subscriber: Obj({
    ban: Ban,
    number: Str(64),
    name: Str(),
    email: Opt(Type.String({ maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+\\.[^\\s@]+$' })),
    phone: Opt(Type.String({ maxLength: 40, pattern: '^\\+?[0-9 ().-]{5,40}$' })),
    plan: Opt(Str()),
    service_address: Opt(Str(500)),
    status: Type.Union(['active', 'suspended', 'terminated'].map((s) => Type.Literal(s))),
    activated_at: Opt(Time),
  }),
} satisfies Record<LineKind, TSchema>;

const Envelope = Type.Object(
  {
    kind: Type.Union(Object.keys(LINE_KINDS).map((k) => Type.Literal(k))),
    external_id: Type.String({ minLength: 1, maxLength: 200 }),
    version: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
    updated_at: Type.Optional(Time),
    deleted: Type.Optional(Type.Boolean()),
    data: Type.Optional(Type.Object({})),
  },
  { additionalProperties: false },
);

export interface FieldProblem {
  pointer: string;
  detail: string;
}

export interface ParsedLine {
  kind: LineKind;
  externalId: string;
  /** sortable: `n` + 16 digits for a version number, `t` + ISO time for updated_at */
  version: string;
  deleted: boolean;
  data: Record<string, unknown>;
  /** a hash of the data, so a newer version with the same content changes nothing */
  contentHash: string;
}

export type ParseResult = { ok: true; line: ParsedLine } | { ok: false; code: 'line_malformed'; detail: string; errors: FieldProblem[] };

/** Each schema compiled once, on first use: a valid line (the common case) is one generated check. */
const validators = new Map<TSchema, Validator>();

function problems(schema: TSchema, value: unknown, prefix: string): FieldProblem[] {
  let v = validators.get(schema);
  if (!v) validators.set(schema, (v = Compile(schema) as unknown as Validator));
  if (v.Check(value)) return [];
  const out: FieldProblem[] = [];
  for (const e of v.Errors(value)) {
    if (e.keyword === 'boolean') continue;
    const extra = (e.params as { additionalProperties?: string[] }).additionalProperties;
    out.push({ pointer: prefix + e.instancePath, detail: extra ? `unknown field(s): ${extra.join(', ')}` : e.message });
    if (out.length >= 10) break;
  }
  return out;
}

/** A version as sortable text: numbers padded, times normalized to UTC milliseconds. */
export function normalizeVersion(v: { version?: number; updated_at?: string }): string | null {
  if (typeof v.version === 'number') return 'n' + String(v.version).padStart(16, '0');
  if (typeof v.updated_at === 'string') {
    const t = Date.parse(v.updated_at);
    return Number.isNaN(t) ? null : 't' + new Date(t).toISOString();
  }
  return null;
}

/** The version as the source sent it (for /state): a number or an ISO time. */
export function displayVersion(v: string | null): number | string | null {
  if (!v) return null;
  return v.startsWith('n') ? Number(v.slice(1)) : v.slice(1);
}

/**
 * Objects' keys in sorted order with each key's JSON text, by the keys as they came: a source sends
 * its records with the same keys in the same order, so each order is sorted once (a few hundred kept).
 * Two orders could join to the same text (a key holding the separator): the entry found is used only
 * if it has as many keys as the object and the object has each of them.
 */
const sortedKeys = new Map<string, { keys: string[]; quoted: string[] }>();
function keysOf(o: Record<string, unknown>) {
  const own = Object.keys(o);
  const shape = own.join('\u0000');
  let k = sortedKeys.get(shape);
  if (k && (k.keys.length !== own.length || !k.keys.every((x) => Object.hasOwn(o, x)))) k = undefined;
  if (!k) {
    const keys = own.sort();
    k = { keys, quoted: keys.map((x) => JSON.stringify(x) + ':') };
    if (sortedKeys.size >= 512) sortedKeys.clear();
    sortedKeys.set(shape, k);
  }
  return k;
}

/** JSON with each object's keys sorted (absent values left out, as JSON.stringify does), built in one string. */
function stableJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  let s: string;
  if (Array.isArray(v)) {
    s = '[';
    for (let i = 0; i < v.length; i++) s += (i ? ',' : '') + (stableJson(v[i]) ?? '');
    return s + ']';
  }
  const o = v as Record<string, unknown>;
  const { keys, quoted } = keysOf(o);
  s = '{';
  for (let i = 0; i < keys.length; i++) {
    const x = o[keys[i]];
    if (x === undefined) continue;
    s += (s.length > 1 ? ',' : '') + quoted[i] + (typeof x === 'object' && x !== null ? stableJson(x) : JSON.stringify(x));
  }
  return s + '}';
}

export function contentHash(data: unknown): string {
  return hash('sha256', stableJson(data), 'base64url').slice(0, 32);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const TIME_PARTS = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

/**
 * A time the calendar has: the pattern alone lets 2026-02-30 through (JavaScript reads it as
 * 2 March) and 2026-04-31T25:00Z (which no date library reads at all).
 */
export function isRealTime(s: string): boolean {
  const m = TIME_PARTS.exec(s);
  if (!m) return false;
  const [y, mo, d, h, mi, se, zh, zm] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  const leap = mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return mo >= 1 && mo <= 12 && d >= 1 && d <= DAYS_IN_MONTH[mo - 1] + (leap ? 1 : 0) && h <= 23 && mi <= 59 && se <= 59 && zh <= 23 && zm <= 59 && !Number.isNaN(Date.parse(s));
}

/** Each kind's time fields (Time, or an optional Time), read off its schema. */
const TIME_FIELDS = Object.fromEntries(
  Object.entries(KIND_FIELDS).map(([kind, o]) => [kind, Object.entries(o.properties as Record<string, TSchema>).filter(([, f]) => f === Time || ((f as { anyOf?: TSchema[] }).anyOf ?? []).includes(Time)).map(([name]) => name)]),
) as Record<LineKind, string[]>;

/** RFC 6901: a key in a JSON pointer. */
const pointerKey = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Where a line holds U+0000, in a value or a key: PostgreSQL cannot store it in text (SQLite can), so
 * a line with one is refused on every database alike, before anything is written.
 */
function nulPointers(v: unknown, at: string, out: FieldProblem[]): FieldProblem[] {
  if (out.length >= 10) return out;
  if (typeof v === 'string') {
    if (v.includes('\u0000')) out.push({ pointer: at, detail: 'holds a NUL character (U+0000), which cannot be stored' });
  } else if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) nulPointers(v[i], `${at}/${i}`, out);
  } else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k.includes('\u0000')) out.push({ pointer: `${at}/${pointerKey(k)}`, detail: 'a field name holds a NUL character (U+0000)' });
      else nulPointers(x, `${at}/${pointerKey(k)}`, out);
    }
  }
  return out;
}

/** Check one decoded line. */
export function parseLine(raw: unknown): ParseResult {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return { ok: false, code: 'line_malformed', detail: 'Each line must be a JSON object.', errors: [] };
  const nul = nulPointers(raw, '', []);
  if (nul.length > 0) return { ok: false, code: 'line_malformed', detail: `A NUL character (U+0000) cannot be stored: ${nul.map((f) => f.pointer).join(', ')}.`, errors: nul };
  const env = problems(Envelope, raw, '');
  if (env.length > 0) return { ok: false, code: 'line_malformed', detail: 'The line does not have the shape of a sync line.', errors: env };
  const r = raw as { kind: LineKind; external_id: string; version?: number; updated_at?: string; deleted?: boolean; data?: Record<string, unknown> };
  if ((r.version === undefined) === (r.updated_at === undefined)) {
    return { ok: false, code: 'line_malformed', detail: 'Send exactly one of version (a whole number) and updated_at (a time).', errors: [{ pointer: '/version', detail: 'exactly one of version and updated_at' }] };
  }
  if (r.updated_at !== undefined && !isRealTime(r.updated_at)) {
    return { ok: false, code: 'line_malformed', detail: `updated_at ${r.updated_at} is not a date and time the calendar has.`, errors: [{ pointer: '/updated_at', detail: 'not a real date and time' }] };
  }
  const version = normalizeVersion(r)!;
  if (r.deleted === true) {
    if (r.data !== undefined) return { ok: false, code: 'line_malformed', detail: 'A deletion carries no data.', errors: [{ pointer: '/data', detail: 'not allowed with deleted' }] };
    return { ok: true, line: { kind: r.kind, externalId: r.external_id, version, deleted: true, data: {}, contentHash: 'deleted' } };
  }
  if (r.data === undefined) return { ok: false, code: 'line_malformed', detail: `A ${r.kind} line needs its data (or "deleted": true).`, errors: [{ pointer: '/data', detail: 'required' }] };
  const fields = problems(KIND_FIELDS[r.kind], r.data, '/data');
  for (const name of TIME_FIELDS[r.kind]) {
    const v = r.data[name];
    if (typeof v === 'string' && !fields.some((f) => f.pointer === `/data/${name}`) && !isRealTime(v)) fields.push({ pointer: `/data/${name}`, detail: `${v} is not a date and time the calendar has` });
  }
  if (r.kind === 'invoice' && fields.length === 0 && Number(r.data.credited_cents ?? 0) > Number(r.data.total_cents)) fields.push({ pointer: '/data/credited_cents', detail: 'more than the invoice’s total_cents' });
  if (fields.length > 0) return { ok: false, code: 'line_malformed', detail: `The ${r.kind} fields are not valid: ${fields.map((f) => `${f.pointer} ${f.detail}`).join('; ')}.`, errors: fields };
  if (r.kind === 'ticket' && !r.data.ban && !r.data.tenant_ref) {
    return { ok: false, code: 'line_malformed', detail: 'A ticket names its customer by ban or by tenant_ref.', errors: [{ pointer: '/data/ban', detail: 'ban or tenant_ref is required' }] };
  }
  return { ok: true, line: { kind: r.kind, externalId: r.external_id, version, deleted: false, data: r.data, contentHash: contentHash(r.data) } };
}
