/**
 * Data sources: the provider's own systems as the source of billing accounts, invoices and
 * payments, services, orders, tickets, usage and SLA records. Owns data_sources, sync_records,
 * sync_kind_state, sync_tenant_state, sync_held_lines and sync_batches (migration 0035), and writes
 * the reference resource tables and billing_accounts on a source's behalf (sync-apply.ts says why).
 * The demo world's records belong to the built-in "Demo data" source.
 *
 * The internal entry point for other feeds (the Stripe webhook, the CSV import):
 *
 *   dataSources.applySyncLines(source, lines, ctx?) → Promise<LineResult[]>
 *
 *   - `source`: a data source row or its id (the feed's own registered source: its kinds and scope apply);
 *   - `lines`: decoded sync lines, the objects the sync API takes one per NDJSON line
 *     ({ kind, external_id, version | updated_at, data | deleted: true }; docs/integrators/data-sync.md);
 *   - returns one LineResult per line, in order: applied | unchanged | held | rejected (with an
 *     RFC 9457 problem naming the line number). Never throws for a bad line; throws only when the
 *     database cannot be reached. Recorded and audited as one batch (counts only); held lines
 *     waiting for what the lines made appear are applied, and referral earnings follow paid invoices.
 */
export { DataSourcesService, SYNC_TOKEN_PREFIX, DEMO_SOURCE_ID, sourceContext, type DataSourcesDeps, type BatchSummary, type SourceInput } from './datasources.service.ts';
export { dataSourceRoutes } from './datasources.routes.ts';
export { registerSyncRoutes, splitNdjson, SYNC_BASE_PATH, SYNC_MAX_BYTES, SYNC_MAX_LINES, SYNC_BATCHES_PER_MINUTE } from './sync.routes.ts';
export { dataSourceErrors } from './datasources.errors.ts';
export type { CheckedLine, Missing } from './sync-check.ts';
export { sourceDbContext, type LineResult, type LineStatus, type SyncLineInput, type SyncSource } from './sync-apply.ts';
export { SOURCE_KINDS, LINE_KINDS, KIND_FIELDS, isRealTime, parseLine, type SourceKind, type LineKind } from './sync-lines.ts';
export { seedDemoDataSource } from './datasources.demo.ts';
export { recordEventSink } from './sync-events.ts';
export { HeldMissing, SyncLineResult, SyncBatchResult } from './sync.schemas.ts';
export { WriteRoutesService, WRITABLE_KINDS, type WritableKind, type WriteTarget, type ProviderSend, type WriteRoutesDeps } from './write-routes.service.ts';
export { writeRouteRoutes } from './write-routes.routes.ts';
