/**
 * Delegations shown with the names of both parties (a cross-table read model, listed in
 * READERS in src/app/table-owners.ts): lists, detail pages and the activations page join the
 * tenants', partners' and people's names in the one query a page makes, instead of asking each
 * owner in turn. It only reads; every write goes through the owners' repositories.
 */
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { ActivationRow } from './activations.repo.ts';
import type { Selectable } from 'kysely';
import type { DelegationsTable } from '../../platform/db/schema.ts';

type DelegationRow = Selectable<DelegationsTable>;
type DelegationStatus = DelegationRow['status'];
type DelegationOrigin = DelegationRow['origin'];

export interface DelegationFilter {
  partnerId?: string;
  /** with partnerId, these delegations too: a distributor's resellers' links its decision reaches customers through */
  alsoIds?: readonly string[];
  /** only these delegations (none when empty) */
  ids?: readonly string[];
  tenantId?: string;
  status?: DelegationStatus[];
  origin?: DelegationOrigin;
  cursor?: string;
  limit: number;
  /** the common list features: rows to skip, free text on the tenant's name and slug, sort keys, created_at range */
  offset?: number;
  q?: string;
  sort?: { field: 'tenant_name' | 'created_at' | 'ends_at' | 'starts_at' | 'status' | 'role'; desc: boolean }[];
  createdFrom?: string;
  createdTo?: string;
}

const SORT_COLUMN = { tenant_name: 't.name', created_at: 'd.created_at', ends_at: 'd.ends_at', starts_at: 'd.starts_at', status: 'd.status', role: 'd.role' } as const;

/** A delegation with the display names of both parties (lists and detail views). */
export type DelegationView = DelegationRow & {
  partner_name: string;
  partner_slug: string;
  tenant_name: string;
  tenant_slug: string;
  tenant_status: string;
  tenant_tier: string;
  tenant_created_at: string;
};

function withNames(db: Executor) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('partners as p', 'p.id', 'd.partner_id')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .selectAll('d')
    .select(['p.name as partner_name', 'p.slug as partner_slug', 't.name as tenant_name', 't.slug as tenant_slug', 't.status as tenant_status', 't.tier as tenant_tier', 't.created_at as tenant_created_at']);
}

/** One delegation with its names, not yet run (readWithCommit). */
export function selectDelegationView(db: Executor, id: string) {
  return withNames(db).where('d.id', '=', id);
}

export function findDelegationView(db: Executor, id: string): Promise<DelegationView | undefined> {
  return selectDelegationView(db, id).executeTakeFirst();
}

