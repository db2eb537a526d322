/**
 * A file of existing partners (CSV, or NDJSON with one POST /api/v1/partners body per line),
 * checked whole before anything is written and then applied row by row, each row all or nothing.
 *
 * Each row goes through what one partner made in the portal goes through (partner-creation.ts):
 * the request's schema, then every step of the creation — in `preview` run and rolled back, so a
 * row reads "ready" only when its writes would succeed (a taken slug, an unknown plan, an owner who
 * belongs to another partner are found at the check, not after Apply). Two rows of one file cannot
 * claim the same slug or owner, and a template must be a partner that exists before the file.
 * `apply` runs the same checks again (the world may have moved since the preview) and makes each
 * ready row in its own transaction; a row that fails is reported and leaves nothing behind.
 */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { validatorCompiler } from '../../platform/http/validation.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import { AppError } from '../../platform/errors/app-error.ts';
import { partnerErrors as E } from './partners.errors.ts';
import { CreatePartnerBody } from './partners.schemas.ts';
import { slugify, CAPABILITIES } from './partners.service.ts';
import type { NewPartner, PartnerCreation } from './partner-creation.ts';
import { problemDetails as PD } from './partners.problem-details.ts';

export const MAX_IMPORT_PARTNERS = 1000;
export type ImportFormat = 'csv' | 'ndjson';

/** The CSV's columns, in the template's order, with the header names each also answers to. */
export const IMPORT_COLUMNS: { name: string; required: boolean; hint: string; aliases: string[] }[] = [
  { name: 'name', required: true, hint: 'the partner’s name', aliases: ['partner', 'partnername', 'company'] },
  { name: 'slug', required: false, hint: 'its short name in addresses (lowercase letters, digits, dashes); made from the name when empty', aliases: ['shortname', 'handle'] },
  { name: 'contact_email', required: true, hint: 'the address the platform writes to', aliases: ['contact', 'email', 'contactemail'] },
  { name: 'website', required: false, hint: 'https://…', aliases: ['url', 'web'] },
  { name: 'description', required: false, hint: 'a sentence about the partner', aliases: [] },
  { name: 'capabilities', required: true, hint: `what it may do, separated by “;”: ${CAPABILITIES.join(', ')}`, aliases: ['kinds', 'kind', 'capability'] },
  { name: 'owner_email', required: true, hint: 'its first owner, invited by e-mail', aliases: ['owner', 'owneremail'] },
  { name: 'configuration_template', required: false, hint: 'the slug of a partner whose configuration it starts from', aliases: ['template', 'configtemplate'] },
  { name: 'plans', required: false, hint: 'the plans it may offer, by name, separated by “;”', aliases: ['plan', 'offers'] },
];

export interface RowProblem {
  field: string | null;
  reason: string;
}

export interface ImportRow {
  /** the row's number in the file (CSV: the header is row 1; NDJSON: the line) */
  row: number;
  name: string | null;
  slug: string | null;
  owner_email: string | null;
  status: 'ready' | 'invalid' | 'created';
  partner_id: string | null;
  errors: RowProblem[];
}

export interface ImportReport {
  format: ImportFormat;
  rows: number;
  ready: number;
  invalid: number;
  created: number;
  results: ImportRow[];
}

/** The CSV template: the columns and one example row. */
export function importTemplate(): string {
  const example: Record<string, string> = {
    name: 'Fabrikam Managed Services',
    slug: 'fabrikam-msp',
    contact_email: 'partners@fabrikam.example',
    website: 'https://fabrikam.example',
    description: 'Managed fibre and voice for small offices',
    capabilities: 'managed_services; wholesale',
    owner_email: 'fay@fabrikam.example',
    configuration_template: '',
    plans: '',
  };
  return stringify([IMPORT_COLUMNS.map((c) => c.name), IMPORT_COLUMNS.map((c) => example[c.name])]);
}

const norm = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '');
const compiled = validatorCompiler()({ schema: CreatePartnerBody, httpPart: 'body', method: 'POST', url: '/api/v1/partners' }) as ((v: unknown) => boolean) & { errors?: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }[] | null };

/** One candidate row: the body it becomes, or why it cannot become one. */
interface Candidate {
  row: number;
  body: NewPartner | null;
  raw: { name: string | null; slug: string | null; owner_email: string | null };
  errors: RowProblem[];
}

export class PartnerImport {
  readonly #creation: PartnerCreation;
  constructor(creation: PartnerCreation) {
    this.#creation = creation;
  }

  /** Every row checked, nothing written. */
  async preview(ctx: RequestContext, format: ImportFormat, content: string): Promise<ImportReport> {
    const rows = await this.#checked(ctx, format, content);
    return report(format, rows);
  }

