/**
 * Invoice exports of the MSP workspace: CSV (RFC 4180, formula cells neutralised) and
 * PDF (a statement per customer with totals per currency), over every invoice the member may
 * export (billing.invoices.export through link ∩ member role). Nothing is capped: small sets
 * answer the file at once, larger ones (or on request) run as a job — 202 + the job, its progress,
 * and a download link that expires.
 *
 * Rows are read customer by customer (customers in name order), invoices by keyset pages of
 * PAGE rows, and written as they are read: a sync export streams to the response, a job to the
 * database (export_file_chunks, in chunks of FILE_CHUNK bytes), so memory holds one page and one
 * chunk whatever the size of the export.
 *
 * A job runs on the instance that accepted it, in the caller's database context; its file lives in
 * the database, so a download through any instance answers it, read back one chunk at a time. The
 * download link is derived from the installation secret and the job's id (only its hash is
 * stored), so every instance shows the same link. Expired files are deleted by sweepExpired(),
 * run whenever a job starts and whenever an expired download is asked for.
 */
import { PassThrough, Readable, Writable } from 'node:stream';
import type { Db } from '../../platform/db/database.ts';
import { currentDbContext, withDbContext } from '../../platform/db/db-context.ts';
import type { Clock } from '../../platform/clock.ts';
import { newId } from '../../platform/ids.ts';
import { hmacSha256, sha256 } from '../../platform/crypto.ts';
import { defineErrors } from '../../platform/errors/app-error.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { TenantScope } from './resources.repo.ts';
import * as jobsRepo from './export-jobs.repo.ts';
import { accountNames, countExportInvoices, exportInvoicePage, exportWhere } from './invoice-export-reads.ts';
import { partnerLookups } from '../partners/index.ts';
import { tenantQueries } from '../tenants/index.ts';
import { parseRange } from './resource-lists.ts';
import type { MspCaller, MspViewsService } from './msp-views.service.ts';
import { exportFileName, writeStatementPdf, type StatementScope } from './invoice-statement.ts';
import { writeCsv, type ExportRow } from './invoice-csv.ts';
import { failureRecord, failureText, jobWords } from './export-job-words.ts';
import { DEFAULT_LOCALE, type Locale } from '../../platform/i18n/locales.ts';

export const exportErrors = defineErrors('exports', {
  export_not_found: { status: 404, title: 'Export not found' },
  export_not_ready: { status: 409, title: 'The export is not finished yet' },
  export_expired: { status: 410, title: 'The download link has expired; export again' },
  export_link_invalid: { status: 403, title: 'The download link is not valid' },
});

/** Up to this many invoices answer at once; more run as a job. */
export const SYNC_EXPORT_MAX = 5_000;
/** A finished export can be downloaded for this long. */
export const EXPORT_TTL_MS = 60 * 60_000;
const PAGE = 1_000;
/** The size of one stored piece of an export's file (one row of export_file_chunks). */
export const FILE_CHUNK = 256 * 1024;
/** How long the pieces of a job still being written are kept if it never finishes (its instance stopped). */
const UNFINISHED_TTL_MS = 24 * 60 * 60_000;
const PROGRESS_EVERY = 5_000;

export interface ExportFilters {
  tenant_id?: string;
  status?: 'open' | 'paid' | 'overdue' | 'void';
  period_from?: string;
  period_to?: string;
  from?: string;
  to?: string;
  q?: string;
}

export type ExportFormat = 'csv' | 'pdf';

export interface InvoiceExportDeps {
  db: Db;
  clock: Clock;
  msp: Pick<MspViewsService, 'exportScopes' | 'recordExport' | 'checkExportStillAllowed'>;
  /** the installation secret: download links are derived from it (the same on every instance) */
  secretKey: string;
  onError?: (err: unknown) => void;
}

export type ExportStart =
  | { kind: 'file'; filename: string; contentType: string; stream: Readable; rows: number }
  | { kind: 'job'; job: ReturnType<typeof toJobDto> };

type JobRow = { id: string; status: string; format: string; total_rows: number; rows_done: number; created_at: string; finished_at: string | null; expires_at: string | null; error: string | null; error_code?: string | null; error_values?: string | null };

/** A job as its owner reads it; why it failed in the reader's language (export-job-words.ts). */
export function toJobDto(j: JobRow, link: string | null, nowIso: string, locale: Locale = DEFAULT_LOCALE) {
  const expired = j.status === 'done' && j.expires_at !== null && j.expires_at <= nowIso;
  return {
    id: j.id,
    status: expired ? 'expired' : j.status,
    format: j.format,
    total_rows: j.total_rows,
    rows_done: j.rows_done,
    progress_pct: j.total_rows === 0 ? (j.status === 'done' ? 100 : 0) : Math.min(100, Math.floor((j.rows_done / j.total_rows) * 100)),
    created_at: j.created_at,
    finished_at: j.finished_at,
    download_url: expired ? null : link,
    expires_at: j.expires_at,
    error: failureText(j, locale),
    error_code: j.error_code ?? null,
  };
}

