/**
 * CSV import through a data source: preview (columns matched, first rows, each row's errors, and
 * what applying would do to each good row — ready, held for a billing account or customer that does
 * not exist and is not created earlier in the file, or refused — nothing written) and apply (only when confirmed; rows with errors are skipped and reported, the
 * others go through the applier as one batch, with its scope, held lines and audit).
 */
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { DataSourcesService } from '../datasources/index.ts';
import { dataFeedErrors as E } from './datafeeds.errors.ts';
import { PREVIEW_ROWS, autoMap, checkRows, importFields, readCsv, requireKind, type CheckedRow, type ParsedFile, type RowError } from './csv-import.ts';
import type { LineKind, Missing } from '../datasources/index.ts';

interface Checked {
  kind: LineKind;
  file: ParsedFile;
  map: Record<string, string>;
  rows: CheckedRow[];
}

export class DataImport {
  readonly #ds: DataSourcesService;
  readonly #clock: Clock;
  constructor(d: { dataSources: DataSourcesService; clock: Clock }) {
    this.#ds = d.dataSources;
    this.#clock = d.clock;
  }

  #check(kindName: string, csv: string, mapping?: Record<string, string>): Checked {
    const kind = requireKind(kindName);
    const file = readCsv(csv);
    const map = mapping ?? autoMap(kind, file.columns);
    const rows = checkRows(kind, file, map, this.#clock.now().getTime());
    return { kind, file, map, rows };
  }

  #summary(c: Checked, checked?: Map<number, { status: string }>) {
    const status = (r: CheckedRow): 'ready' | 'held' | 'error' => (r.errors.length ? 'error' : checked?.get(r.row)?.status === 'rejected' ? 'error' : checked?.get(r.row)?.status === 'held' ? 'held' : 'ready');
    return {
      kind: c.kind,
      columns: c.file.columns,
      fields: importFields(c.kind),
      mapping: c.map,
      rows: c.rows.length,
      valid_rows: c.rows.filter((r) => r.line).length,
      ready_rows: c.rows.filter((r) => status(r) === 'ready').length,
      held_rows: c.rows.filter((r) => status(r) === 'held').length,
      preview: c.rows.slice(0, PREVIEW_ROWS).map((r) => ({ row: r.row, values: r.values, ok: r.errors.length === 0, status: status(r) })),
      errors: c.rows.flatMap((r) => r.errors).slice(0, 1000) as RowError[],
    };
  }

  /** The file checked, and its good rows run through the applier's checks without writing (a row naming what does not exist yet is held). */
  async preview(requestId: string, sourceId: string, kind: string, csv: string, mapping?: Record<string, string>) {
    const source = await this.#ds.require(sourceId);
    const c = this.#check(kind, csv, mapping);
    const good = c.rows.filter((r) => r.line);
    const results = good.length ? await this.#ds.checkSyncLines(source, good.map((r) => r.line), requestId) : [];
    const byRow = new Map(results.map((r, i) => [good[i].row, r]));
    const summary = this.#summary(c, byRow);
    const held: { row: number; reason: string; missing: Missing }[] = [];
    for (const [row, r] of byRow) {
      if (r.status === 'held') held.push({ row, reason: r.reason ?? '', missing: r.missing! });
      // a row the applier would refuse joins the row report, as it does when applied
      if (r.status === 'rejected') summary.errors.push({ row, field: null, reason: r.problem?.detail.replace(/^Line \d+: /, '') ?? 'Refused.' });
    }
    summary.errors.sort((a, b) => a.row - b.row);
    return { ...summary, held_reasons: held.slice(0, 1000) };
  }

  async apply(ctx: RequestContext | undefined, sourceId: string, kind: string, csv: string, mapping: Record<string, string> | undefined, confirm: boolean) {
    if (!confirm) throw E.import_not_confirmed('Look at the preview first, then apply with confirm: true.');
    const source = await this.#ds.require(sourceId);
    const c = this.#check(kind, csv, mapping);
    const good = c.rows.filter((r) => r.line);
    const results = good.length ? await this.#ds.applySyncLines(source, good.map((r) => r.line), ctx) : [];
    const counts = { applied: 0, unchanged: 0, held: 0, rejected: 0 };
    for (const r of results) counts[r.status]++;
    const summary = this.#summary(c, new Map(results.map((r, i) => [good[i].row, r])));
    const rowResults = results.map((r, i) => ({ row: good[i].row, status: r.status, ...(r.problem ? { reason: r.problem.detail.replace(/^Line \d+: /, '') } : r.reason ? { reason: r.reason } : {}) }));
    // a row the applier refused joins the row report
    for (const r of rowResults) if (r.status === 'rejected') summary.errors.push({ row: r.row, field: null, reason: r.reason ?? 'Refused.' });
    summary.errors.sort((a, b) => a.row - b.row);
    // what a held row waits for as data, so each reader's portal words it (the applier's language is not the reader's)
    const held = results.flatMap((r, i) => (r.status === 'held' && r.missing ? [{ row: good[i].row, reason: r.reason ?? '', missing: r.missing }] : []));
    return { ...summary, held_reasons: held.slice(0, 1000), ...counts, skipped: c.rows.length - good.length, results: rowResults };
  }
}
