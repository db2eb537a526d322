/** Row shapes of audit streaming destinations and audit retention (modules/auditstream), migration 0043. */

export type AuditStreamKind = 'webhook' | 'syslog' | 'otlp';
export type AuditOwnerType = 'tenant' | 'partner' | 'platform';

export interface AuditStreamDestinationsTable {
  id: string;
  owner_type: AuditOwnerType;
  /** the tenant's or partner's id; '' for the platform */
  owner_id: string;
  kind: AuditStreamKind;
  name: string;
  /** webhook and OTLP: an https URL; syslog: host:port */
  address: string;
  /** syslog: the receiver's CA certificate (PEM), when it is not publicly trusted */
  ca_pem: string | null;
  /** encryptWithSecret(webhook signing secret, or the OTLP Authorization header), or null */
  secret_enc: string | null;
  status: 'active' | 'paused';
  /** chain position (audit_events.chain_seq) of the last event the receiver acknowledged */
  cursor_seq: number;
  /** that event's hash (the link the next batch carries) */
  cursor_hash: string;
  failures: number;
  next_attempt_at: string;
  locked_until: string | null;
  last_delivered_at: string | null;
  delivered_count: number;
  last_error: string | null;
  last_error_at: string | null;
  created_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface AuditRetentionTable {
  owner_type: AuditOwnerType;
  owner_id: string;
  days: number;
  /** chain position and hash of the organization's last event the sweep deleted */
  checkpoint_seq: number | null;
  checkpoint_hash: string | null;
  deleted_count: number;
  swept_at: string | null;
  updated_by: string | null;
  updated_at: string;
}

/** What the retention sweep keeps of a deleted audit event: its place and hashes in the chain. */
export interface AuditTombstonesTable {
  chain_seq: number;
  prev_hash: string;
  hash: string;
  deleted_at: string;
}