export class InvoiceExportService {
  readonly #d: InvoiceExportDeps;
  readonly #running = new Set<Promise<void>>();

  constructor(d: InvoiceExportDeps) {
    this.#d = d;
  }

  /** A job's download token: derived, so any instance shows the link; only its hash is stored. */
  #token(id: string): string {
    return hmacSha256(this.#d.secretKey, `export-link\u0000${id}`);
  }

  /** The file's name as a person files it, in their language (invoice-statement.ts exportFileName). */
  async #fileName(partnerId: string, day: string, format: string, locale: Locale): Promise<string> {
    const [p] = await partnerLookups.findPartnerNamesOf(this.#d.db.kysely, [partnerId]);
    return exportFileName(p?.name ?? null, day, format, locale);
  }

  /** Deletes the files of expired exports (and of jobs that never finished). Returns how many pieces went. */
  async sweepExpired(): Promise<number> {
    return jobsRepo.deleteExpiredChunks(this.#d.db.kysely, this.#d.clock.now().toISOString());
  }

  /** Start an export: the file itself when small (and not asked as a job), else a job. */
  async start(ctx: RequestContext, who: MspCaller, format: ExportFormat, f: ExportFilters, mode: 'auto' | 'job' = 'auto', locale: Locale = DEFAULT_LOCALE): Promise<ExportStart> {
    const { scopes, decisions } = this.#d.msp.exportScopes(who, f.tenant_id);
    const range = parseRange(f.from, f.to);
    const names = await this.#tenantNames(scopes);
    const total = await this.#count(scopes, f, range, names);
    this.#d.msp.recordExport(ctx, who, decisions, { format, rows: total, filters: { status: f.status ?? null, period_from: f.period_from ?? null, period_to: f.period_to ?? null, from: f.from ?? null, to: f.to ?? null, q: f.q ?? null } });
    const stamp = this.#d.clock.now().toISOString().slice(0, 10);
    if (mode === 'auto' && total <= SYNC_EXPORT_MAX) {
      const out = new PassThrough();
      const rows = this.#rows(scopes, f, range, names);
      const pump = format === 'csv' ? writeCsv(rows, out, locale) : writeStatementPdf(rows, out, this.#statementScope(names, f), this.#d.clock.now(), locale);
      pump.catch((e: unknown) => out.destroy(e as Error));
      return { kind: 'file', filename: await this.#fileName(who.partnerId, stamp, format, locale), contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf', stream: out, rows: total };
    }
    const nowIso = this.#d.clock.now().toISOString();
    const id = newId('exp', this.#d.clock.nowMs());
    const tenantIds = JSON.stringify(scopes.map((s) => s.tenantId));
    const row = { id, partner_id: who.partnerId, user_id: who.userId, format, filters: JSON.stringify(f), status: 'queued' as const, total_rows: total, rows_done: 0, file_path: null, token_hash: null, error: null, created_at: nowIso, finished_at: null, expires_at: null, tenant_ids: tenantIds };
    await jobsRepo.insertJob(this.#d.db.kysely, row);
    void this.sweepExpired().catch((e: unknown) => this.#d.onError?.(e));
    const dbCtx = currentDbContext();
    const run = withDbContext(dbCtx, () => this.#run({ id, total }, format, scopes, f, range, names, locale));
    this.#running.add(run);
    void run.finally(() => this.#running.delete(run));
    return { kind: 'job', job: toJobDto(row, null, nowIso) };
  }

  /** Wait for the jobs running here (tests, shutdown). */
  async settle(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }

  async #run({ id, total }: { id: string; total: number }, format: ExportFormat, scopes: TenantScope[], f: ExportFilters, range: { from?: string; to?: string }, names: Map<string, string>, locale: Locale): Promise<void> {
    const db = this.#d.db.kysely;
    let done = 0;
    try {
      await jobsRepo.updateJob(db, id, { status: 'running' });
      const out = new ChunkWriter(this.#d.db, id, new Date(this.#d.clock.nowMs() + UNFINISHED_TTL_MS).toISOString());
      const counted = async function* (src: AsyncGenerator<ExportRow>, onProgress: (n: number) => Promise<void>) {
        for await (const r of src) {
          yield r;
          done++;
          if (done % PROGRESS_EVERY === 0) await onProgress(done);
        }
      };
      const rows = counted(this.#rows(scopes, f, range, names), async (n) => {
        await jobsRepo.updateJob(db, id, { rows_done: n });
      });
      if (format === 'csv') await writeCsv(rows, out, locale);
      else await writeStatementPdf(rows, out, this.#statementScope(names, f), this.#d.clock.now(), locale);
      const now = this.#d.clock.now();
      const expiresAt = new Date(now.getTime() + EXPORT_TTL_MS).toISOString();
      await jobsRepo.setChunksExpiry(db, id, expiresAt);
      await jobsRepo.updateJob(db, id, { status: 'done', rows_done: done, token_hash: sha256(this.#token(id)), finished_at: now.toISOString(), expires_at: expiresAt });
    } catch (e) {
      this.#d.onError?.(e);
      // stored as a code and its figures, said in each reader's language when the job is read
      const failure = failureRecord('export_write_failed', { done, total });
      await jobsRepo.updateJob(db, id, { status: 'failed', rows_done: done, ...failure, finished_at: this.#d.clock.now().toISOString() }).catch(() => undefined);
      await jobsRepo.deleteChunksOf(db, id).catch(() => undefined);
    }
  }

  #linkOf(id: string): string {
    return `/api/v1/partner/exports/${id}/download?token=${this.#token(id)}`;
  }

  /** One of the caller's jobs (another member's, or another partner's, is not found). */
  async job(who: MspCaller, id: string, locale: Locale = DEFAULT_LOCALE) {
    const j = await jobsRepo.findJobOf(this.#d.db.kysely, id, who);
    if (!j) throw exportErrors.export_not_found();
    return toJobDto(j, j.status === 'done' ? this.#linkOf(j.id) : null, this.#d.clock.now().toISOString(), locale);
  }

  async jobs(who: MspCaller, locale: Locale = DEFAULT_LOCALE) {
    const rows = await jobsRepo.listJobsOf(this.#d.db.kysely, who, 50);
    const nowIso = this.#d.clock.now().toISOString();
    return { data: rows.map((j) => toJobDto(j, j.status === 'done' ? this.#linkOf(j.id) : null, nowIso, locale)) };
  }

  /** The finished file, for its owner holding the link's token, until it expires. */
  async download(who: MspCaller, id: string, token: string, locale: Locale = DEFAULT_LOCALE): Promise<{ filename: string; contentType: string; stream: Readable; size: number }> {
    const j = await jobsRepo.findJobOf(this.#d.db.kysely, id, who);
    if (!j) throw exportErrors.export_not_found();
    const words = jobWords(locale);
    if (j.status !== 'done' || !j.token_hash) throw exportErrors.export_not_ready((j.status === 'failed' ? failureText(j, locale) : null) ?? words.notReady(j.status, j.rows_done, j.total_rows));
    if (sha256(token) !== j.token_hash) throw exportErrors.export_link_invalid();
    // the file holds these customers' invoices: handed over only while the person may still export each
    if (j.tenant_ids === null) throw exportErrors.export_expired(words.madeBeforeRecheck());
    this.#d.msp.checkExportStillAllowed(who, JSON.parse(j.tenant_ids) as string[]);
    if (j.expires_at !== null && j.expires_at <= this.#d.clock.now().toISOString()) {
      await this.sweepExpired();
      throw exportErrors.export_expired();
    }
    const stored = await jobsRepo.chunkStats(this.#d.db.kysely, id);
    const pieces = stored.pieces;
    // a job finished before its file was kept in the database, or a file already swept
    if (pieces === 0) throw exportErrors.export_expired(words.fileGone());
    return { filename: await this.#fileName(who.partnerId, j.created_at.slice(0, 10), j.format, locale), contentType: j.format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf', stream: Readable.from(readChunks(this.#d.db, id, pieces)), size: stored.size };
  }

  /** What a statement covers, for its title: the one customer asked for, or how many, and the months or days asked for. */
  #statementScope(names: Map<string, string>, f: ExportFilters): StatementScope {
    return { customer: f.tenant_id ? (names.get(f.tenant_id) ?? '') : null, customers: names.size, from: f.period_from ?? f.from?.slice(0, 10), to: f.period_to ?? f.to?.slice(0, 10) };
  }

  async #tenantNames(scopes: TenantScope[]): Promise<Map<string, string>> {
    if (scopes.length === 0) return new Map();
    const ids = scopes.map((s) => s.tenantId);
    const out = new Map<string, string>();
    for (let i = 0; i < ids.length; i += 500) {
      for (const [id, name] of await tenantQueries.findTenantNames(this.#d.db.kysely, ids.slice(i, i + 500))) out.set(id, name);
    }
    return out;
  }

  #ordered(scopes: TenantScope[], names: Map<string, string>): TenantScope[] {
    return [...scopes].sort((a, b) => (names.get(a.tenantId) ?? '').localeCompare(names.get(b.tenantId) ?? '') || (a.tenantId < b.tenantId ? -1 : 1));
  }

  #nameMatches(names: Map<string, string>, tenantId: string, q?: string): boolean {
    return !!q && (names.get(tenantId) ?? '').toLowerCase().includes(q.toLowerCase());
  }

  async #count(scopes: TenantScope[], f: ExportFilters, range: { from?: string; to?: string }, names: Map<string, string>): Promise<number> {
    if (scopes.length === 0) return 0;
    // customers whose name matches `q` export whole; the others only the invoices whose number matches
    const byName = scopes.filter((s) => this.#nameMatches(names, s.tenantId, f.q));
    const rest = scopes.filter((s) => !this.#nameMatches(names, s.tenantId, f.q));
    let n = 0;
    for (const [group, matches] of [[byName, true], [rest, false]] as const) {
      for (let i = 0; i < group.length; i += 200) {
        const part = group.slice(i, i + 200);
        n += await countExportInvoices(this.#d.db.kysely, part.map((s) => exportWhere(s, f, range, matches)));
      }
    }
    return n;
  }

  /** Every matching invoice, customer by customer (name order), each customer's newest first, one page in memory. */
  async *#rows(scopes: TenantScope[], f: ExportFilters, range: { from?: string; to?: string }, names: Map<string, string>): AsyncGenerator<ExportRow> {
    const db = this.#d.db.kysely;
    const accounts = new Map<string, { number: string; name: string }>();
    for (const s of this.#ordered(scopes, names)) {
      const where = exportWhere(s, f, range, this.#nameMatches(names, s.tenantId, f.q));
      let after: string | null = null;
      for (;;) {
        const rows = await exportInvoicePage(db, where, after, PAGE);
        if (rows.length === 0) break;
        const missing = [...new Set(rows.map((r) => r.ban_id))].filter((b) => !accounts.has(b));
        if (missing.length > 0) {
          for (const a of await accountNames(db, missing)) accounts.set(a.id, { number: a.account_number, name: a.name });
        }
        for (const r of rows) yield { ...r, tenant_name: names.get(r.tenant_id) ?? '', ban_account_number: accounts.get(r.ban_id)?.number ?? null, ban_name: accounts.get(r.ban_id)?.name ?? null };
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
    }
  }
}

/**
 * A job's file as it is written: bytes gathered into pieces of FILE_CHUNK, each inserted as one row
 * of export_file_chunks (the stream waits for the insert: back-pressure down to the database).
 */
class ChunkWriter extends Writable {
  readonly #db: Db;
  readonly #jobId: string;
  readonly #expiresAt: string;
  #parts: Buffer[] = [];
  #size = 0;
  #seq = 0;

  constructor(db: Db, jobId: string, expiresAt: string) {
    super();
    this.#db = db;
    this.#jobId = jobId;
    this.#expiresAt = expiresAt;
  }

  async #flush(all: boolean): Promise<void> {
    let buf = Buffer.concat(this.#parts);
    while (buf.length >= FILE_CHUNK || (all && (buf.length > 0 || this.#seq === 0))) {
      const piece = buf.subarray(0, FILE_CHUNK);
      buf = buf.subarray(piece.length);
      await jobsRepo.insertChunk(this.#db.kysely, { job_id: this.#jobId, seq: this.#seq++, data: piece, expires_at: this.#expiresAt });
    }
    this.#parts = buf.length > 0 ? [buf] : [];
    this.#size = buf.length;
  }

  override _write(chunk: Buffer | string, encoding: BufferEncoding, done: (e?: Error | null) => void): void {
    const b = typeof chunk === 'string' ? Buffer.from(chunk, encoding) : chunk;
    this.#parts.push(b);
    this.#size += b.length;
    if (this.#size < FILE_CHUNK) return done();
    this.#flush(false).then(() => done(), done);
  }

  override _final(done: (e?: Error | null) => void): void {
    this.#flush(true).then(() => done(), done);
  }
}

/** A stored file, one piece at a time (one row in memory whatever the size of the file). */
async function* readChunks(db: Db, jobId: string, pieces: number): AsyncGenerator<Buffer> {
  for (let seq = 0; seq < pieces; seq++) {
    const row = await jobsRepo.findChunk(db.kysely, jobId, seq);
    // swept while being read: end the stream short rather than hang (the length sent no longer holds)
    if (!row) throw new Error('export file piece missing');
    yield Buffer.from(row.data);
  }
}
