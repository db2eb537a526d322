import type { Insertable, Selectable } from 'kysely';
import type { Executor } from '../../platform/db/database.ts';
import type { DelegationsTable, OAuthConsentsTable } from '../../platform/db/schema.ts';
import { delegationQueries } from '../delegations/index.ts';
import { billingLookups } from '../tenants/index.ts';
import { findMemberGrantFacts } from './grant-reads.ts';

export type DelegationRow = Selectable<DelegationsTable>;

export async function insertConsent(db: Executor, row: Insertable<OAuthConsentsTable>): Promise<void> {
  await db.insertInto('oauth_consents').values(row).execute();
}

/** The consent behind a grant, with what it stands on: one statement on the token path (grant-reads.ts). */
export { findConsentByGrant, type ConsentRecord } from './grant-reads.ts';

export function grantIdsOfDelegation(db: Executor, delegationId: string): Promise<{ grant_id: string }[]> {
  return db.selectFrom('oauth_consents').select('grant_id').where('delegation_id', '=', delegationId).execute();
}

/** Account numbers of the given billing accounts of a tenant (all active ones when ids is null): the tenants module's. */
export function banNumbers(db: Executor, tenantId: string, ids: string[] | null): Promise<string[]> {
  return billingLookups.listAccountNumbers(db, tenantId, ids);
}

export async function banNumber(db: Executor, id: string | null): Promise<string | null> {
  return id ? billingLookups.findBillingAccountNumber(db, id) : null;
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
      const rows = await billingLookups.findActiveAccountsAnd(db, tenantId, billTo);
      for (const r of rows) this.#keep(r);
      const active = rows.filter((r) => r.tenant_id === tenantId && r.status === 'active').map((r) => r.id);
      return { banNumbers: this.#ordered(tenantId, active), billTo: billTo ? (this.#byId.get(billTo)?.number ?? null) : null };
    }
    const missing = [...new Set([...ids, ...(billTo ? [billTo] : [])])].filter((id) => !this.#byId.has(id));
    if (missing.length > 0) {
      const rows = await billingLookups.findAccountsByIds(db, missing);
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
export const { findDelegationById: findDelegation, findWholesaleDelegations, findOpenConsents, touchLastUsed } = delegationQueries;

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
  /** the purposes the app asked for (active catalog ids); absent on marks made before purposes */
  purposes?: string[];
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
  const facts = await findMemberGrantFacts(db, mark);
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
