/**
 * A user's memberships with their organizations' names: a cross-table read model (table-owners.ts
 * READERS). Tenants and partners own these tables, but they depend on identity, which builds the
 * principal of every API request the database authenticates from this one compiled statement.
 */
import { sql } from 'kysely';
import { readWithCommit, type Executor, type Tx } from '../../platform/db/database.ts';
import type { PartnerMembership, TenantMembership } from '../../platform/http/principal.ts';
import { prepared } from '../../platform/db/prepared.ts';

type MembershipRow = { kind: 't' | 'p'; org_id: string; role: string; org_status: string; slug: string; name: string; member_status: string | null; capabilities: string | null; locale: string | null };

const membershipsQuery = (db: Executor, userId: string) =>
  db
    .selectFrom('tenant_members as m')
    .innerJoin('tenants as t', 't.id', 'm.tenant_id')
    .select([sql<'t' | 'p'>`'t'`.as('kind'), 'm.tenant_id as org_id', 'm.role', 't.status as org_status', 't.slug', 't.name', sql<string | null>`null`.as('member_status'), sql<string | null>`null`.as('capabilities'), 't.locale'])
    .where('m.user_id', '=', userId)
    .$castTo<MembershipRow>()
    .unionAll(
      db
        .selectFrom('partner_members as m')
        .innerJoin('partners as p', 'p.id', 'm.partner_id')
        .select([sql<'t' | 'p'>`'p'`.as('kind'), 'm.partner_id as org_id', 'm.role', 'p.status as org_status', 'p.slug', 'p.name', 'm.status as member_status', 'p.capabilities', 'p.locale'])
        .where('m.user_id', '=', userId)
        .$castTo<MembershipRow>(),
    )
    .orderBy('kind', 'desc')
    .orderBy('name');

/** Every API request the database authenticates reads it: compiled once (platform/db/prepared.ts). */
const membershipsOf = prepared(1, membershipsQuery);

export type Memberships = ReturnType<typeof membershipsFrom>;

/**
 * A user's tenant and partner memberships with the organizations' names, in one statement (one
 * round trip on every API request the database authenticates): the two reads as a `union all`,
 * tenants by name first. The memberships tables are walled: read in the user's own context.
 */
export async function loadMemberships(db: Executor, userId: string): Promise<Memberships> {
  return membershipsFrom((await membershipsOf(db, userId)).rows);
}

/**
 * The same, read in the transaction `trx` just before its COMMIT (no round trip of its own on
 * PostgreSQL) and taken once the COMMIT is kept. In the user's own context, which the caller
 * has switched the transaction to.
 */
export async function membershipsWithCommit(trx: Tx, userId: string): Promise<{ memberships: Promise<Memberships> }> {
  const later = await readWithCommit(trx, membershipsQuery(trx, userId));
  // wrapped, so that returning it from the transaction's function does not wait for it
  return { memberships: later.rows.then(membershipsFrom) };
}

function membershipsFrom(rows: readonly MembershipRow[]): {
  tenants: (TenantMembership & { tenantSlug: string; tenantName: string })[];
  partner: (PartnerMembership & { partnerSlug: string; partnerName: string }) | null;
  /** the organization's default language, as locale-reads.ts says it: the partner's, else the first tenant's (by name) that set one */
  organizationLocale: string | null;
} {
  const tenants: (TenantMembership & { tenantSlug: string; tenantName: string })[] = [];
  let partner: (PartnerMembership & { partnerSlug: string; partnerName: string }) | null = null;
  let partnerLocale: string | null = null;
  let tenantLocale: string | null = null;
  for (const r of rows) {
    if (r.kind === 't') tenantLocale ??= r.locale;
    else partnerLocale ??= r.locale;
    if (r.kind === 't') tenants.push({ tenantId: r.org_id, role: r.role as TenantMembership['role'], tenantStatus: r.org_status, tenantSlug: r.slug, tenantName: r.name });
    else
      partner ??= {
        partnerId: r.org_id,
        role: r.role as PartnerMembership['role'],
        memberStatus: r.member_status as PartnerMembership['memberStatus'],
        partnerStatus: r.org_status as PartnerMembership['partnerStatus'],
        capabilities: JSON.parse(r.capabilities ?? '[]') as string[],
        partnerSlug: r.slug,
        partnerName: r.name,
      };
  }
  return { tenants, partner, organizationLocale: partnerLocale ?? tenantLocale };
}