function filtered<Q extends ReturnType<typeof withNames>>(q0: Q, f: DelegationFilter): Q {
  let q = q0;
  if (f.partnerId && f.alsoIds && f.alsoIds.length > 0) {
    const [partnerId, alsoIds] = [f.partnerId, f.alsoIds];
    q = q.where((eb) => eb.or([eb('d.partner_id', '=', partnerId), eb('d.id', 'in', alsoIds)])) as Q;
  } else if (f.partnerId) q = q.where('d.partner_id', '=', f.partnerId) as Q;
  if (f.ids) q = (f.ids.length === 0 ? q.where(sql<boolean>`1 = 0`) : q.where('d.id', 'in', f.ids)) as Q;
  if (f.tenantId) q = q.where('d.tenant_id', '=', f.tenantId) as Q;
  if (f.status && f.status.length > 0) q = q.where('d.status', 'in', f.status) as Q;
  if (f.origin) q = q.where('d.origin', '=', f.origin) as Q;
  if (f.createdFrom) q = q.where('d.created_at', '>=', f.createdFrom) as Q;
  if (f.createdTo) q = q.where('d.created_at', '<=', f.createdTo) as Q;
  if (f.q) {
    const p = `%${f.q.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    q = q.where(sql<boolean>`(lower(t.name) like ${p} escape '\\' or lower(t.slug) like ${p} escape '\\')`) as Q;
  }
  return q;
}

export function listDelegations(db: Executor, f: DelegationFilter): Promise<DelegationView[]> {
  let q = filtered(withNames(db), f);
  // ids are time-sortable: newest first, the cursor is the last id of the previous page
  if (f.cursor) q = q.where('d.id', '<', f.cursor);
  for (const k of f.sort ?? []) q = q.orderBy(sql.ref(SORT_COLUMN[k.field]), k.desc ? 'desc' : 'asc');
  return q.orderBy('d.id', 'desc').limit(f.limit + 1).offset(f.offset ?? 0).execute();
}

/** How many delegations match the filter (every page). */
export async function countDelegations(db: Executor, f: DelegationFilter): Promise<number> {
  const r = await filtered(withNames(db), f).clearSelect().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst();
  return Number(r?.n ?? 0);
}


/** Activations with the member's, the decider's and both parties' names, newest first (the activations page). */
export async function listActivations(db: Executor, scope: { tenantId?: string; partnerId?: string; delegationId?: string; status?: ActivationRow['status'] }, limit: number) {
  let q = db
    .selectFrom('delegation_activations as a')
    .innerJoin('delegations as d', 'd.id', 'a.delegation_id')
    .innerJoin('tenants as t', 't.id', 'a.tenant_id')
    .innerJoin('partners as p', 'p.id', 'a.partner_id')
    .leftJoin('users as u', 'u.id', 'a.user_id')
    .leftJoin('users as dec', 'dec.id', 'a.decided_by')
    .selectAll('a')
    .select(['u.name as user_name', 'u.email as user_email', 't.name as tenant_name', 'p.name as partner_name', 'd.role as role', 'dec.name as decided_by_name']);
  if (scope.tenantId) q = q.where('a.tenant_id', '=', scope.tenantId);
  if (scope.partnerId) q = q.where('a.partner_id', '=', scope.partnerId);
  if (scope.delegationId) q = q.where('a.delegation_id', '=', scope.delegationId);
  if (scope.status) q = q.where('a.status', '=', scope.status);
  return (await q.orderBy('a.requested_at', 'desc').orderBy('a.id', 'desc').limit(limit).execute()) as (ActivationRow & { user_name: string | null; user_email: string | null; tenant_name: string; partner_name: string; role: string; decided_by_name: string | null })[];
}

/** The customers a wholesaler resells (active wholesale delegations), with their names. */
export function listResoldTenantNames(db: Executor, partnerId: string): Promise<{ tenant_id: string; name: string; slug: string }[]> {
  return db
    .selectFrom('delegations as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .select(['t.id as tenant_id', 't.name', 't.slug'])
    .where('d.partner_id', '=', partnerId)
    .where('d.origin', '=', 'wholesale')
    .where('d.status', '=', 'active')
    .distinct()
    .orderBy('t.name')
    .limit(1000)
    .execute();
}

/** A wholesaler's wholesale delegations, newest first, with the tenant and the account it bills to (the resold customers page). */
export function listWholesaleOfPartner(db: Executor, partnerId: string, limit: number) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .leftJoin('billing_accounts as bb', 'bb.id', 'd.bill_to_ban_id')
    .select(['d.id', 'd.status', 'd.ends_at', 'd.created_at', 't.id as tenant_id', 't.slug', 't.name', 't.status as tenant_status', 'bb.account_number as bill_to'])
    .where('d.partner_id', '=', partnerId)
    .where('d.origin', '=', 'wholesale')
    .orderBy('d.id', 'desc')
    .limit(limit)
    .execute();
}

/** The partners holding an active or requested link or wholesale delegation on the tenant, by name. */
export function tenantPartners(db: Executor, tenantId: string) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('partners as p', 'p.id', 'd.partner_id')
    .select(['d.partner_id', 'p.name as partner_name', 'd.role', 'd.status', 'd.ends_at'])
    .where('d.tenant_id', '=', tenantId)
    .where('d.status', 'in', ['active', 'requested'])
    .orderBy('p.name')
    .execute();
}

/** One delegation's parties, named (a link's commitments page). */
export function findLinkNames(db: Executor, delegationId: string) {
  return db
    .selectFrom('delegations as d')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .innerJoin('partners as p', 'p.id', 'd.partner_id')
    .select(['d.id', 'd.tenant_id', 'd.partner_id', 't.name as tenant_name', 'p.name as partner_name'])
    .where('d.id', '=', delegationId)
    .executeTakeFirst();
}

/** The tenants of a partner's active links, by the tenants' names. */
export async function activeLinkTenantsByName(db: Executor, partnerId: string): Promise<string[]> {
  const rows = await db.selectFrom('delegations as d').innerJoin('tenants as t', 't.id', 'd.tenant_id').select(['d.tenant_id']).where('d.partner_id', '=', partnerId).where('d.status', '=', 'active').where('d.origin', '=', 'link').orderBy('t.name').execute();
  return rows.map((r) => r.tenant_id);
}