  /** Every ready row made, each in its own transaction; the others reported with their reasons. */
  async apply(ctx: RequestContext, format: ImportFormat, content: string, confirm: boolean): Promise<ImportReport> {
    if (!confirm) throw E.partner_import_not_confirmed(PD.checkFileThenApply);
    const candidates = this.#candidates(format, content);
    const out: ImportRow[] = [];
    const madeHere = new Map<string, number>();
    for (const c of candidates) {
      const base = rowOf(c);
      if (!c.body || fromThisFile(c, madeHere)) {
        out.push({ ...base, status: 'invalid' });
        continue;
      }
      try {
        const made = await this.#creation.create(ctx, c.body, { pointer: '', via: 'import' });
        madeHere.set(made.partner.slug, c.row);
        out.push({ ...base, slug: made.partner.slug, status: 'created', partner_id: made.partner.id });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        out.push({ ...base, status: 'invalid', errors: problemsOf(e) });
      }
    }
    return report(format, out);
  }

  async #checked(ctx: RequestContext, format: ImportFormat, content: string): Promise<ImportRow[]> {
    const out: ImportRow[] = [];
    const madeHere = new Map<string, number>();
    for (const c of this.#candidates(format, content)) {
      const base = rowOf(c);
      if (!c.body || fromThisFile(c, madeHere)) {
        out.push({ ...base, status: 'invalid' });
        continue;
      }
      try {
        const would = await this.#creation.check(ctx, c.body, { pointer: '', via: 'import' });
        madeHere.set(would.partner.slug, c.row);
        out.push({ ...base, slug: would.partner.slug, status: 'ready' });
      } catch (e) {
        if (!(e instanceof AppError) || e.status >= 500) throw e;
        out.push({ ...base, status: 'invalid', errors: problemsOf(e) });
      }
    }
    return out;
  }

  /** The file read into rows, each checked against the request's schema and against the file's other rows. */
  #candidates(format: ImportFormat, content: string): Candidate[] {
    const rows = format === 'csv' ? readCsv(content) : readNdjson(content);
    if (rows.length === 0) throw E.partner_import_invalid(PD.fileHoldsNoPartner);
    if (rows.length > MAX_IMPORT_PARTNERS) throw E.partner_import_invalid(PD.fileHoldsMostPartners, { values: { maxImportPartners: MAX_IMPORT_PARTNERS } });
    const slugs = new Map<string, number>();
    const owners = new Map<string, number>();
    for (const c of rows) {
      if (!c.body) continue;
      if (!compiled(c.body)) {
        c.errors.push(...(compiled.errors ?? []).map(schemaProblem));
        c.body = null;
        continue;
      }
      const slug = c.body.slug ?? slugify(c.body.name);
      const owner = c.body.owner.email.trim().toLowerCase();
      const sameSlug = slugs.get(slug);
      const sameOwner = owners.get(owner);
      if (sameSlug !== undefined) c.errors.push({ field: c.body.slug ? 'slug' : 'name', reason: `Row ${sameSlug} of this file already makes a partner with the short name “${slug}”.` });
      if (sameOwner !== undefined) c.errors.push({ field: 'owner_email', reason: `Row ${sameOwner} of this file already invites ${owner} as an owner: a person belongs to one partner.` });
      slugs.set(slug, slugs.get(slug) ?? c.row);
      owners.set(owner, owners.get(owner) ?? c.row);
      if (c.errors.length > 0) c.body = null;
    }
    return rows;
  }
}

/**
 * A template made by an earlier row of the same file is refused, in the check and the apply
 * alike (the check writes nothing, so there it would not exist yet): a template is a partner that
 * exists before the file. Adds the reason to the row.
 */
function fromThisFile(c: Candidate, madeHere: ReadonlyMap<string, number>): boolean {
  const t = c.body?.configuration_template?.trim().toLowerCase();
  const from = t === undefined ? undefined : madeHere.get(t);
  if (from === undefined) return false;
  c.errors.push({ field: 'configuration_template', reason: `“${t}” is made by row ${from} of this same file; a template must be a partner that exists already.` });
  return true;
}

function rowOf(c: Candidate): ImportRow {
  return { row: c.row, ...c.raw, status: 'invalid', partner_id: null, errors: c.errors };
}

function report(format: ImportFormat, results: ImportRow[]): ImportReport {
  const n = (s: ImportRow['status']) => results.filter((r) => r.status === s).length;
  return { format, rows: results.length, ready: n('ready'), invalid: n('invalid'), created: n('created'), results };
}

/** The field a refusal's pointer names (`/owner/email` → owner_email, `/plans/1` → plans). */
function fieldOf(pointer: string): string | null {
  const parts = pointer.split('/').filter(Boolean);
  if (parts[0] === 'body') parts.shift();
  if (parts.length === 0) return null;
  if (parts[0] === 'owner') return 'owner_email';
  return parts[0];
}

