/**
 * Property tests of the decision engine: random worlds (partners, tenants, BANs, users,
 * delegations in every status and origin with or without a tenant approver, roles with
 * wildcards, overrides, feature toggles, clocks) and random requests from users (plain, or with
 * a credential bound to a partner: the MSP user's app token), apps, and partner-level routes
 * (decideForPartner).
 *
 * 1. A deliberately plain reference model — arrays, string statuses, its own naive wildcard
 *    matcher (segment by segment, nothing shared with the production code), written from the
 *    rules in decide.ts's header rather than from its code — decides every request; the engine
 *    must give the same allow and the same code on every one (≥ 10,000 per run), and explain()
 *    must agree with decide(). Independently of the reference, every allowed answer must stand
 *    on the access it names (`violation()`): across tenants, an active delegation in its window
 *    whose role ∪ grant overrides cover the action with no deny, disabled feature or scope taking
 *    it away, whose tenant is active, whose partner is active and has the capability its origin
 *    needs, whose approver still stands, covering the BAN (a consent only for its own client).
 * 2. A snapshot kept current by random incremental changes (put/remove of users, partners,
 *    tenants, BANs, delegations and roles, as the change feed applies them) decides exactly like
 *    one built fresh from the final world.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { AuthzSnapshot } from './snapshot.ts';
import { decide, decideForPartner, explain, type Allowed, type AuthzPrincipal, type AuthzTarget } from './decide.ts';

// ---- the world, in plain data ---------------------------------------------------------------------

interface WPartner {
  id: string;
  status: string;
  capabilities: string[];
  toggles: Record<string, boolean>;
  homeTenantId: string | null;
}
interface WTenant {
  id: string;
  status: string;
}
interface WBan {
  id: string;
  tenantId: string;
  accountNumber: string;
}
interface WUser {
  id: string;
  status: string;
  platformRole: string | null;
  tenants: { tenantId: string; role: string }[];
  partner: { partnerId: string; role: string; status: string } | null;
}
interface WDelegation {
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
}
interface World {
  roles: Record<string, string[]>;
  partners: WPartner[];
  tenants: WTenant[];
  bans: WBan[];
  users: WUser[];
  delegations: WDelegation[];
}

const BASE = Date.parse('2030-01-01T00:00:00Z');
const HOUR = 3_600_000;

const PERMISSIONS = [
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
const GRANTS = ['billing.*', 'billing.invoices.*', 'billing.invoices.read', 'orders.*', 'orders.read', 'support.*', 'reports.usage.read', 'vouchers.*', 'services.read', 'billingx.*', '*'];
const ROLES: Record<string, string[]> = {
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
const DELEGATION_ROLES = ['MSP_FULL', 'MSP_BILLING', 'AUDITOR', 'DELEGATE', 'WHOLESALE', 'NO_SUCH_ROLE'];
const CAPS = ['managed_services', 'delegated', 'wholesale', 'referral'];
const TOGGLE_KEYS = ['orders', 'billing.invoices', 'billing.invoices.read', 'support.tickets', 'reports'];
const CLIENTS = ['cli_a', 'cli_b'];

const PARTNER_IDS = ['ptr_0', 'ptr_1', 'ptr_2'];
const TENANT_IDS = ['tnt_0', 'tnt_1', 'tnt_2', 'tnt_3'];
const USER_IDS = ['usr_0', 'usr_1', 'usr_2', 'usr_3', 'usr_4'];
const DELEGATION_IDS = Array.from({ length: 8 }, (_, i) => `dlg_${i}`);
const BAN_IDS = TENANT_IDS.flatMap((t) => [`ban_${t}_a`, `ban_${t}_b`]);
const number = (banId: string) => 'N-' + banId.slice(4);

const pick = <T>(xs: readonly T[]) => fc.constantFrom(...xs);
const subset = <T>(xs: readonly T[]) => fc.subarray([...xs]);
const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null, freq: 3 });
const offset = fc.integer({ min: -4, max: 4 }).map((h) => BASE + h * HOUR);

const partnerArb = (id: string): fc.Arbitrary<WPartner> =>
  fc.record({
    id: fc.constant(id),
    status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'applied', 'terminated']) }),
    capabilities: fc.oneof({ weight: 3, arbitrary: fc.constant(CAPS) }, { weight: 2, arbitrary: subset(CAPS) }),
    toggles: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(pick(TOGGLE_KEYS), fc.boolean(), { minKeys: 1, maxKeys: 2 }) }),
    homeTenantId: maybe(pick(TENANT_IDS)),
  });
const tenantArb = (id: string): fc.Arbitrary<WTenant> => fc.record({ id: fc.constant(id), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'closed']) }) });
const userArb = (id: string): fc.Arbitrary<WUser> =>
  fc.record({
    id: fc.constant(id),
    status: fc.oneof({ weight: 12, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['disabled', 'invited']) }),
    platformRole: fc.option(pick(['SUPER_ADMIN', 'RESOURCE_SERVICE']), { nil: null, freq: 5 }),
    tenants: fc.uniqueArray(fc.record({ tenantId: pick(TENANT_IDS), role: pick(['TENANT_ADMIN', 'TENANT_USER']) }), { maxLength: 2, selector: (m) => m.tenantId }),
    partner: fc.option(fc.record({ partnerId: pick(PARTNER_IDS), role: pick(['PARTNER_OWNER', 'PARTNER_STAFF']), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: fc.constant('inactive') }) }), { nil: null, freq: 6 }),
  });
const delegationArb: fc.Arbitrary<WDelegation> = fc
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
  })
  .map(({ length, ...d }) => ({ ...d, ends: d.starts + length * HOUR }));
const banOf = (id: string): WBan => ({ id, tenantId: id.slice(4, 9), accountNumber: number(id) });

const worldArb: fc.Arbitrary<World> = fc
  .record({
    partners: fc.tuple(...PARTNER_IDS.map(partnerArb)),
    // one tenant id (tnt_3) is sometimes absent: an unknown tenant must look like an unlinked one
    tenants: fc.boolean().chain((all) => fc.tuple(...(all ? TENANT_IDS : TENANT_IDS.slice(0, 3)).map(tenantArb))),
    banMask: subset(BAN_IDS),
    users: fc.tuple(...USER_IDS.map(userArb)),
    delegations: fc.uniqueArray(delegationArb, { minLength: 3, maxLength: 8, selector: (d) => d.id }),
    // most approvers are made admins of the tenant they approved for, so approvals mostly stand
    approverIsAdmin: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
  })
  .map((r) => {
    const users = r.users.map((u) => ({ ...u, tenants: [...u.tenants] }));
    r.delegations.forEach((d, i) => {
      const u = users.find((x) => x.id === d.approvedBy);
      if (!u || !(r.approverIsAdmin[i] || i % 2 === 0)) return;
      u.tenants = [...u.tenants.filter((m) => m.tenantId !== d.tenantId), { tenantId: d.tenantId, role: 'TENANT_ADMIN' }];
    });
    return { roles: { ...ROLES }, partners: r.partners, tenants: r.tenants, bans: r.banMask.map(banOf), users, delegations: r.delegations };
  });

interface Req {
  principal: AuthzPrincipal;
  action: string | null;
  target: AuthzTarget;
  now: number;
}

const banRef = fc.oneof(pick(BAN_IDS), pick(BAN_IDS).map(number), fc.constant('ban_unknown'));
/** A partner a user's credential may be bound to: mostly none, else a partner of the world or one that never exists. */
const boundPartner = fc.oneof({ weight: 5, arbitrary: fc.constant(null) }, { weight: 3, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') });
const userPrincipal = fc.record({
  type: fc.constant('user' as const),
  userId: fc.oneof({ weight: 20, arbitrary: pick(USER_IDS) }, { weight: 1, arbitrary: fc.constant('usr_nobody') }),
  scopes: fc.option(subset([...GRANTS, ...PERMISSIONS]), { nil: null, freq: 4 }),
  partnerId: boundPartner,
});
const appPrincipal = fc.record({
  type: fc.constant('app' as const),
  partnerId: fc.oneof({ weight: 20, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') }),
  clientId: pick(CLIENTS),
  delegationId: maybe(pick([...DELEGATION_IDS, 'dlg_nobody'])),
  tenantId: fc.option(pick(TENANT_IDS), { nil: null, freq: 2 }),
  bans: fc.option(fc.array(banRef, { maxLength: 2 }), { nil: null, freq: 2 }),
  scopes: maybe(subset([...GRANTS, ...PERMISSIONS])),
  userId: fc.option(pick(USER_IDS), { nil: null, freq: 3 }),
});
const reqArb: fc.Arbitrary<Req> = fc.record({
  principal: fc.oneof({ weight: 3, arbitrary: userPrincipal as fc.Arbitrary<AuthzPrincipal> }, { weight: 2, arbitrary: appPrincipal as fc.Arbitrary<AuthzPrincipal> }),
  action: fc.option(pick(PERMISSIONS), { nil: null, freq: 8 }),
  target: fc.record({ tenantId: fc.option(pick([...TENANT_IDS, 'tnt_nowhere']), { nil: null, freq: 8 }), ban: fc.option(banRef, { nil: null, freq: 2 }) }),
  now: fc.integer({ min: -5, max: 8 }).map((h) => BASE + h * HOUR - 1 + (h % 2)),
});

/** decideForPartner(partnerId, action, target): a partner-level route acting for the partner's users (resources/partner.routes.ts). */
interface PartnerReq {
  partnerId: string;
  action: string | null;
  target: AuthzTarget;
  now: number;
}

/** A delegation of the world to aim at, the active ones (the only ones that can allow) twice as often. */
function aimAt(w: World): fc.Arbitrary<WDelegation> {
  const active = w.delegations.filter((d) => d.status === 'active');
  return active.length === 0 ? pick(w.delegations) : fc.oneof({ weight: 2, arbitrary: pick(active) }, { weight: 1, arbitrary: pick(w.delegations) });
}

/** Half the aimed requests are made inside the delegation's window (an offset from its start), the others at the generated time. */
const inWindow = fc.option(fc.integer({ min: 0, max: 6 * HOUR - 1 }), { nil: null, freq: 2 });

/**
 * Most requests aim at a delegation of the world (its partner's users — plain or with a credential
 * bound to that partner or another — or apps, its tenant), so every outcome is reached often.
 */
function requestsFor(w: World): fc.Arbitrary<Req[]> {
  if (w.delegations.length === 0) return fc.array(reqArb, { minLength: 40, maxLength: 40 });
  const aimed: fc.Arbitrary<Req> = fc.tuple(aimAt(w), reqArb, fc.boolean(), fc.boolean(), fc.boolean(), fc.nat(), fc.nat({ max: 5 }), inWindow).map(([d, r0, useDlg, keepBan, keepClaim, which, bind, at]) => {
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

const partnerReqArb: fc.Arbitrary<PartnerReq> = fc.record({
  partnerId: fc.oneof({ weight: 20, arbitrary: pick(PARTNER_IDS) }, { weight: 1, arbitrary: fc.constant('ptr_nobody') }),
  action: reqArb.map((r) => r.action),
  target: reqArb.map((r) => r.target),
  now: reqArb.map((r) => r.now),
});

/** decideForPartner requests, most of them aimed at a delegation of the world (its partner, its tenant). */
function partnerRequestsFor(w: World): fc.Arbitrary<PartnerReq[]> {
  if (w.delegations.length === 0) return fc.array(partnerReqArb, { minLength: 12, maxLength: 12 });
  const aimed = fc.tuple(aimAt(w), partnerReqArb, fc.boolean(), inWindow).map(([d, r, keepBan, at]) => ({
    ...r,
    partnerId: d.partnerId,
    target: { tenantId: d.tenantId, ban: keepBan ? r.target.ban : null },
    now: at === null ? r.now : Math.min(d.starts + at, d.ends - 1),
  }));
  return fc.array(fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: partnerReqArb }), { minLength: 12, maxLength: 12 });
}

function buildSnapshot(w: World): AuthzSnapshot {
  const s = new AuthzSnapshot();
  for (const [id, grants] of Object.entries(w.roles)) s.putRole(id, grants);
  for (const p of w.partners) s.putPartner({ id: p.id, status: p.status, capabilities: p.capabilities, featureToggles: p.toggles, homeTenantId: p.homeTenantId });
  for (const t of w.tenants) s.putTenant(t);
  for (const b of w.bans) s.putBan({ ...b, status: 'active' });
  for (const u of w.users) s.putUser({ id: u.id, status: u.status, platformRole: u.platformRole, tenants: u.tenants.map((m) => [m.tenantId, m.role] as [string, string]), partner: u.partner });
  for (const d of w.delegations) s.putDelegation({ ...d, startsAt: d.starts, endsAt: d.ends });
  return s;
}

// ---- the reference model -------------------------------------------------------------------------

interface RefAnswer {
  allow: boolean;
  code: string;
  delegationId: string | null;
}

const yes = (delegationId: string | null = null): RefAnswer => ({ allow: true, code: 'allowed', delegationId });
const no = (code: string): RefAnswer => ({ allow: false, code, delegationId: null });
/**
 * The reference's own wildcard rule, segment by segment: `*` covers everything; `a.b.*` covers a
 * permission whose first segments are a, b and that has at least one segment more; anything else
 * covers only itself.
 */
function naiveCovers(grant: string, permission: string): boolean {
  if (grant === '*') return true;
  const g = grant.split('.');
  const p = permission.split('.');
  if (g[g.length - 1] !== '*') return grant === permission;
  const head = g.slice(0, -1);
  if (p.length <= head.length) return false;
  for (let i = 0; i < head.length; i++) if (head[i] !== p[i]) return false;
  return true;
}
const covers = (grants: readonly string[] | undefined, action: string) => (grants ?? []).some((g) => naiveCovers(g, action));

/** A link or consent counts only while its approver (if any) is an active TENANT_ADMIN of its tenant; wholesale has none. */
function approverStands(w: World, d: WDelegation): boolean {
  if (d.origin === 'wholesale' || d.approvedBy === null) return true;
  const u = w.users.find((x) => x.id === d.approvedBy);
  return !!u && u.status === 'active' && u.tenants.some((m) => m.tenantId === d.tenantId && m.role === 'TENANT_ADMIN');
}

function findBan(w: World, ref: string): WBan | undefined {
  return w.bans.find((b) => b.id === ref) ?? w.bans.find((b) => b.accountNumber === ref);
}

function stateOf(d: WDelegation, now: number): string {
  if (d.status === 'active') {
    if (now >= d.ends) return 'expired';
    if (now < d.starts) return 'not_started';
    return 'effective';
  }
  return d.status === 'requested' ? 'pending' : d.status;
}
const STATE_ORDER = ['effective', 'pending', 'not_started', 'expired', 'revoked', 'rejected'];
const ORIGIN_ORDER = ['link', 'consent', 'wholesale'];
const NEEDS = { link: 'managed_services', consent: 'delegated', wholesale: 'wholesale' };

function refOne(w: World, partner: WPartner, d: WDelegation, action: string | null, tenantId: string, banRef: string | null, tokenBans: string[] | null, scopes: readonly string[] | null): RefAnswer {
  if (!approverStands(w, d)) return no('delegation_approver_inactive');
  if (!partner.capabilities.includes(NEEDS[d.origin])) return no('partner_capability_missing');
  const tenant = w.tenants.find((t) => t.id === tenantId);
  if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
  if (banRef) {
    const b = findBan(w, banRef);
    if (!b || b.tenantId !== tenantId) return no('ban_not_covered');
    if (d.banIds && !d.banIds.includes(b.id)) return no('ban_not_covered');
    if (tokenBans && !tokenBans.includes(b.id) && !tokenBans.includes(b.accountNumber)) return no('ban_not_covered');
  }
  if (action === null) return yes(d.id);
  if (Object.entries(partner.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')))) return no('feature_disabled');
  if (covers(d.deny, action)) return no('permission_denied');
  if (!covers(w.roles[d.role], action) && !covers(d.grant, action)) return no('permission_denied');
  if (d.scopes && !covers(d.scopes, action)) return no('scope_insufficient');
  if (scopes && !covers(scopes, action)) return no('scope_insufficient');
  return yes(d.id);
}

function refDelegations(w: World, partner: WPartner, ds: WDelegation[], action: string | null, tenantId: string, banRef: string | null, tokenBans: string[] | null, scopes: readonly string[] | null, now: number): RefAnswer {
  if (ds.length === 0) return no('delegation_not_found');
  const sorted = [...ds].sort(
    (a, b) => STATE_ORDER.indexOf(stateOf(a, now)) - STATE_ORDER.indexOf(stateOf(b, now)) || ORIGIN_ORDER.indexOf(a.origin) - ORIGIN_ORDER.indexOf(b.origin) || b.id.localeCompare(a.id),
  );
  const effective = sorted.filter((d) => stateOf(d, now) === 'effective');
  const answers = effective.map((d) => refOne(w, partner, d, action, tenantId, banRef, tokenBans, scopes));
  const allowed = answers.find((a) => a.allow);
  if (allowed) return allowed;
  if (answers.length > 0) return answers[0];
  const state = stateOf(sorted[0], now);
  return no({ pending: 'delegation_pending', not_started: 'delegation_not_started', expired: 'delegation_expired', revoked: 'delegation_revoked', rejected: 'delegation_rejected' }[state]!);
}

function reference(w: World, r: Req): RefAnswer {
  const { principal: p, action, target, now } = r;
  const banRef = target.ban ?? null;
  if (p.type === 'user') {
    const u = w.users.find((x) => x.id === p.userId);
    if (!u || u.status !== 'active') return no('user_inactive');
    const scopes = p.scopes ?? null;
    if (p.partnerId) {
      // A credential issued through a partner: only that partner's link/wholesale delegations count —
      // not the user's own tenants nor its platform role — and only while an active member of it.
      if (!u.partner || u.partner.partnerId !== p.partnerId || u.partner.status !== 'active') return no('user_inactive');
      const partner = w.partners.find((x) => x.id === p.partnerId);
      if (!partner || partner.status !== 'active') return no('partner_inactive');
      const tenantId = target.tenantId ?? null;
      if (!tenantId) return no('tenant_context_required');
      const ds = w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && d.origin !== 'consent');
      return refDelegations(w, partner, ds, action, tenantId, banRef, null, scopes, now);
    }
    if (action !== null && u.platformRole && covers(w.roles[u.platformRole], action) && (!scopes || covers(scopes, action))) return yes();
    const tenantId = target.tenantId ?? null;
    if (!tenantId) return no('tenant_context_required');
    const mem = u.tenants.find((m) => m.tenantId === tenantId);
    if (mem) {
      const tenant = w.tenants.find((t) => t.id === tenantId);
      if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
      if (banRef) {
        const b = findBan(w, banRef);
        if (!b || b.tenantId !== tenantId) return no('ban_not_covered');
      }
      if (action === null) return yes();
      if (!covers(w.roles[mem.role], action)) return no('permission_denied');
      if (scopes && !covers(scopes, action)) return no('scope_insufficient');
      return yes();
    }
    if (!u.partner) return no('delegation_not_found');
    if (u.partner.status !== 'active') return no('partner_membership_inactive');
    const partner = w.partners.find((x) => x.id === u.partner!.partnerId);
    if (!partner || partner.status !== 'active') return no('partner_inactive');
    const ds = w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && d.origin !== 'consent');
    return refDelegations(w, partner, ds, action, tenantId, banRef, null, scopes, now);
  }
  if (p.userId) {
    const u = w.users.find((x) => x.id === p.userId);
    if (!u || u.status !== 'active') return no('user_inactive');
  }
  const partner = w.partners.find((x) => x.id === p.partnerId);
  if (!partner || partner.status !== 'active') return no('partner_inactive');
  if (p.tenantId && target.tenantId && p.tenantId !== target.tenantId) return no('delegation_not_found');
  const tokenBans = p.bans ? [...p.bans] : null;
  const scopes = p.scopes ?? null;
  if (p.delegationId) {
    const d = w.delegations.find((x) => x.id === p.delegationId);
    const tenantId = target.tenantId ?? p.tenantId ?? d?.tenantId;
    if (!d || d.partnerId !== p.partnerId || d.tenantId !== tenantId || (d.clientId && d.clientId !== p.clientId)) return no('delegation_not_found');
    return refDelegations(w, partner, [d], action, d.tenantId, banRef, tokenBans, scopes, now);
  }
  const tenantId = target.tenantId ?? p.tenantId ?? null;
  if (!tenantId) return no('tenant_context_required');
  if (tenantId === partner.homeTenantId) {
    const tenant = w.tenants.find((t) => t.id === tenantId);
    if (!tenant || tenant.status !== 'active') return no('tenant_inactive');
    if (banRef) {
      const b = findBan(w, banRef);
      if (!b || b.tenantId !== tenantId || (tokenBans && !tokenBans.includes(b.id) && !tokenBans.includes(b.accountNumber))) return no('ban_not_covered');
    }
    if (action === null) return yes();
    if (Object.entries(partner.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')))) return no('feature_disabled');
    if (!scopes) return no('permission_denied');
    if (!covers(scopes, action)) return no('scope_insufficient');
    return yes();
  }
  const ds = w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && (d.origin === 'wholesale' || (d.origin === 'consent' && (!d.clientId || d.clientId === p.clientId))));
  return refDelegations(w, partner, ds, action, tenantId, banRef, tokenBans, scopes, now);
}

/** A partner-level route: the partner's link/wholesale delegations on the tenant, no token limits. */
function referenceForPartner(w: World, r: PartnerReq): RefAnswer {
  const tenantId = r.target.tenantId ?? null;
  if (!tenantId) return no('tenant_context_required');
  const partner = w.partners.find((x) => x.id === r.partnerId);
  if (!partner || partner.status !== 'active') return no('partner_inactive');
  const ds = w.delegations.filter((d) => d.partnerId === partner.id && d.tenantId === tenantId && d.origin !== 'consent');
  return refDelegations(w, partner, ds, r.action, tenantId, r.target.ban ?? null, null, null, r.now);
}

/**
 * The safety property, stated on its own and checked on every allowed answer (not by agreement
 * with the reference): the access the engine says it used (`via`) must stand on its own.
 *  - platform: an unbound, active user whose platform role covers the action, within its scopes;
 *  - membership: an unbound, active user, member of the (active) tenant, its role covering the
 *    action within its scopes, the BAN the tenant's;
 *  - home: an app of an active partner on that partner's own (active) tenant, a token scope covering
 *    the action, no disabled feature;
 *  - delegation (every cross-tenant access): the delegation named exists, joins the principal's
 *    partner and this tenant, is active and in its window, its approver still stands, its partner
 *    is active and has the capability its origin needs, its tenant is active, it (and the token)
 *    covers the BAN, role ∪ grant overrides cover the action and no deny override, disabled feature,
 *    consented scope or token scope takes it away; a consent only for an app of its client, a link
 *    for an app only when its token names it. A user acts through it only as an active member of
 *    its partner; a credential bound to a partner only through that partner; an app naming a
 *    `dlg` only through that delegation.
 * Returns what failed, or null.
 */
function violation(w: World, r: Req | PartnerReq, got: Allowed): string | null {
  const action = r.action;
  const tenantId = got.tenantId;
  const userOf = (id: string) => w.users.find((x) => x.id === id && x.status === 'active');
  const tenantActive = (id: string | null) => id !== null && w.tenants.some((t) => t.id === id && t.status === 'active');
  const within = (scopes: readonly string[] | null | undefined) => action === null || !scopes || covers(scopes, action);
  const featureOff = (partner: WPartner) => action !== null && Object.entries(partner.toggles).some(([k, on]) => on === false && (action === k || action.startsWith(k + '.')));
  const banRef = r.target.ban ?? null;
  // on the tenant (every access but a platform role's): a BAN asked for exists and is the tenant's
  const ban = banRef === null ? null : findBan(w, banRef);
  const banOfTenant = ban === null || (ban !== undefined && ban.tenantId === tenantId);

  const byDelegation = (partnerId: string, app: { clientId: string; bans: readonly string[] | null; dlg: string | null } | null, scopes: readonly string[] | null): string | null => {
    const d = w.delegations.find((x) => x.id === got.delegationId);
    if (!d) return 'no such delegation';
    if (!banOfTenant) return "a BAN that does not exist or is not the tenant's";
    const partner = w.partners.find((x) => x.id === partnerId);
    const failed = [
      d.partnerId !== partnerId && "another partner's delegation",
      (!partner || partner.status !== 'active') && 'partner not active',
      d.tenantId !== tenantId && "another tenant's delegation",
      !(d.status === 'active' && d.starts <= r.now && r.now < d.ends) && 'delegation not in effect',
      d.origin === 'consent' && !(app && (d.clientId === null || d.clientId === app.clientId)) && "a consent of another client, or used by a partner's users",
      app?.dlg && app.dlg !== d.id && 'not the delegation the token names',
      app && !app.dlg && d.origin === 'link' && "a link (the partner's users') used by an app token that does not name it",
      !approverStands(w, d) && 'approver no longer stands',
      partner && !partner.capabilities.includes(NEEDS[d.origin]) && `partner lacks ${NEEDS[d.origin]}`,
      !tenantActive(d.tenantId) && 'tenant not active',
      ban && d.banIds && !d.banIds.includes(ban.id) && 'BAN outside the delegation',
      ban && app?.bans && !app.bans.includes(ban.id) && !app.bans.includes(ban.accountNumber) && 'BAN outside the token',
      action !== null && !covers(w.roles[d.role], action) && !covers(d.grant, action) && 'neither role nor grant override covers the action',
      action !== null && covers(d.deny, action) && 'a deny override covers the action',
      partner && featureOff(partner) && 'feature disabled',
      !within(d.scopes) && 'outside the consented scopes',
      !within(scopes) && 'outside the token scopes',
    ].filter(Boolean);
    return failed.length > 0 ? failed.join('; ') : null;
  };

  if (!('principal' in r)) return got.via === 'delegation' ? byDelegation(r.partnerId, null, null) : `a partner route allowed via ${got.via}`;
  const p = r.principal;
  if (p.type === 'user') {
    const u = userOf(p.userId);
    if (!u) return 'an inactive or unknown user';
    const bound = p.partnerId ?? null;
    if (bound !== null && got.via !== 'delegation') return `a user bound to ${bound} allowed via ${got.via}`;
    switch (got.via) {
      case 'platform':
        return action !== null && u.platformRole && covers(w.roles[u.platformRole], action) && within(p.scopes) ? null : 'platform role does not cover';
      case 'membership': {
        const m = u.tenants.find((x) => x.tenantId === tenantId);
        return m && tenantActive(tenantId) && banOfTenant && (action === null || covers(w.roles[m.role], action)) && within(p.scopes) ? null : 'membership does not cover';
      }
      case 'delegation':
        if (!u.partner || u.partner.status !== 'active' || (bound !== null && u.partner.partnerId !== bound)) return 'not an active member of the partner';
        return byDelegation(u.partner.partnerId, null, p.scopes ?? null);
      default:
        return `a user allowed via ${got.via}`;
    }
  }
  if (p.userId && !userOf(p.userId)) return 'the user behind the token is inactive';
  if (p.tenantId && p.tenantId !== tenantId) return 'the token is for another tenant';
  if (got.via === 'home') {
    const partner = w.partners.find((x) => x.id === p.partnerId);
    if (!partner || partner.status !== 'active' || partner.homeTenantId !== tenantId || !tenantActive(tenantId)) return 'not the active home tenant of an active partner';
    if (!banOfTenant) return "a BAN that does not exist or is not the tenant's";
    if (ban && p.bans && !p.bans.includes(ban.id) && !p.bans.includes(ban.accountNumber)) return 'BAN outside the token';
    if (action !== null && (!p.scopes || !covers(p.scopes, action) || featureOff(partner))) return 'no token scope covers the action, or the feature is disabled';
    return null;
  }
  if (got.via !== 'delegation') return `an app allowed via ${got.via}`;
  return byDelegation(p.partnerId, { clientId: p.clientId, bans: p.bans ?? null, dlg: p.delegationId ?? null }, p.scopes ?? null);
}

describe('decide() against the reference model', () => {
  it('agrees on every random request, ≥ 10,000 per run, and never allows access across tenants without a rightful grant', () => {
    let cases = 0;
    let allowed = 0;
    const codes = new Map<string, number>();
    const boundCodes = new Map<string, number>();
    const partnerCodes = new Map<string, number>();
    const viaCodes = new Map<string, number>();
    let boundOnOwnTenant = 0;
    let boundWithPlatformGrant = 0;
    const count = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);
    fc.assert(
      fc.property(worldArb.chain((w) => fc.tuple(fc.constant(w), requestsFor(w), partnerRequestsFor(w))), ([w, reqs, preqs]) => {
        const snap = buildSnapshot(w);
        for (const r of reqs) {
          cases++;
          const got = decide(snap, r.principal, r.action, r.target, r.now);
          const want = reference(w, r);
          const ctx = JSON.stringify({ r, world: w });
          expect({ allow: got.allow, code: got.code }, ctx).toEqual({ allow: want.allow, code: want.code });
          if (got.allow) {
            allowed++;
            expect(got.delegationId, ctx).toBe(want.delegationId);
            expect(violation(w, r, got), ctx).toBeNull();
            count(viaCodes, got.via);
          }
          const e = explain(snap, r.principal, r.action, r.target, r.now);
          expect(e.decision).toEqual(got);
          const last = e.checks.at(-1);
          if (!got.allow && last) expect(last.passed).toBe(false);
          count(codes, got.code);
          if (r.principal.type === 'user' && r.principal.partnerId) {
            count(boundCodes, got.code);
            const u = w.users.find((x) => x.id === (r.principal as { userId: string }).userId);
            if (u?.tenants.some((m) => m.tenantId === r.target.tenantId)) boundOnOwnTenant++;
            if (r.action !== null && u?.platformRole && covers(w.roles[u.platformRole], r.action)) boundWithPlatformGrant++;
          }
        }
        for (const r of preqs) {
          cases++;
          const got = decideForPartner(snap, r.partnerId, r.action, r.target, r.now);
          const want = referenceForPartner(w, r);
          const ctx = JSON.stringify({ forPartner: r, world: w });
          expect({ allow: got.allow, code: got.code }, ctx).toEqual({ allow: want.allow, code: want.code });
          if (got.allow) {
            allowed++;
            expect(got.delegationId, ctx).toBe(want.delegationId);
            expect(violation(w, r, got), ctx).toBeNull();
          }
          count(codes, got.code);
          count(partnerCodes, got.code);
        }
      }),
      { numRuns: 500 },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
    // the generator reaches every outcome, so agreement means something
    const reached = (m: Map<string, number>, list: string[], what: string) => {
      for (const code of list) expect(m.get(code) ?? 0, `${what}: outcome ${code} never generated: ${JSON.stringify([...m])}`).toBeGreaterThan(0);
    };
    reached(codes, [
      'allowed',
      'user_inactive',
      'partner_membership_inactive',
      'partner_inactive',
      'tenant_context_required',
      'delegation_not_found',
      'delegation_pending',
      'delegation_not_started',
      'delegation_expired',
      'delegation_revoked',
      'delegation_rejected',
      'delegation_approver_inactive',
      'partner_capability_missing',
      'tenant_inactive',
      'ban_not_covered',
      'feature_disabled',
      'permission_denied',
      'scope_insufficient',
    ], 'all');
    const throughDelegations = ['allowed', 'partner_inactive', 'tenant_context_required', 'delegation_not_found', 'delegation_pending', 'delegation_expired', 'delegation_revoked', 'partner_capability_missing', 'tenant_inactive', 'ban_not_covered', 'feature_disabled', 'permission_denied'];
    reached(boundCodes, [...throughDelegations, 'user_inactive', 'scope_insufficient'], 'users bound to a partner');
    reached(partnerCodes, throughDelegations, 'decideForPartner');
    reached(viaCodes, ['platform', 'membership', 'home', 'delegation'], 'allowed via');
    // bound users on tenants they belong to, or with a platform role that would grant the action: neither may count
    expect(boundOnOwnTenant).toBeGreaterThan(100);
    expect(boundWithPlatformGrant).toBeGreaterThan(100);
    expect(allowed).toBeGreaterThan(cases / 50);
    // allowed through a delegation often enough for the invariant to bite
    expect(viaCodes.get('delegation') ?? 0).toBeGreaterThan(100);
    expect(partnerCodes.get('allowed') ?? 0).toBeGreaterThan(50);
    expect(boundCodes.get('allowed') ?? 0).toBeGreaterThan(20);
  });
});

// ---- incremental changes ---------------------------------------------------------------------------

/** One change as the change feed delivers it: an entity re-read (put) or found gone (remove). */
type Change =
  | { kind: 'putUser'; user: WUser }
  | { kind: 'removeUser'; id: string }
  | { kind: 'putPartner'; partner: WPartner }
  | { kind: 'removePartner'; id: string }
  | { kind: 'putTenant'; tenant: WTenant }
  | { kind: 'removeTenant'; id: string }
  | { kind: 'putBan'; ban: WBan }
  | { kind: 'removeBan'; id: string }
  | { kind: 'putDelegation'; delegation: WDelegation }
  | { kind: 'removeDelegation'; id: string }
  | { kind: 'putRole'; id: string; grants: string[] }
  | { kind: 'removeRole'; id: string };

const ROLE_IDS = Object.keys(ROLES);
const changeArb: fc.Arbitrary<Change> = fc.oneof(
  { weight: 4, arbitrary: pick(USER_IDS).chain(userArb).map((user) => ({ kind: 'putUser' as const, user })) },
  // an approver keeps or loses TENANT_ADMIN of a tenant: the change the approver index must follow
  {
    weight: 3,
    arbitrary: fc.tuple(pick(USER_IDS).chain(userArb), pick(TENANT_IDS), pick(['TENANT_ADMIN', 'TENANT_USER'])).map(([u, tenantId, role]) => ({
      kind: 'putUser' as const,
      user: { ...u, tenants: [...u.tenants.filter((m) => m.tenantId !== tenantId), { tenantId, role }] },
    })),
  },
  { weight: 1, arbitrary: pick(USER_IDS).map((id) => ({ kind: 'removeUser' as const, id })) },
  { weight: 2, arbitrary: pick(PARTNER_IDS).chain(partnerArb).map((partner) => ({ kind: 'putPartner' as const, partner })) },
  { weight: 1, arbitrary: pick(PARTNER_IDS).map((id) => ({ kind: 'removePartner' as const, id })) },
  { weight: 2, arbitrary: pick(TENANT_IDS).chain(tenantArb).map((tenant) => ({ kind: 'putTenant' as const, tenant })) },
  { weight: 1, arbitrary: pick(TENANT_IDS).map((id) => ({ kind: 'removeTenant' as const, id })) },
  { weight: 1, arbitrary: pick(BAN_IDS).map((id) => ({ kind: 'putBan' as const, ban: banOf(id) })) },
  { weight: 1, arbitrary: pick(BAN_IDS).map((id) => ({ kind: 'removeBan' as const, id })) },
  { weight: 5, arbitrary: delegationArb.map((delegation) => ({ kind: 'putDelegation' as const, delegation })) },
  { weight: 2, arbitrary: pick(DELEGATION_IDS).map((id) => ({ kind: 'removeDelegation' as const, id })) },
  { weight: 1, arbitrary: fc.tuple(pick(ROLE_IDS), subset(GRANTS)).map(([id, grants]) => ({ kind: 'putRole' as const, id, grants })) },
  { weight: 1, arbitrary: pick(ROLE_IDS).map((id) => ({ kind: 'removeRole' as const, id })) },
);

const putOrReplace = <T extends { id: string }>(xs: T[], x: T): T[] => [...xs.filter((y) => y.id !== x.id), x];
const without = <T extends { id: string }>(xs: T[], id: string): T[] => xs.filter((y) => y.id !== id);

/** The world after a change (plain data: the truth a fresh snapshot is built from). */
function applyToWorld(w: World, c: Change): World {
  switch (c.kind) {
    case 'putUser':
      return { ...w, users: putOrReplace(w.users, c.user) };
    case 'removeUser':
      return { ...w, users: without(w.users, c.id) };
    case 'putPartner':
      return { ...w, partners: putOrReplace(w.partners, c.partner) };
    case 'removePartner':
      return { ...w, partners: without(w.partners, c.id) };
    case 'putTenant':
      return { ...w, tenants: putOrReplace(w.tenants, c.tenant) };
    case 'removeTenant':
      return { ...w, tenants: without(w.tenants, c.id) };
    case 'putBan':
      return { ...w, bans: putOrReplace(w.bans, c.ban) };
    case 'removeBan':
      return { ...w, bans: without(w.bans, c.id) };
    case 'putDelegation':
      return { ...w, delegations: putOrReplace(w.delegations, c.delegation) };
    case 'removeDelegation':
      return { ...w, delegations: without(w.delegations, c.id) };
    case 'putRole':
      return { ...w, roles: { ...w.roles, [c.id]: c.grants } };
    case 'removeRole': {
      const { [c.id]: _gone, ...roles } = w.roles;
      return { ...w, roles };
    }
  }
}

/** The same change applied to a live snapshot, the way the loader applies a change-feed batch. */
function applyToSnapshot(s: AuthzSnapshot, c: Change): void {
  switch (c.kind) {
    case 'putUser': {
      const u = c.user;
      s.putUser({ id: u.id, status: u.status, platformRole: u.platformRole, tenants: u.tenants.map((m) => [m.tenantId, m.role] as [string, string]), partner: u.partner });
      return;
    }
    case 'removeUser':
      return s.removeUser(c.id);
    case 'putPartner': {
      const p = c.partner;
      s.putPartner({ id: p.id, status: p.status, capabilities: p.capabilities, featureToggles: p.toggles, homeTenantId: p.homeTenantId });
      return;
    }
    case 'removePartner':
      return s.removePartner(c.id);
    case 'putTenant':
      return s.putTenant(c.tenant);
    case 'removeTenant':
      return s.removeTenant(c.id);
    case 'putBan':
      return s.putBan({ ...c.ban, status: 'active' });
    case 'removeBan':
      return s.removeBan(c.id);
    case 'putDelegation':
      return s.putDelegation({ ...c.delegation, startsAt: c.delegation.starts, endsAt: c.delegation.ends });
    case 'removeDelegation':
      return s.removeDelegation(c.id);
    case 'putRole':
      return s.putRole(c.id, c.grants);
    case 'removeRole':
      return s.removeRole(c.id);
  }
}

describe('a snapshot kept current by incremental changes', () => {
  it('decides exactly like one built fresh from the final world', () => {
    let cases = 0;
    let changes = 0;
    let approverRefusals = 0;
    fc.assert(
      fc.property(
        worldArb.chain((w) => fc.tuple(fc.constant(w), fc.array(changeArb, { minLength: 1, maxLength: 25 }), requestsFor(w), partnerRequestsFor(w))),
        ([w0, cs, reqs, preqs]) => {
          const live = buildSnapshot(w0);
          let w = w0;
          for (const c of cs) {
            applyToSnapshot(live, c);
            w = applyToWorld(w, c);
            changes++;
          }
          const fresh = buildSnapshot(w);
          for (const r of reqs) {
            cases++;
            const got = decide(live, r.principal, r.action, r.target, r.now);
            const ctx = JSON.stringify({ r, changes: cs, world: w });
            expect(got, ctx).toEqual(decide(fresh, r.principal, r.action, r.target, r.now));
            // and both agree with the reference model on the final world
            expect({ allow: got.allow, code: got.code }, ctx).toEqual((({ allow, code }) => ({ allow, code }))(reference(w, r)));
            if (got.code === 'delegation_approver_inactive') approverRefusals++;
          }
          for (const r of preqs) {
            cases++;
            const got = decideForPartner(live, r.partnerId, r.action, r.target, r.now);
            const ctx = JSON.stringify({ forPartner: r, changes: cs, world: w });
            expect(got, ctx).toEqual(decideForPartner(fresh, r.partnerId, r.action, r.target, r.now));
            expect({ allow: got.allow, code: got.code }, ctx).toEqual((({ allow, code }) => ({ allow, code }))(referenceForPartner(w, r)));
          }
        },
      ),
      { numRuns: 200 },
    );
    expect(cases).toBeGreaterThanOrEqual(8_000);
    expect(changes).toBeGreaterThan(1_000);
    expect(approverRefusals).toBeGreaterThan(0);
  });
});
