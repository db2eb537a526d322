import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import { prepared } from '../../platform/db/prepared.ts';
import type { DelegationsTable, OAuthConsentsTable } from '../../platform/db/schema.ts';
import { delegationQueries } from '../delegations/index.ts';

export type DelegationRow = Selectable<DelegationsTable>;

export async function insertConsent(db: Executor, row: Insertable<OAuthConsentsTable>): Promise<void> {
  await db.insertInto('oauth_consents').values(row).execute();
}

export interface ConsentRecord {
  grant_id: string;
  user_id: string;
  client_id: string;
  delegation: DelegationRow;
  tenant_status: string;
  /** the customer admin who consented (the grant's account), as they are now; null when the user is gone */
  user: { id: string; name: string; email: string; status: string } | null;
}

/**
 * The consent behind a grant, with its delegation and the consenting user as they are now: one
 * statement answers the grant's liveness, its token claims and the library's account lookup
 * (oauth.service.ts keeps it for the rest of the request).
 */
export async function findConsentByGrant(db: Executor, grantId: string): Promise<ConsentRecord | undefined> {
  const r = (await consentByGrant(db, grantId)).rows[0];
  if (!r) return undefined;
  const { grant_id, consent_user_id, consent_client_id, tenant_status, u_id, u_name, u_email, u_status, ...delegation } = r;
  const user = u_id !== null && u_name !== null && u_email !== null && u_status !== null ? { id: u_id, name: u_name, email: u_email, status: u_status } : null;
  return { grant_id, user_id: consent_user_id, client_id: consent_client_id, tenant_status, user, delegation: delegation as DelegationRow };
}

/** Every refresh asks it: compiled once (platform/db/prepared.ts). */
const consentByGrant = prepared(1, (db, grantId) =>
  db
    .selectFrom('oauth_consents as c')
    .innerJoin('delegations as d', 'd.id', 'c.delegation_id')
    .innerJoin('tenants as t', 't.id', 'd.tenant_id')
    .leftJoin('users as u', 'u.id', 'c.user_id')
    .selectAll('d')
    .select(['c.grant_id', 'c.user_id as consent_user_id', 'c.client_id as consent_client_id', 't.status as tenant_status', 'u.id as u_id', 'u.name as u_name', 'u.email as u_email', 'u.status as u_status'])
    .where('c.grant_id', '=', grantId),
);

export function grantIdsOfDelegation(db: Executor, delegationId: string): Promise<{ grant_id: string }[]> {
  return db.selectFrom('oauth_consents').select('grant_id').where('delegation_id', '=', delegationId).execute();
}

