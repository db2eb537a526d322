/**
 * The random worlds and requests the decision engine's property tests (decide.property.test.ts,
 * decide.incremental.property.test.ts) draw: partners, tenants, BANs, users, delegations in every
 * status and origin with or without a tenant approver, roles with wildcards, overrides, feature
 * toggles and clocks, as plain data; requests from users (plain or bound to a partner), apps and
 * partner-level routes; and a snapshot built from a world.
 */
import fc from 'fast-check';
import { AuthzSnapshot } from './snapshot.ts';
import type { AuthzPrincipal, AuthzTarget } from './decide.ts';

// ---- the world, in plain data ---------------------------------------------------------------------

export interface WPartner {
  id: string;
  status: string;
  capabilities: string[];
  toggles: Record<string, boolean>;
  homeTenantId: string | null;
  /** the distributor this partner resells under (two-tier partners) */
  parentId: string | null;
}
export interface WTenant {
  id: string;
  status: string;
}
export interface WBan {
  id: string;
  tenantId: string;
  accountNumber: string;
}
export interface WUser {
  id: string;
  status: string;
  platformRole: string | null;
  tenants: { tenantId: string; role: string }[];
  partner: { partnerId: string; role: string; status: string } | null;
}
export interface WDelegation {
  id: string;
  partnerId: string;
  tenantId: string;
  origin: 'link' | 'consent' | 'wholesale';
  role: string;
  scopes: string[] | null;
  banIds: string[] | null;
  grant: string[];
  deny: string[];
  status: 'requested' | 'active' | 'expired' | 'revoked' | 'rejected';
  starts: number;
  ends: number;
  clientId: string | null;
  /** decided_by: the tenant admin who approved a link or consented; null = no tenant approver */
  approvedBy: string | null;
  /** the customer lets the partner's distributor act through this link */
  distributorAccess: boolean;
}
export interface World {
  roles: Record<string, string[]>;
  partners: WPartner[];
  tenants: WTenant[];
  bans: WBan[];
  users: WUser[];
  delegations: WDelegation[];
}

export const BASE = Date.parse('2030-01-01T00:00:00Z');
export const HOUR = 3_600_000;

export const PERMISSIONS = [
  'billing.invoices.read',
  'billing.invoices.export',
  'billing.accounts.read',
  'billing.summary.read',
  'orders.read',
  'orders.create',
  'orders.cancel',
  'services.read',
  'support.tickets.read',
  'support.tickets.create',
  'reports.usage.read',
  'vouchers.issue',
  'tenant.read',
  'tenant.members.manage',
  'platform.tenants.manage',
  'billing',
  'billingx.read',
];
export const GRANTS = ['billing.*', 'billing.invoices.*', 'billing.invoices.read', 'orders.*', 'orders.read', 'support.*', 'reports.usage.read', 'vouchers.*', 'services.read', 'billingx.*', '*'];
export const ROLES: Record<string, string[]> = {
  SUPER_ADMIN: ['platform.*', 'tenant.*'],
  RESOURCE_SERVICE: ['platform.authz.check'],
  TENANT_ADMIN: ['tenant.*', 'billing.*', 'orders.*', 'services.*', 'support.*', 'reports.*', 'vouchers.*'],
  TENANT_USER: ['tenant.read', 'billing.invoices.read', 'orders.read', 'orders.create', 'support.tickets.create'],
  MSP_FULL: ['billing.*', 'orders.*', 'services.*', 'support.*', 'reports.*', 'vouchers.*'],
  MSP_BILLING: ['billing.*', 'reports.usage.read'],
  AUDITOR: ['billing.invoices.read', 'billing.accounts.read', 'orders.read', 'services.read', 'support.tickets.read', 'reports.usage.read'],
  DELEGATE: [],
  WHOLESALE: ['*'],
};
export const DELEGATION_ROLES = ['MSP_FULL', 'MSP_BILLING', 'AUDITOR', 'DELEGATE', 'WHOLESALE', 'NO_SUCH_ROLE'];
export const CAPS = ['managed_services', 'delegated', 'wholesale', 'referral'];
export const TOGGLE_KEYS = ['orders', 'billing.invoices', 'billing.invoices.read', 'support.tickets', 'reports'];
export const CLIENTS = ['cli_a', 'cli_b'];

