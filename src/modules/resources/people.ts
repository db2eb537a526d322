/**
 * Who did it, in words a customer reads: the partner's name and the person's name and e-mail
 * for the user and partner ids an order, ticket, comment or alert records (people see names, "not usr_…").
 * Read in one query per kind of id for a whole page.
 */
import type { Executor } from '../../platform/db/database.ts';
import { Nullable, Type } from '../../platform/http/schemas.ts';
import { delegationQueries } from '../delegations/index.ts';
import { peopleLookups } from '../identity/index.ts';
import { partnerLookups } from '../partners/index.ts';
import { memberLookups } from '../tenants/index.ts';

export interface Person {
  user_id: string;
  name: string;
  email: string;
  partner_id: string | null;
  partner_name: string | null;
}

export const PersonDto = Type.Object(
  { user_id: Type.String(), name: Type.String(), email: Type.String(), partner_id: Nullable(Type.String()), partner_name: Nullable(Type.String()) },
  { title: 'Person', description: 'who did it: the person and, when they acted for a partner, the partner' },
);

export interface People {
  person(userId: string | null | undefined, partnerId?: string | null): Person | null;
  partnerName(partnerId: string | null | undefined): string | null;
}

/** Names and e-mails of the users, names of the partners (unknown ids are left out). */
export async function loadPeople(db: Executor, userIds: Iterable<string | null | undefined>, partnerIds: Iterable<string | null | undefined>): Promise<People> {
  const u = [...new Set([...userIds].filter((x): x is string => typeof x === 'string' && x.startsWith('usr_')))];
  const p = [...new Set([...partnerIds].filter((x): x is string => typeof x === 'string' && x.length > 0))];
  const [users, partners] = await Promise.all([
    u.length ? peopleLookups.findUserContacts(db, u) : Promise.resolve([]),
    p.length ? partnerLookups.findPartnerNamesOf(db, p) : Promise.resolve([]),
  ]);
  const um = new Map(users.map((r) => [r.id, r]));
  const pm = new Map(partners.map((r) => [r.id, r.name]));
  return {
    person(userId, partnerId = null) {
      if (!userId) return null;
      const r = um.get(userId);
      if (!r) return null;
      return { user_id: r.id, name: r.name, email: r.email, partner_id: partnerId ?? null, partner_name: partnerId ? (pm.get(partnerId) ?? null) : null };
    },
    partnerName: (id) => (id ? (pm.get(id) ?? null) : null),
  };
}

/**
 * Who reads a ticket: its tenant's own people (partnerId null), or a partner acting on the tenant
 * (that partner's id). Either can see the ticket already; this says whose people it may see named.
 */
export interface Reader {
  partnerId: string | null;
}

/** The tenant's own view. */
export const TENANT_READER: Reader = Object.freeze({ partnerId: null });

/** Names an assignee to a reader only when the assignee belongs to the reader's side of the ticket. */
export interface Affiliations {
  /**
   * May `reader` see `userId` named on a record of `tenantId`? Yes for a member of the tenant (its
   * people and every partner acting on it read that record); for a member of a partner, only to
   * that partner and, while the partner acts on the tenant (an active delegation), to the tenant.
   * Anyone else — another organization's person, the operator — is named to no one.
   */
  named(userId: string | null | undefined, tenantId: string, reader: Reader): boolean;
}

/**
 * The memberships of the users (of the given tenants, and of any partner) and the active
 * delegations between their partners and those tenants: one query each for a whole page. Read
 * by the caller as the system (the memberships of another organization are behind its wall);
 * only yes/no answers about these users and tenants leave it.
 */
export async function loadAffiliations(db: Executor, userIds: Iterable<string | null | undefined>, tenantIds: Iterable<string>): Promise<Affiliations> {
  const u = [...new Set([...userIds].filter((x): x is string => typeof x === 'string' && isUserId(x)))];
  const t = [...new Set(tenantIds)];
  if (u.length === 0 || t.length === 0) return { named: () => false };
  const [tm, pm] = await Promise.all([
    memberLookups.findMembershipsAmong(db, u, t),
    partnerLookups.findMembershipsOfUsers(db, u),
  ]);
  const partners = [...new Set(pm.map((r) => r.partner_id))];
  const acting = partners.length
    ? await delegationQueries.findActiveBetween(db, partners, t)
    : [];
  const inTenant = new Set(tm.map((r) => `${r.user_id} ${r.tenant_id}`));
  const partnersOf = new Map<string, string[]>();
  for (const r of pm) partnersOf.set(r.user_id, [...(partnersOf.get(r.user_id) ?? []), r.partner_id]);
  const actsOn = new Set(acting.map((r) => `${r.partner_id} ${r.tenant_id}`));
  return {
    named(userId, tenantId, reader) {
      if (!userId) return false;
      if (inTenant.has(`${userId} ${tenantId}`)) return true;
      return (partnersOf.get(userId) ?? []).some((p) => (reader.partnerId === null ? actsOn.has(`${p} ${tenantId}`) : reader.partnerId === p));
    },
  };
}

/** A value that names a user (`usr_…`) rather than a team label such as 'noc-tier1'. */
export const isUserId = (v: string): boolean => v.startsWith('usr_');
