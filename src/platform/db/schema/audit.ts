/**
 * Row shapes of the audit log and its hash-chain head (modules/audit), and the change feed
 * (platform/events). Conventions: schema.ts.
 */
import type { Generated } from 'kysely';

export interface AuditEventsTable {
  seq: Generated<number>;
  id: string;
  occurred_at: string;
  actor_type: 'user' | 'api_token' | 'app' | 'agency' | 'system' | 'anonymous';
  actor_user_id: string | null;
  actor_partner_id: string | null;
  actor_client_id: string | null;
  partner_agency_id: string | null;
  tenant_id: string | null;
  partner_id: string | null;
  ban: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  outcome: 'success' | 'denied' | 'failure';
  request_id: string | null;
  ip: string | null;
  user_agent: string | null;
  /** JSON object */
  details: string;
  /** null on PostgreSQL until the sealer puts the event into the chain (migration 0012) */
  prev_hash: string | null;
  hash: string | null;
  /** the event's place in the hash chain; null until sealed */
  chain_seq: number | null;
}

/** One row (id = 1): the newest event of the hash chain (last_seq is its chain_seq), moved with every seal (migration 0006). */
export interface AuditHeadTable {
  id: number;
  last_seq: number;
  last_hash: string;
  updated_at: string;
}

export interface ChangeEventsTable {
  id: Generated<number>;
  /** PostgreSQL: the writing transaction's id (xid8, as text), filled in by the database (migration 0012) */
  xid?: Generated<string>;
  entity: string;
  entity_id: string;
  created_at: string;
}
