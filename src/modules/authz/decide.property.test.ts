/**
 * Property test of the decision engine: random worlds (partners, tenants, BANs, users,
 * delegations in every status and origin, roles with wildcards, overrides, feature toggles,
 * clocks) and random requests from users and apps. A deliberately plain reference model —
 * arrays, string statuses, the catalog's own grantCovers(), written from the rules in
 * decide.ts's header rather than from its code — decides every request; the engine must give the
 * same allow and the same code on every one (≥ 10,000 per run), explain() must agree with
 * decide(), and no request is ever allowed on a tenant the principal neither belongs to nor holds
 * an active, covering delegation for.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { anyGrantCovers } from './permissions.ts';
import { AuthzSnapshot } from './snapshot.ts';
import { decide, explain, type AuthzPrincipal, type AuthzTarget } from './decide.ts';

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

const worldArb: fc.Arbitrary<World> = fc
  .record({
    partners: fc.constant(PARTNER_IDS).chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(id),
            status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'applied', 'terminated']) }),
            capabilities: fc.oneof({ weight: 3, arbitrary: fc.constant(CAPS) }, { weight: 2, arbitrary: subset(CAPS) }),
            toggles: fc.oneof({ weight: 1, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(pick(TOGGLE_KEYS), fc.boolean(), { minKeys: 1, maxKeys: 2 }) }),
            homeTenantId: maybe(pick(TENANT_IDS)),
          }),
        ),
      ),
    ),
    // one tenant id (tnt_3) is sometimes absent: an unknown tenant must look like an unlinked one
    tenants: fc.boolean().chain((all) =>
      fc.tuple(...(all ? TENANT_IDS : TENANT_IDS.slice(0, 3)).map((id) => fc.record({ id: fc.constant(id), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['suspended', 'closed']) }) }))),
    ),
    banMask: subset(BAN_IDS),
    users: fc.constant(USER_IDS).chain((ids) =>
      fc.tuple(
        ...ids.map((id) =>
          fc.record({
            id: fc.constant(id),
            status: fc.oneof({ weight: 12, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: pick(['disabled', 'invited']) }),
            platformRole: fc.option(pick(['SUPER_ADMIN', 'RESOURCE_SERVICE']), { nil: null, freq: 5 }),
            tenants: fc.uniqueArray(fc.record({ tenantId: pick(TENANT_IDS), role: pick(['TENANT_ADMIN', 'TENANT_USER']) }), { maxLength: 2, selector: (m) => m.tenantId }),
            partner: fc.option(fc.record({ partnerId: pick(PARTNER_IDS), role: pick(['PARTNER_OWNER', 'PARTNER_STAFF']), status: fc.oneof({ weight: 8, arbitrary: fc.constant('active') }, { weight: 1, arbitrary: fc.constant('inactive') }) }), { nil: null, freq: 6 }),
          }),
        ),
      ),
    ),
    delegations: fc.uniqueArray(
      fc.record({
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
      }),
      { minLength: 3, maxLength: 8, selector: (d) => d.id },
    ),
  })
  .map((r) => ({
    roles: ROLES,
    partners: r.partners,
    tenants: r.tenants,
    bans: r.banMask.map((id) => ({ id, tenantId: id.slice(4, 9), accountNumber: number(id) })),
    users: r.users,
    delegations: r.delegations.map(({ length, ...d }) => ({ ...d, ends: d.starts + length * HOUR })),
  }));

interface Req {
  principal: AuthzPrincipal;
  action: string | null;
  target: AuthzTarget;
  now: number;
}

const banRef = fc.oneof(pick(BAN_IDS), pick(BAN_IDS).map(number), fc.constant('ban_unknown'));
const userPrincipal = fc.record({
  type: fc.constant('user' as const),
  userId: fc.oneof({ weight: 20, arbitrary: pick(USER_IDS) }, { weight: 1, arbitrary: fc.constant('usr_nobody') }),
  scopes: fc.option(subset([...GRANTS, ...PERMISSIONS]), { nil: null, freq: 4 }),
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

/** Half the requests aim at a delegation of the world (its partner's users or apps, its tenant), so every outcome is reached often. */
function requestsFor(w: World): fc.Arbitrary<Req[]> {
  if (w.delegations.length === 0) return fc.array(reqArb, { minLength: 40, maxLength: 40 });
  const aimed: fc.Arbitrary<Req> = fc.tuple(pick(w.delegations), reqArb, fc.boolean(), fc.boolean(), fc.boolean()).map(([d, r, useDlg, keepBan, keepClaim]) => {
    const target = { tenantId: d.tenantId, ban: keepBan ? r.target.ban : null };
    if (r.principal.type === 'user') {
      const u = w.users.find((x) => x.partner?.partnerId === d.partnerId) ?? w.users.find((x) => x.id === (r.principal as { userId: string }).userId);
      return { ...r, principal: { ...r.principal, userId: u?.id ?? 'usr_nobody' }, target };
    }
    const clientId = d.clientId ?? r.principal.clientId;
    const tenantId = keepClaim ? r.principal.tenantId : d.tenantId;
    return { ...r, principal: { ...r.principal, partnerId: d.partnerId, clientId, delegationId: useDlg ? d.id : null, tenantId }, target };
  });
  return fc.array(fc.oneof({ weight: 3, arbitrary: aimed }, { weight: 1, arbitrary: reqArb }), { minLength: 40, maxLength: 40 });
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
const covers = (grants: readonly string[] | undefined, action: string) => anyGrantCovers(grants ?? [], action) !== null;

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

/**
 * The safety property, stated on its own: an allowed request on a tenant is backed by the
 * principal's own membership, its platform role, its partner's home tenant (apps), or an active
 * delegation of its partner for that tenant, in its window, covering the BAN asked for.
 */
function backedByRightfulAccess(w: World, r: Req, tenantId: string, delegationId: string | null): boolean {
  const p = r.principal;
  if (p.type === 'user') {
    const u = w.users.find((x) => x.id === p.userId)!;
    if (u.tenants.some((m) => m.tenantId === tenantId)) return true;
    if (r.action !== null && u.platformRole && covers(w.roles[u.platformRole], r.action)) return true;
    if (!u.partner) return false;
  } else if (tenantId === w.partners.find((x) => x.id === p.partnerId)?.homeTenantId) {
    return true;
  }
  const partnerId = p.type === 'user' ? w.users.find((x) => x.id === p.userId)!.partner!.partnerId : p.partnerId;
  const d = w.delegations.find((x) => x.id === delegationId);
  if (!d) return false;
  const ban = r.target.ban ? findBan(w, r.target.ban) : null;
  if (ban === undefined) return false; // a BAN that does not exist is never covered
  return (
    d.partnerId === partnerId &&
    d.tenantId === tenantId &&
    d.status === 'active' &&
    d.starts <= r.now &&
    r.now < d.ends &&
    (ban === null || (ban.tenantId === tenantId && (d.banIds === null || d.banIds.includes(ban.id))))
  );
}

describe('decide() against the reference model', () => {
  it('agrees on every random request, ≥ 10,000 per run, and never allows access across tenants without a rightful grant', () => {
    let cases = 0;
    let allowed = 0;
    const codes = new Map<string, number>();
    fc.assert(
      fc.property(worldArb.chain((w) => fc.tuple(fc.constant(w), requestsFor(w))), ([w, reqs]) => {
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
            const tenantId = got.tenantId ?? r.target.tenantId ?? null;
            if (tenantId !== null) expect(backedByRightfulAccess(w, r, tenantId, got.delegationId), ctx).toBe(true);
          }
          const e = explain(snap, r.principal, r.action, r.target, r.now);
          expect(e.decision).toEqual(got);
          const last = e.checks.at(-1);
          if (!got.allow && last) expect(last.passed).toBe(false);
          codes.set(got.code, (codes.get(got.code) ?? 0) + 1);
        }
      }),
      { numRuns: 300 },
    );
    expect(cases).toBeGreaterThanOrEqual(10_000);
    // the generator reaches every outcome, so agreement means something
    for (const code of [
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
      'partner_capability_missing',
      'tenant_inactive',
      'ban_not_covered',
      'feature_disabled',
      'permission_denied',
      'scope_insufficient',
    ]) {
      expect(codes.get(code) ?? 0, `outcome ${code} never generated: ${JSON.stringify([...codes])}`).toBeGreaterThan(0);
    }
    expect(allowed).toBeGreaterThan(cases / 50);
  });
});