export const PARTNER_IDS = ['ptr_0', 'ptr_1', 'ptr_2'];
export const TENANT_IDS = ['tnt_0', 'tnt_1', 'tnt_2', 'tnt_3'];
export const USER_IDS = ['usr_0', 'usr_1', 'usr_2', 'usr_3', 'usr_4'];
export const DELEGATION_IDS = Array.from({ length: 8 }, (_, i) => `dlg_${i}`);
export const BAN_IDS = TENANT_IDS.flatMap((t) => [`ban_${t}_a`, `ban_${t}_b`]);
export const number = (banId: string) => 'N-' + banId.slice(4);

export const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
export const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
export const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
export const offset = fc.integer({ min: -4, max: 4 }).map((h) => BASE + h * HOUR);

export const partnerArb = (id: string): fc.Arbitrary<WPartner> =>
  fc.record({
    id: fc.constant(id),
    status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'applied', 'terminated']) }),
    capabilities: fc.oneof({ weight: 3, arbitrary: fc.constant(CAPS) }, { weight: 2, arbitrary: subset(CAPS) }),
    toggles: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(pick(TOGGLE_KEYS), fc.boolean(), { minKeys: 1, maxKeys: 2 }) }),
    homeTenantId: maybe(pick(TENANT_IDS)),
    // two-tier partners: often a reseller of another partner of the world (sometimes of itself, or of one that never exists)
    parentId: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') }),
  });
export const tenantArb = (id: string): fc.Arbitrary<WTenant> => fc.record({ id: fc.constant(id), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'closed']) }) });
export const userArb = (id: string): fc.Arbitrary<WUser> =>
  fc.record({
    id: fc.constant(id),
    status: fc.oneof({ weight: 12, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['disabled', 'invited']) }),
    platformRole: fc.option(pick(['SUPER_ADMIN', 'RESOURCE_SERVICE']), { nil: null, freq: 5 }),
    tenants: fc.uniqueArray(fc.record({ tenantId: pick(TENANT_IDS), role: pick(['TENANT_ADMIN', 'TENANT_USER']) }), { maxLength: 2, selector: (m) => m.tenantId }),
    partner: fc.option(fc.record({ partnerId: pick(PARTNER_IDS), role: pick(['PARTNER_OWNER', 'PARTNER_STAFF']), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: fc.constant('inactive') }) }), { nil: null, freq: 6 }),
  });
export const delegationArb: fc.Arbitrary<WDelegation> = fc
  .record({
    id: pick(DELEGATION_IDS),
    partnerId: pick(PARTNER_IDS),
    tenantId: pick(TENANT_IDS),
    origin: pick(['link', 'link', 'consent', 'wholesale'] as const),
    role: pick(DELEGATION_ROLES),
    scopes: fc.option(subset(GRANTS), { nil: null, freq: 2 }),
    banIds: maybe(subset(BAN_IDS)),
    grant: subset(GRANTS.filter((g) => g !== '*')).map((gs) => gs.slice(0, 2)),
    deny: subset([...GRANTS, ...PERMISSIONS]).map((gs) => gs.slice(0, 2)),
    status: pick(['requested', 'active', 'active', 'active', 'expired', 'revoked', 'rejected'] as const),
    starts: offset,
    length: fc.integer({ min: 1, max: 6 }),
    clientId: maybe(pick(CLIENTS)),
    // a user of the world (often made its tenant's admin below), one that never exists, or none
    approvedBy: fc.oneof({ weight: 6, arbitrary: pick(USER_IDS) }, { weight: 1, arbitrary: fc.constant('usr_gone') }, { weight: 3, arbitrary: fc.constant(null) }),
    distributorAccess: fc.boolean(),
  })
  .map(({ length, ...d }) => ({ ...d, ends: d.starts + length * HOUR }));
export const banOf = (id: string): WBan => ({ id, tenantId: id.slice(4, 9), accountNumber: number(id) });

