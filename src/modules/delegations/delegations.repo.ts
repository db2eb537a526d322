/** Delegation rows and the invite code of a tenant. */
import type { Insertable, Selectable } from 'kysely';
import { sql } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DelegationsTable } from '../../platform/db/schema.ts';

export type DelegationRow = Selectable<DelegationsTable>;
export type DelegationStatus = DelegationRow['status'];
export type DelegationOrigin = DelegationRow['origin'];

export interface DelegationFilter {
  partnerId?: string;
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

export function findDelegationById(db: Executor, id: string): Promise<DelegationRow | undefined> {
  return db.selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirst();
}

export function findDelegationView(db: Executor, id: string): Promise<DelegationView | undefined> {
  return withNames(db).where('d.id', '=', id).executeTakeFirst();
}

function filtered<Q extends ReturnType<typeof withNames>>(q0: Q, f: DelegationFilter): Q {
  let q = q0;
  if (f.partnerId) q = q.where('d.partner_id', '=', f.partnerId) as Q;
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

/** The open (requested or active) link of a partner to a tenant, if any. */
export function findOpenLink(db: Executor, partnerId: string, tenantId: string): Promise<DelegationRow | undefined> {
  return db
    .selectFrom('delegations')
    .selectAll()
    .where('partner_id', '=', partnerId)
    .where('tenant_id', '=', tenantId)
    .where('origin', '=', 'link')
    .where('status', 'in', ['requested', 'active'])
    .executeTakeFirst();
}

/** Open delegations of one partner, on one tenant or on all (break-glass). */
export function listOpenOfPartner(db: Executor, partnerId: string, tenantId?: string): Promise<DelegationRow[]> {
  let q = db.selectFrom('delegations').selectAll().where('partner_id', '=', partnerId).where('status', 'in', ['requested', 'active']);
  if (tenantId) q = q.where('tenant_id', '=', tenantId);
  return q.orderBy('id').execute();
}

/** Active delegations whose end date has passed. */
export function listLapsed(db: Executor, nowIso: string, limit: number): Promise<DelegationRow[]> {
  return db.selectFrom('delegations').selectAll().where('status', '=', 'active').where('ends_at', '<=', nowIso).orderBy('ends_at').limit(limit).execute();
}

export async function insertDelegation(db: Executor, row: Insertable<DelegationsTable>): Promise<void> {
  await db.insertInto('delegations').values(row).execute();
}

export async function updateDelegation(db: Executor, id: string, patch: Partial<Insertable<DelegationsTable>>): Promise<void> {
  await db.updateTable('delegations').set(patch).where('id', '=', id).execute();
}

export function findTenantByInviteCode(db: Executor, code: string) {
  return db.selectFrom('tenants').selectAll().where('invite_code', '=', code).executeTakeFirst();
}

export function findTenantBySlug(db: Executor, slug: string) {
  return db.selectFrom('tenants').selectAll().where('slug', '=', slug).executeTakeFirst();
}

export function findTenantById(db: Executor, id: string) {
  return db.selectFrom('tenants').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function setInviteCode(db: Executor, tenantId: string, code: string | null, nowIso: string): Promise<void> {
  await db.updateTable('tenants').set({ invite_code: code, updated_at: nowIso }).where('id', '=', tenantId).execute();
}

export function findPartnerById(db: Executor, id: string) {
  return db.selectFrom('partners').selectAll().where('id', '=', id).executeTakeFirst();
}

export function listBillingAccountIds(db: Executor, tenantId: string) {
  return db.selectFrom('billing_accounts').select(['id', 'account_number', 'name', 'status']).where('tenant_id', '=', tenantId).orderBy('created_at').orderBy('id').execute();
}

/** Is the user an active TENANT_ADMIN of the tenant (the only one who may approve or confirm a delegation)? */
export async function isActiveTenantAdmin(db: Executor, tenantId: string, userId: string): Promise<boolean> {
  const row = await db
    .selectFrom('tenant_members as m')
    .innerJoin('users as u', 'u.id', 'm.user_id')
    .select('m.role')
    .where('m.tenant_id', '=', tenantId)
    .where('m.user_id', '=', userId)
    .where('m.role', '=', 'TENANT_ADMIN')
    .where('u.status', '=', 'active')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * The operator's overview: active delegations by origin, requests waiting (all, and those asked
 * before `waitingBefore`), and when access was granted since `sinceIso` (decided_at of every
 * delegation that was not rejected: approved requests and direct grants).
 */
export async function delegationFigures(db: Executor, sinceIso: string, waitingBefore: string) {
  const [active, requested, grants] = await Promise.all([
    db.selectFrom('delegations').select(['origin', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'active').groupBy('origin').execute(),
    db
      .selectFrom('delegations')
      .select([(eb) => eb.fn.countAll<number>().as('n'), sql<number>`sum(case when requested_at < ${waitingBefore} then 1 else 0 end)`.as('old')])
      .where('status', '=', 'requested')
      .executeTakeFirstOrThrow(),
    db.selectFrom('delegations').select('decided_at').where('decided_at', '>=', sinceIso).where('status', '!=', 'rejected').execute(),
  ]);
  return {
    activeByOrigin: active.map((r) => ({ origin: r.origin, n: Number(r.n) })),
    requested: Number(requested.n),
    requestedBefore: Number(requested.old ?? 0),
    grants: grants.map((r) => r.decided_at).filter((x): x is string => x !== null),
  };
}
