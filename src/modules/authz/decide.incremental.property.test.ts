/**
 * Property test of the decision engine over a snapshot kept current by random incremental changes
 * (put/remove of users, partners, tenants, BANs, delegations and roles, as the change feed applies
 * them): it decides exactly like one built fresh from the final world, and both agree with the
 * reference model (decide.property-reference.ts) on that world.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import type { AuthzSnapshot } from './snapshot.ts';
import { decide, decideForPartner } from './decide.ts';
import {
  BAN_IDS, banOf, buildSnapshot, DELEGATION_IDS, delegationArb, GRANTS, PARTNER_IDS, partnerArb, partnerRequestsFor, pick, requestsFor, ROLES, subset,
  TENANT_IDS, tenantArb, USER_IDS, userArb, worldArb, type WBan, type WDelegation, type World, type WPartner, type WTenant, type WUser,
} from './decide.property-world.ts';
import { reference, referenceForPartner } from './decide.property-reference.ts';

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
      s.putPartner({ id: p.id, status: p.status, capabilities: p.capabilities, featureToggles: p.toggles, homeTenantId: p.homeTenantId, parentId: p.parentId });
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
