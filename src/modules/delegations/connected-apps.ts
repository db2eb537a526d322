/**
 * A tenant's connected apps (the customer's "Connected partners" page): its consent delegations,
 * each with the app, the partner and the person who approved it. A cross-table read model
 * (table-owners.ts READERS) in one query per page: the apps module depends on delegations, so
 * delegations cannot ask it, and asking partners and identity for each page's names would add round trips.
 */
import type { Executor } from '../../platform/db/database.ts';

export interface ConnectedAppRow {
  delegation_id: string;
  status: string;
  scopes: string | null;
  ban_ids: string | null;
  bill_to_ban_id: string | null;
  starts_at: string;
  ends_at: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
  revoke_reason: string | null;
  decided_by: string | null;
  client_id: string | null;
  app_name: string | null;
  app_logo_uri: string | null;
  app_status: string | null;
  partner_id: string;
  partner_name: string;
  partner_slug: string;
  partner_website: string | null;
  approver_email: string | null;
}

/** A tenant's consent delegations (only the active ones unless includeEnded), newest first, at most 500. */
export function listConnectedApps(db: Executor, tenantId: string, opts: { includeEnded: boolean }): Promise<ConnectedAppRow[]> {
  let q = db
    .selectFrom('delegations as d')
    .innerJoin('partners as p', 'p.id', 'd.partner_id')
    .leftJoin('apps as a', 'a.id', 'd.client_id')
    .leftJoin('users as u', 'u.id', 'd.decided_by')
    .select([
      'd.id as delegation_id',
      'd.status',
      'd.scopes',
      'd.ban_ids',
      'd.bill_to_ban_id',
      'd.starts_at',
      'd.ends_at',
      'd.created_at',
      'd.last_used_at',
      'd.revoked_at',
      'd.revoke_reason',
      'd.decided_by',
      'd.client_id',
      'a.name as app_name',
      'a.logo_uri as app_logo_uri',
      'a.status as app_status',
      'p.id as partner_id',
      'p.name as partner_name',
      'p.slug as partner_slug',
      'p.website as partner_website',
      'u.email as approver_email',
    ])
    .where('d.tenant_id', '=', tenantId)
    .where('d.origin', '=', 'consent');
  if (!opts.includeEnded) q = q.where('d.status', '=', 'active');
  return q.orderBy('d.id', 'desc').limit(500).execute();
}