export const worldArb: fc.Arbitrary<World> = fc
  .record({
    partners: fc.tuple(...PARTNER_IDS.map(partnerArb)),
    // one tenant id (tnt_3) is sometimes absent: an unknown tenant must look like an unlinked one
    tenants: fc.boolean().chain((all) => fc.tuple(...(all ? TENANT_IDS : TENANT_IDS.slice(0, 3)).map(tenantArb))),
    banMask: subset(BAN_IDS),
    users: fc.tuple(...USER_IDS.map(userArb)),
    delegations: fc.uniqueArray(delegationArb, { minLength: 3, maxLength: 8, selector: (d) => d.id }),
    // most approvers are made admins of the tenant they approved for, so approvals mostly stand
    approverIsAdmin: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    // half the worlds have a two-tier shape for sure: ptr_0 a distributor, ptr_1 its reseller
    tiers: fc.boolean(),
  })
  .map((r) => {
    if (r.tiers) r.partners = r.partners.map((p, i) => (i === 0 ? { ...p, parentId: null } : i === 1 ? { ...p, parentId: PARTNER_IDS[0] } : p)) as typeof r.partners;
    const users = r.users.map((u) => ({ ...u, tenants: [...u.tenants] }));
    r.delegations.forEach((d, i) => {
      const u = users.find((x) => x.id === d.approvedBy);
      if (!u || !(r.approverIsAdmin[i] || i % 2 === 0)) return;
      u.tenants = [...u.tenants.filter((m) => m.tenantId !== d.tenantId), { tenantId: d.tenantId, role: 'TENANT_ADMIN' }];
    });
    return { roles: { ...ROLES }, partners: r.partners, tenants: r.tenants, bans: r.banMask.map(banOf), users, delegations: r.delegations };
  });

export interface Req {
  principal: AuthzPrincipal;
  action: string | null;
  target: AuthzTarget;
  now: number;
}

export const banRef = fc.oneof(pick(BAN_IDS), pick(BAN_IDS).map(number), fc.constant('ban_unknown'));
/** A partner a user's credential may be bound to: mostly none, else a partner of the world or one that never exists. */
export const boundPartner = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') });
export const userPrincipal = fc.record({
  type: fc.constant('user' as const),
  userId: fc.oneof({ weight: 20, arbitrary: pick(USER_IDS) }, { weight: 1, arbitrary: fc.constant('usr_nobody') }),
  scopes: fc.option(subset([...GRANTS, ...PERMISSIONS]), { nil: null, freq: 4 }),
  partnerId: boundPartner,
});
export const appPrincipal = fc.record({
  type: fc.constant('app' as const),
  partnerId: fc.oneof({ weight: 20, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') }),
  clientId: pick(CLIENTS),
  delegationId: maybe(pick([...DELEGATION_IDS, 'dlg_nobody'])),
  tenantId: fc.option(pick(TENANT_IDS), { nil: null, freq: 2 }),
  bans: fc.option(fc.array(banRef, { maxLength: 2 }), { nil: null, freq: 2 }),
  scopes: maybe(subset([...GRANTS, ...PERMISSIONS])),
  userId: fc.option(pick(USER_IDS), { nil: null, freq: 3 }),
});
export const reqArb: fc.Arbitrary<Req> = fc.record({
  principal: fc.oneof({ weight: 3, arbitrary: userPrincipal as fc.Arbitrary<AuthzPrincipal> }, { weight: 2, arbitrary: appPrincipal as fc.Arbitrary<AuthzPrincipal> }),
  action: fc.option(pick(PERMISSIONS), { nil: null, freq: 8 }),
  target: fc.record({ tenantId: fc.option(pick([...TENANT_IDS, 'tnt_nowhere']), { nil: null, freq: 8 }), ban: fc.option(banRef, { nil: null, freq: 2 }) }),
  now: fc.integer({ min: -5, max: 8 }).map((h) => BASE + h * HOUR - 1 + (h % 2)),
});

/** decideForPartner(partnerId, action, target): a partner-level route acting for the partner's users (resources/partner.routes.ts). */
export interface PartnerReq {
  partnerId: string;
  action: string | null;
  target: AuthzTarget;
  now: number;
}

/** A delegation of the world to aim at, the active ones (the only ones that can allow) twice as often. */
export function aimAt(w: World): fc.Arbitrary<WDelegation> {
  const active = w.delegations.filter((d) => d.status === 'active');
  return active.length === 0 ? pick(w.delegations) : fc.oneof({ weight: 2, arbitrary: pick(active) }, { weight: 1, arbitrary: pick(w.delegations) });
}

/** A delegation of a reseller (a partner with a parent), distributor access on, active ones twice as often; else any. */
export function aimAtChain(w: World): fc.Arbitrary<WDelegation> {
  const chained = w.delegations.filter((d) => d.distributorAccess && w.partners.some((p) => p.id === d.partnerId && p.parentId !== null));
  if (chained.length === 0) return aimAt(w);
  const active = chained.filter((d) => d.status === 'active');
  return active.length === 0 ? pick(chained) : fc.oneof({ weight: 2, arbitrary: pick(active) }, { weight: 1, arbitrary: pick(chained) });
}

/** A delegation seen from its partner's distributor (when it has one): the request comes from the distributor's side. */
export function viaDistributor(w: World, d: WDelegation): WDelegation {
  const parentId = w.partners.find((p) => p.id === d.partnerId)?.parentId ?? null;
  return parentId === null ? d : { ...d, partnerId: parentId };
}

/** Half the aimed requests are made inside the delegation's window (an offset from its start), the others at the generated time. */
export const inWindow = fc.option(fc.integer({ min: 0, max: 6 * HOUR - 1 }), { nil: null, freq: 2 });

/**
 * Most requests aim at a delegation of the world (its partner's users — plain or with a credential
 * bound to that partner or another — or apps, its tenant), so every outcome is reached often.
 */
export function requestsFor(w: World): fc.Arbitrary<Req[]> {
  if (w.delegations.length === 0) return fc.array(reqArb, { minLength: 40, maxLength: 40 });
  const aimed: fc.Arbitrary<Req> = fc.tuple(aimAt(w), reqArb, fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(), fc.nat({ max: 5 }), inWindow, fc.boolean(), aimAtChain(w)).map(([d0, r0, useDlg, keepBan, keepClaim, which, bind, at, up, dc]) => {
    const d = up ? viaDistributor(w, dc) : d0;
    const r = { ...r0, now: at === null ? r0.now : Math.min(d.starts + at, d.ends - 1) };
    const target = { tenantId: d.tenantId, ban: keepBan ? r.target.ban : null };
    if (r.principal.type === 'user') {
      const members = w.users.filter((x) => x.partner?.partnerId === d.partnerId);
      const u = members.length > 0 ? members[which % members.length] : w.users.find((x) => x.id === (r.principal as { userId: string }).userId);
      // bound to the delegation's partner (the MSP user's app token), unbound, or as generated (often another partner)
      const partnerId = bind <= 2 ? d.partnerId : bind === 3 ? null : (r.principal as { partnerId?: string | null }).partnerId;
      return { ...r, principal: { ...r.principal, userId: u?.id ?? 'usr_nobody', partnerId }, target };
    }
    const clientId = d.clientId ?? r.principal.clientId;
    const tenantId = keepClaim ? r.principal.tenantId : d.tenantId;
    return { ...r, principal: { ...r.principal, partnerId: d.partnerId, clientId, delegationId: useDlg ? d.id : null, tenantId }, target };
  });
  return fc.array(fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: reqArb }), { minLength: 40, maxLength: 40 });
}