function problemsOf(e: AppError): RowProblem[] {
  const field = e.fields && e.fields.length > 0 ? fieldOf(e.fields[0].pointer) : null;
  return [{ field, reason: e.detail }];
}

function schemaProblem(err: { instancePath: string; keyword: string; message?: string; params: Record<string, unknown> }): RowProblem {
  const missing = err.keyword === 'required' ? String(err.params.missingProperty) : null;
  const field = missing ? (err.instancePath === '/owner' ? 'owner_email' : missing) : fieldOf(err.instancePath);
  if (missing) return { field, reason: `${field === 'owner_email' ? 'The owner’s e-mail' : field} is missing.` };
  if (err.keyword === 'additionalProperties') return { field: null, reason: `“${String(err.params.additionalProperty)}” is not a field of a partner.` };
  switch (field) {
    case 'contact_email':
    case 'owner_email':
      return { field, reason: 'This is not an e-mail address.' };
    case 'website':
      return { field, reason: 'This is not a web address starting with https:// or http://.' };
    case 'slug':
      return { field, reason: 'A short name holds only lowercase letters, digits and dashes (at most 63), and starts and ends with a letter or digit.' };
    case 'capabilities':
      return { field, reason: err.keyword === 'minItems' ? 'Name at least one thing the partner may do.' : `Each must be one of ${CAPABILITIES.join(', ')}.` };
    default:
      return { field, reason: `${field ?? 'The row'} ${err.message ?? 'is not valid'}.` };
  }
}

/** The CSV's rows as request bodies (columns matched by header names; lists split on “;”). */
function readCsv(text: string): Candidate[] {
  let records: string[][];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true }) as string[][];
  } catch (e) {
    throw E.partner_import_invalid(`The file is not valid CSV: ${(e as Error).message.slice(0, 200)}`);
  }
  if (records.length === 0) throw E.partner_import_invalid(PD.fileEmptyNeedsHeader);
  const header = records[0];
  const index = new Map<string, number>();
  for (const col of IMPORT_COLUMNS) {
    const names = [col.name, ...col.aliases].map(norm);
    const at = header.findIndex((h) => names.includes(norm(h)));
    if (at >= 0) index.set(col.name, at);
  }
  const missing = IMPORT_COLUMNS.filter((c) => c.required && !index.has(c.name)).map((c) => c.name);
  if (missing.length > 0) throw E.partner_import_invalid(PD.fileHasNoColumn, { values: { missing: missing.join(', ') } });
  return records.slice(1).map((cells, i) => {
    const get = (name: string) => {
      const at = index.get(name);
      const v = at === undefined ? '' : (cells[at] ?? '').trim();
      return v === '' ? undefined : v;
    };
    const list = (name: string) => (get(name) ?? '').split(/[;|]/).map((s) => s.trim()).filter(Boolean);
    const body: Record<string, unknown> = {
      name: get('name'),
      slug: get('slug')?.toLowerCase(),
      contact_email: get('contact_email'),
      website: get('website'),
      description: get('description'),
      capabilities: list('capabilities').map((c) => c.toLowerCase().replace(/[\s-]+/g, '_')),
      owner: { email: get('owner_email') },
      configuration_template: get('configuration_template'),
      plans: list('plans').map((plan) => ({ plan })),
    };
    if ((body.plans as unknown[]).length === 0) delete body.plans;
    for (const k of Object.keys(body)) if (body[k] === undefined) delete body[k];
    if ((body.owner as { email?: string }).email === undefined) body.owner = {};
    return { row: i + 2, body: body as unknown as NewPartner, raw: { name: get('name') ?? null, slug: get('slug') ?? null, owner_email: get('owner_email') ?? null }, errors: [] };
  });
}

/** NDJSON: one JSON object per line, each the body POST /api/v1/partners takes (blank lines skipped). */
function readNdjson(text: string): Candidate[] {
  const out: Candidate[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    if (line.trim() === '') return;
    let body: unknown;
    try {
      body = JSON.parse(line);
    } catch {
      out.push({ row: i + 1, body: null, raw: { name: null, slug: null, owner_email: null }, errors: [{ field: null, reason: 'This line is not a JSON object.' }] });
      return;
    }
    const o = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
    const str = (v: unknown) => (typeof v === 'string' ? v : null);
    const raw = { name: str(o.name), slug: str(o.slug), owner_email: str((o.owner as Record<string, unknown> | undefined)?.email) };
    if (o !== body) out.push({ row: i + 1, body: null, raw, errors: [{ field: null, reason: 'This line is not a JSON object.' }] });
    else out.push({ row: i + 1, body: o as unknown as NewPartner, raw, errors: [] });
  });
  return out;
}
