/**
 * Row shapes of data sources and their sync state (modules/datasources; migration 0035).
 * Conventions: schema.ts.
 */

export interface DataSourcesTable {
  id: string;
  name: string;
  /** JSON array of record kinds the source owns (SOURCE_KINDS) */
  kinds: string;
  scope_all: number;
  /** JSON arrays of tenant and partner ids the source may write for (when scope_all is 0) */
  scope_tenant_ids: string;
  scope_partner_ids: string;
  built_in: number;
  status: 'active' | 'revoked';
  token_hash: string | null;
  token_prefix: string | null;
  token_created_at: string | null;
  created_at: string;
  created_by: string | null;
  revoked_at: string | null;
  last_batch_at: string | null;
}

export interface SyncRecordsTable {
  source_id: string;
  kind: string;
  external_id: string;
  record_id: string;
  tenant_id: string;
  version: string;
  content_hash: string;
  deleted: number;
  updated_at: string;
}

export interface SyncKindStateTable {
  source_id: string;
  kind: string;
  last_version: string | null;
  last_synced_at: string;
  records: number;
}

export interface SyncTenantStateTable {
  source_id: string;
  tenant_id: string;
  kind: string;
  last_synced_at: string;
}

export interface SyncHeldLinesTable {
  id: string;
  source_id: string;
  batch_id: string | null;
  line_no: number;
  kind: string;
  external_id: string;
  version: string;
  /** what is missing, e.g. `ban:BAN-123` or `tenant:acme` */
  missing_key: string;
  reason: string;
  /** the line as received (JSON) */
  body: string;
  status: 'held' | 'applied' | 'dismissed' | 'rejected';
  outcome: string | null;
  created_at: string;
  resolved_at: string | null;
}

export interface SyncBatchesTable {
  id: string;
  source_id: string;
  received_at: string;
  lines: number;
  applied: number;
  unchanged: number;
  held: number;
  rejected: number;
  /** JSON array of { line, code, detail } (the first few) */
  rejections: string;
}

/** Where new orders and tickets go when not to the reference service (migration 0038). */
export interface RecordWriteRoutesTable {
  kind: 'orders' | 'tickets';
  /** a GATEWAY_ROUTES name */
  route_name: string;
  /** the data source the records come back through */
  source_id: string;
  confirm_within_minutes: number;
  updated_at: string;
  updated_by: string | null;
}