export const partnerReqArb: fc.Arbitrary<PartnerReq> = fc.record({
  partnerId: fc.oneof({ weight: 20, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') }),
  action: reqArb.map((r) => r.action),
  target: reqArb.map((r) => r.target),
  now: reqArb.map((r) => r.now),
});

/** decideForPartner requests, most of them aimed at a delegation of the world (its partner, its tenant). */
export function partnerRequestsFor(w: World): fc.Arbitrary<PartnerReq[]> {
  if (w.delegations.length === 0) return fc.array(partnerReqArb, { minLength: 12, maxLength: 12 });
  const aimed = fc.tuple(aimAt(w), partnerReqArb, fc.boolean(), inWindow, fc.boolean(), aimAtChain(w)).map(([d0, r, keepBan, at, up, dc]) => ({ d: up ? viaDistributor(w, dc) : d0, r, keepBan, at })).map(({ d, r, keepBan, at }) => ({
    ...r,
    partnerId: d.partnerId,
    target: { tenantId: d.tenantId, ban: keepBan ? r.target.ban : null },
    now: at === null ? r.now : Math.min(d.starts + at, d.ends - 1),
  }));
  return fc.array(fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: partnerReqArb }), { minLength: 12, maxLength: 12 });
}

export function buildSnapshot(w: World): AuthzSnapshot {
  const s = new AuthzSnapshot();
  for (const [id, grants] of Object.entries(w.roles)) s.putRole(id, grants);
  for (const p of w.partners) s.putPartner({ id: p.id, status: p.status, capabilities: p.capabilities, featureToggles: p.toggles, homeTenantId: p.homeTenantId, parentId: p.parentId });
  for (const t of w.tenants) s.putTenant(t);
  for (const b of w.bans) s.putBan({ ...b, status: 'active' });
  for (const u of w.users) s.putUser({ id: u.id, status: u.status, platformRole: u.platformRole, tenants: u.tenants.map((m) => [m.tenantId, m.role] as [string, string]), partner: u.partner });
  for (const d of w.delegations) s.putDelegation({ ...d, startsAt: d.starts, endsAt: d.ends });
  return s;
}