export function findDelegation(db: Executor, id: string): Promise<DelegationRow | undefined> {
  return db.selectFrom('delegations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Account numbers of the given billing accounts of a tenant (all active ones when ids is null). */
export async function banNumbers(db: Executor, tenantId: string, ids: string[] | null): Promise<string[]> {
  let q = db.selectFrom('billing_accounts').select('account_number').where('tenant_id', '=', tenantId);
  if (ids === null) q = q.where('status', '=', 'active');
  else if (ids.length === 0) return [];
  else q = q.where('id', 'in', ids);
  return (await q.orderBy('created_at').orderBy('id').execute()).map((r) => r.account_number);
}

export async function banNumber(db: Executor, id: string | null): Promise<string | null> {
  if (!id) return null;
  return (await db.selectFrom('billing_accounts').select('account_number').where('id', '=', id).executeTakeFirst())?.account_number ?? null;
}

/**
 * Account numbers of billing accounts, for token claims. A billing account is never deleted and
 * its number, tenant and creation time never change (only its name and status do: tenants
 * service), so what is read once stays true: a grant refreshed every few minutes reads its BANs
 * once per instance, not once per token. Only "every active BAN of the tenant" (a delegation
 * without a BAN list) depends on a status, and is read each time.
 */
export class BanNumbers {
  readonly #byId = new Map<string, { tenantId: string; number: string; createdAt: string }>();
  readonly #max: number;

  constructor(max = 100_000) {
    this.#max = max;
  }

  /**
   * What `banNumbers(tenantId, ids)` and `banNumber(billTo)` answer, in at most one statement:
   * the numbers of `ids` that belong to the tenant (all its active BANs when ids is null), by
   * creation, and the bill-to BAN's number.
   */
  async numbers(db: Executor, tenantId: string, ids: string[] | null, billTo: string | null): Promise<{ banNumbers: string[]; billTo: string | null }> {
    if (ids === null) {
      const rows = await db
        .selectFrom('billing_accounts')
        .select(['id', 'tenant_id', 'account_number', 'created_at', 'status'])
        .where((eb) => eb.or([eb.and([eb('tenant_id', '=', tenantId), eb('status', '=', 'active')]), ...(billTo ? [eb('id', '=', billTo)] : [])]))
        .execute();
      for (const r of rows) this.#keep(r);
      const active = rows.filter((r) => r.tenant_id === tenantId && r.status === 'active').map((r) => r.id);
      return { banNumbers: this.#ordered(tenantId, active), billTo: billTo ? (this.#byId.get(billTo)?.number ?? null) : null };
  /** the purposes the app asked for (active catalog ids); absent on marks made before purposes */
  purposes?: string[];
    }
    const missing = [...new Set([...ids, ...(billTo ? [billTo] : [])])].filter((id) => !this.#byId.has(id));
    if (missing.length > 0) {
      const rows = await db.selectFrom('billing_accounts').select(['id', 'tenant_id', 'account_number', 'created_at']).where('id', 'in', missing).execute();
      for (const r of rows) this.#keep(r);
    }
    return { banNumbers: this.#ordered(tenantId, ids), billTo: billTo ? (this.#byId.get(billTo)?.number ?? null) : null };
  }

  #keep(r: { id: string; tenant_id: string; account_number: string; created_at: string }): void {
    if (this.#byId.size >= this.#max) this.#byId.clear();
    this.#byId.set(r.id, { tenantId: r.tenant_id, number: r.account_number, createdAt: r.created_at });
  }

  /** The tenant's BANs among `ids`, ordered as banNumbers() orders them (creation, then id). */
  #ordered(tenantId: string, ids: string[]): string[] {
    const found: { id: string; number: string; createdAt: string }[] = [];
    for (const id of new Set(ids)) {
      const b = this.#byId.get(id);
      if (b && b.tenantId === tenantId) found.push({ id, number: b.number, createdAt: b.createdAt });
    }
    found.sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    return found.map((b) => b.number);
  }
}

/** The delegation rows the authorization server reads and touches belong to the delegations module: asked through its index. */
export const { findWholesaleDelegations, findOpenConsents, touchLastUsed } = delegationQueries;

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

/** A tenant's consent delegations with the app and partner behind each (Connected partners). */
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

// ---- MSP member grants -----------------------------------------------------------------------------

/**
 * A grant a member of the app's own partner approved for their own account (no tenant, no
 * delegation) is marked by a row of its own in the protocol store, keyed by the grant id and
 * expiring with the grant (then purged). Its grant_id column stays empty so the library's "revoke
 * everything of this grant" leaves it for the revocation hook, which audits and removes it; a mark
 * whose grant is gone marks nothing.
 */
export const MEMBER_GRANT_MODEL = 'PartnergateMemberGrant';

export interface MemberGrantMark {
  user_id: string;
  client_id: string;
  partner_id: string;
}

export async function insertMemberGrant(db: Executor, grantId: string, mark: MemberGrantMark, expiresAt: string): Promise<void> {
  await db
    .insertInto('oauth_store')
    .values({ model: MEMBER_GRANT_MODEL, id: grantId, payload: JSON.stringify(mark), grant_id: null, uid: null, user_code: null, expires_at: expiresAt, consumed_at: null })
    .execute();
}

/** True when the mark was there (and is now gone). */
export async function deleteMemberGrant(db: Executor, grantId: string): Promise<boolean> {
  const r = await db.deleteFrom('oauth_store').where('model', '=', MEMBER_GRANT_MODEL).where('id', '=', grantId).executeTakeFirst();
  return Number(r.numDeletedRows ?? 0) > 0;
}

export interface MemberGrantRecord extends MemberGrantMark {
  user_status: string | null;
  /** the user's membership of the partner now (null = not a member any more) */
  member_role: string | null;
  member_status: string | null;
  partner_status: string | null;
  partner_capabilities: string | null;
  app_status: string | null;
  app_partner_id: string | null;
}

/** The member grant behind a grant id, with the live facts it stands on; undefined when the grant is not one. */
export async function findMemberGrant(db: Executor, grantId: string, now: string): Promise<MemberGrantRecord | undefined> {
  const row = await db
    .selectFrom('oauth_store')
    .select(['payload', 'expires_at'])
    .where('model', '=', MEMBER_GRANT_MODEL)
    .where('id', '=', grantId)
    .executeTakeFirst();
  if (!row || (row.expires_at !== null && row.expires_at <= now)) return undefined;
  const mark = JSON.parse(row.payload) as MemberGrantMark;
  const facts = await db
    .selectFrom('users as u')
    .leftJoin('partner_members as m', (j) => j.onRef('m.user_id', '=', 'u.id').on('m.partner_id', '=', mark.partner_id))
    .leftJoin('partners as p', (j) => j.on('p.id', '=', mark.partner_id))
    .leftJoin('apps as a', (j) => j.on('a.id', '=', mark.client_id))
    .select(['u.status as user_status', 'm.role as member_role', 'm.status as member_status', 'p.status as partner_status', 'p.capabilities as partner_capabilities', 'a.status as app_status', 'a.partner_id as app_partner_id'])
    .where('u.id', '=', mark.user_id)
    .executeTakeFirst();
  return {
    ...mark,
    user_status: facts?.user_status ?? null,
    member_role: facts?.member_role ?? null,
    member_status: facts?.member_status ?? null,
    partner_status: facts?.partner_status ?? null,
    partner_capabilities: facts?.partner_capabilities ?? null,
    app_status: facts?.app_status ?? null,
    app_partner_id: facts?.app_partner_id ?? null,
  };
}

/** The member grants marked for a user (their grant ids, apps and partners), expired marks included. */
export async function listMemberGrantsOfUser(db: Executor, userId: string): Promise<(MemberGrantMark & { grant_id: string })[]> {
  // the mark is stored as JSON with user_id first (insertMemberGrant); parsed to be sure
  const rows = await db
    .selectFrom('oauth_store')
    .select(['id', 'payload'])
    .where('model', '=', MEMBER_GRANT_MODEL)
    .where('payload', 'like', `{"user_id":${JSON.stringify(userId)},%`)
    .execute();
  return rows.map((r) => ({ grant_id: r.id, ...(JSON.parse(r.payload) as MemberGrantMark) })).filter((m) => m.user_id === userId);
}

/** Does a member grant still stand: user active, still an active member, partner active with managed_services, app live. */
export function memberGrantStands(r: MemberGrantRecord): boolean {
  let caps: string[] = [];
  try {
    caps = r.partner_capabilities ? (JSON.parse(r.partner_capabilities) as string[]) : [];
  } catch {
    caps = [];
  }
  return (
    r.user_status === 'active' &&
    r.member_status === 'active' &&
    (r.member_role === 'PARTNER_OWNER' || r.member_role === 'PARTNER_STAFF') &&
    r.partner_status === 'active' &&
    caps.includes('managed_services') &&
    r.app_status === 'active' &&
    r.app_partner_id === r.partner_id
  );
}
