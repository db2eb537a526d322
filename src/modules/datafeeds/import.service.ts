/**
 * CSV import through a data source: preview (columns matched, first rows, each row's errors —
 * nothing written) and apply (only when confirmed; rows with errors are skipped and reported, the
 * others go through the applier as one batch, with its scope, held lines and audit).
 */
import type { Clock } from '../../platform/clock.ts';
import type { RequestContext } from '../../platform/http/request-context.ts';
import type { DataSourcesService } from '../datasources/index.ts';
import { dataFeedErrors as E } from './datafeeds.errors.ts';
import { PREVIEW_ROWS, autoMap, checkRows, importFields, readCsv, requireKind, type CheckedRow, type ParsedFile, type RowError } from './csv-import.ts';
import type { LineKind } from '../datasources/index.ts';

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

  #summary(c: Checked) {
    return {
      kind: c.kind,
      columns: c.file.columns,
      fields: importFields(c.kind),
      mapping: c.map,
      rows: c.rows.length,
      valid_rows: c.rows.filter((r) => r.line).length,
      preview: c.rows.slice(0, PREVIEW_ROWS).map((r) => ({ row: r.row, values: r.values, ok: r.errors.length === 0 })),
      errors: c.rows.flatMap((r) => r.errors).slice(0, 1000) as RowError[],
    };
  }

  async preview(sourceId: string, kind: string, csv: string, mapping?: Record<string, string>) {
    await this.#ds.require(sourceId);
    return this.#summary(this.#check(kind, csv, mapping));
  }

  async apply(ctx: RequestContext | undefined, sourceId: string, kind: string, csv: string, mapping: Record<string, string> | undefined, confirm: boolean) {
    if (!confirm) throw E.import_not_confirmed('Look at the preview first, then apply with confirm: true.');
    const source = await this.#ds.require(sourceId);
    const c = this.#check(kind, csv, mapping);
    const good = c.rows.filter((r) => r.line);
    const results = good.length ? await this.#ds.applySyncLines(source, good.map((r) => r.line), ctx) : [];
    const counts = { applied: 0, unchanged: 0, held: 0, rejected: 0 };
    for (const r of results) counts[r.status]++;
    const summary = this.#summary(c);
    const rowResults = results.map((r, i) => ({ row: good[i].row, status: r.status, ...(r.problem ? { reason: r.problem.detail.replace(/^Line \d+: /, '') } : r.reason ? { reason: r.reason } : {}) }));
    // a row the applier refused joins the row report
    for (const r of rowResults) if (r.status === 'rejected') summary.errors.push({ row: r.row, field: null, reason: r.reason ?? 'Refused.' });
    summary.errors.sort((a, b) => a.row - b.row);
    return { ...summary, ...counts, skipped: c.rows.length - good.length, results: rowResults };
  }
}
