/**
 * Property: one answer to "may this partner act on this customer". Over the decision engine's random
 * worlds (decide.property-world.ts: links, consents of two apps with their consented scopes — what a
 * purpose becomes —, wholesale delegations, resellers under a distributor with and without the
 * customer's distributor access, every status, window, approver, capability and toggle) plus
 * just-in-time eligible links with and without an open activation, every (partner, action, customer)
 * triple — at least 10,000 per run — gets the same answer from:
 *  - the gateway: the partner's people (decideForPartner, the partner-level routes) or one of its
 *    apps' tokens (decide() with an app principal, no delegation named);
 *  - AuthZEN evaluation with the partner as the subject (AuthzenService.evaluate);
 *  - AuthZEN's resource search (the partner's tenants and accounts) and subject search (who on the tenant);
 *  - the operator's review of the partner (tenantsOfPartner) and the customer's review of its
 *    partners (partnersOfTenant): listed with the permission exactly when allowed on the tenant or
 *    on one of its accounts, the two reviews identical, each entry with the relationships it comes through.
 * With a purpose (each delegation holding a random set of the catalog's purposes), AuthZEN evaluation
 * and resource search naming it in context.purpose agree with the gateway's own purpose step
 * (steps/purpose.ts, run here as the gateway runs it) on each of the partner's callers: a person
 * signed in (the delegation the decision names) and an app token bound to each consent, carrying
 * the consent's purposes.
 * The services read the same snapshot; nothing here re-decides.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decide, decideForPartner, decideReach, isPermissionName, RoleCatalog, type AuthzSnapshot } from '../../../src/modules/authz/index.ts';
import { AuthzenService } from '../../../src/modules/authzen/authzen.service.ts';
import { newRateLimits, type Caller } from '../../../src/modules/gateway/steps/core.ts';
import { purpose as purposeStep } from '../../../src/modules/gateway/steps/purpose.ts';
import { appCaller, appToken, request, rule, stateWith, testCore } from '../../../src/modules/gateway/steps/steps.fixture.ts';
import { BASE, buildSnapshot, CLIENTS, HOUR, PARTNER_IDS, PERMISSIONS, TENANT_IDS, USER_IDS, worldArb, type World } from '../../../src/modules/authz/decide.property-world.ts';

const ACTIONS: (string | null)[] = [null, ...PERMISSIONS];
const PURPOSES = ['billing_management', 'support'];
const PURPOSE_SETS: readonly string[][] = [[], ['billing_management'], ['support'], ['billing_management', 'support']];
const NAMES: Record<string, string> = { billing_management: 'Billing management', support: 'Customer support' };
const roles = new RoleCatalog([], new Map(PERMISSIONS.map((p) => [p, p])));

/** Just-in-time: some links eligible only, some of those with a member's activation open at some time. */
const jitArb = fc.array(fc.record({ link: fc.nat(), user: fc.constantFrom(...USER_IDS), endsIn: fc.option(fc.integer({ min: -2, max: 4 }), { nil: null }) }), { maxLength: 3 });

function withJit(snap: AuthzSnapshot, w: World, jit: { link: number; user: string; endsIn: number | null }[]): void {
  const links = w.delegations.filter((d) => d.origin === 'link');
  for (const j of jit) {
    if (links.length === 0) return;
    const d = links[j.link % links.length];
    snap.jit.put(d.id, true, j.endsIn === null ? [] : [{ userId: j.user, endsAt: new Date(BASE + j.endsIn * HOUR).toISOString() }], ['MSP_FULL']);
  }
}

/** The gateway's answer for the partner: its people's partner-level decision, or any of its apps' tokens (the world's clients and its consents'). */
function gateway(snap: AuthzSnapshot, w: World, partnerId: string, action: string | null, target: { tenantId: string; ban?: string }, now: number): boolean {
  if (decideForPartner(snap, partnerId, action, target, now).allow) return true;
  const clients = new Set([...CLIENTS, ...w.delegations.flatMap((d) => (d.clientId ? [d.clientId] : []))]);
  return [...clients].some((clientId) => decide(snap, { type: 'app', partnerId, clientId }, action, target, now).allow);
}

/** Whether the gateway's purpose step admits this caller through this delegation on a route for `p`. */
function purposeAdmits(caller: Caller, delegationId: string | null, p: string, heldBy: (id: string) => readonly string[]): boolean {
  const st = stateWith(caller);
  st.delegationId = delegationId;
  const core = testCore({ purposes: { of: heldBy, nameOf: (id) => NAMES[id] } });
  return purposeStep(core, request(), rule({ purpose: p }), st) === undefined;
}

function personCaller(partnerId: string): Caller {
  return { kind: 'user', fromAppToken: false, defaultTenant: null, principal: { type: 'user', userId: 'usr_p' }, partnerId, rateKey: 't:p', scopes: null, claimTenant: null, limits: newRateLimits(), admission: null, admitted: 0 } as Caller;
}

/** The gateway on a route for purpose `p`: a partner person signed in, or an app token bound to one of the partner's consents. */
function gatewayFor(snap: AuthzSnapshot, w: World, partnerId: string, action: string | null, target: { tenantId: string; ban?: string }, now: number, p: string, heldBy: (id: string) => readonly string[]): boolean {
  const people = decideForPartner(snap, partnerId, action, target, now);
  if (people.allow && purposeAdmits(personCaller(partnerId), people.delegationId, p, heldBy)) return true;
  return w.delegations.some((d) => {
    if (d.origin !== 'consent' || d.partnerId !== partnerId || d.tenantId !== target.tenantId) return false;
    const clientId = d.clientId ?? CLIENTS[0];
    const dec = decide(snap, { type: 'app', partnerId, clientId, delegationId: d.id }, action, target, now);
    const app = { ...appCaller(partnerId), token: appToken({ purpose: [...heldBy(d.id)] }) } as Caller;
    return dec.allow && purposeAdmits(app, dec.delegationId, p, heldBy);
  });
}

/**
 * Half the worlds are friendly (partners and tenants active with every capability, no toggles,
 * approvals standing, reseller links open to the distributor) so that allowed answers are common;
 * the clock is mostly inside an active delegation's window.
 */
const worlds = fc.tuple(worldArb, fc.boolean(), fc.nat(), fc.option(fc.integer({ min: -3, max: 6 }), { nil: null })).map(([w, friendly, pickOne, h]) => {
  const world: World = friendly
    ? {
        ...w,
        partners: w.partners.map((p, i) => ({ ...p, status: 'active', capabilities: ['managed_services', 'delegated', 'wholesale'], toggles: {}, parentId: i === 1 ? PARTNER_IDS[0] : i === 0 ? null : p.parentId })),
        tenants: w.tenants.map((t) => ({ ...t, status: 'active' })),
        // the first delegation a reseller's active link (its distributor reaches through it when the clock is in its window)
        delegations: w.delegations.map((d, i) => ({ ...d, approvedBy: null, distributorAccess: d.distributorAccess || d.origin === 'link', ...(i === 0 ? { partnerId: PARTNER_IDS[1], origin: 'link' as const, status: 'active' as const } : {}) })),
      }
    : w;
  const active = world.delegations.filter((d) => d.status === 'active' && d.ends > d.starts + 1);
  const now = h === null && active.length > 0 ? active[pickOne % active.length].starts + 1 : BASE + (h ?? 0) * HOUR + 1;
  return { world, now };
});

interface Tally {
  triples: number;
  /** with a purpose: allowed, and reached but refused for the purpose */
  purposeAllowed: number;
  purposeRefused: number;
  allowed: number;
  consentOnly: number;
  throughReseller: number;
}

function checkWorld(w: World, jit: { link: number; user: string; endsIn: number | null }[], now: number, seed: number, tally: Tally): void {
  const snap = buildSnapshot(w);
  withJit(snap, w, jit);
  const held = new Map(w.delegations.map((d, i) => [d.id, PURPOSE_SETS[(seed + i * 3) % PURPOSE_SETS.length]]));
  const heldBy = (id: string): readonly string[] => held.get(id) ?? [];
  const svc = new AuthzenService({ snapshot: snap, roles, now: () => now, purposes: { of: heldBy, nameOf: (id) => NAMES[id] } });
  const bansOf = (t: string) => w.bans.filter((b) => b.tenantId === t).map((b) => b.id);
  const ctx = () => JSON.stringify({ world: w, jit, now, seed });
  const partnersReview = new Map(TENANT_IDS.map((t) => [t, new Map(svc.partnersOfTenant(t, now).map((e) => [e.partnerId, e]))]));
  for (const partnerId of PARTNER_IDS) {
    // a partner's own home tenant is answered by its apps as its own, not as a customer's: not a reach
    const home = w.partners.find((p) => p.id === partnerId)?.homeTenantId ?? null;
    const caller = { partnerId, clientId: CLIENTS[0] };
    const partnerReview = new Map(svc.tenantsOfPartner(partnerId, now).map((e) => [e.tenantId, e]));
    for (const action of ACTIONS) {
      const named = action !== null && isPermissionName(action) ? { name: action } : undefined;
      if (action !== null && named === undefined) continue;
      const tenantsFound = new Set(svc.searchResource(caller, { subject: { type: 'partner', id: partnerId }, action: named, resource: { type: 'tenant' }, page: { limit: 1000 } }, now).results.map((r) => r.id));
      const byPurpose = PURPOSES.map((p) => new Set(svc.searchResource(caller, { subject: { type: 'partner', id: partnerId }, action: named, resource: { type: 'tenant' }, context: { purpose: p }, page: { limit: 1000 } }, now).results.map((r) => r.id)));
      const bansFound = new Set(svc.searchResource(caller, { subject: { type: 'partner', id: partnerId }, action: named, resource: { type: 'ban' }, page: { limit: 1000 } }, now).results.map((r) => r.id));
      for (const tenantId of TENANT_IDS) {
        if (tenantId === home) continue;
        tally.triples++;
        const reach = decideReach(snap, partnerId, action, { tenantId }, now);
        expect(reach.allow, ctx()).toBe(gateway(snap, w, partnerId, action, { tenantId }, now));
        if (reach.allow) {
          tally.allowed++;
          if (!decideForPartner(snap, partnerId, action, { tenantId }, now).allow) tally.consentOnly++;
          if (reach.delegationId !== null && !w.delegations.some((d) => d.id === reach.delegationId && d.partnerId === partnerId)) tally.throughReseller++;
        }
        if (named !== undefined) {
          const ev = svc.evaluate(caller, { subject: { type: 'partner', id: partnerId }, action: named, resource: { type: 'tenant', id: tenantId } }, now);
          expect(ev.decision, ctx()).toBe(reach.allow);
          for (const p of PURPOSES) {
            const gw = gatewayFor(snap, w, partnerId, action, { tenantId }, now, p, heldBy);
            const evp = svc.evaluate(caller, { subject: { type: 'partner', id: partnerId }, action: named, resource: { type: 'tenant', id: tenantId }, context: { purpose: p } }, now);
            expect(evp.decision, ctx()).toBe(gw);
            if (gw) tally.purposeAllowed++;
            else if (reach.allow) {
              tally.purposeRefused++;
              expect(evp.context?.code, ctx()).toBe('purpose_required');
            }
          }
        }
        expect(tenantsFound.has(tenantId), ctx()).toBe(reach.allow);
        for (const [i, p] of PURPOSES.entries()) expect(byPurpose[i].has(tenantId), ctx()).toBe(gatewayFor(snap, w, partnerId, action, { tenantId }, now, p, heldBy));
        const who = svc.searchSubject(caller, { subject: { type: 'partner' }, action: named, resource: { type: 'tenant', id: tenantId } }, now).results.map((r) => r.id);
        expect(who.includes(partnerId), ctx()).toBe(reach.allow);
        const onAccounts = bansOf(tenantId).filter((ban) => decideReach(snap, partnerId, action, { tenantId, ban }, now).allow);
        for (const ban of bansOf(tenantId)) {
          expect(bansFound.has(ban), ctx()).toBe(onAccounts.includes(ban));
          expect(onAccounts.includes(ban), ctx()).toBe(gateway(snap, w, partnerId, action, { tenantId, ban }, now));
        }
        // the reviews: listed with the permission exactly when allowed on the tenant or one of its accounts
        const mine = partnerReview.get(tenantId);
        const theirs = partnersReview.get(tenantId)?.get(partnerId);
        const any = reach.allow || onAccounts.length > 0;
        if (action === null) {
          expect(mine !== undefined, ctx()).toBe(any);
          expect(theirs !== undefined, ctx()).toBe(any);
        } else {
          expect(mine?.permissions.includes(action) ?? false, ctx()).toBe(any);
          expect(theirs?.permissions.includes(action) ?? false, ctx()).toBe(any);
        }
        if (mine !== undefined) {
          const { people: _people, ...same } = theirs!;
          expect(same, ctx()).toEqual(mine);
          expect(mine.routes.length, ctx()).toBeGreaterThan(0);
        }
      }
    }
  }
}

const MINIMA = { allowed: 100, consentOnly: 10, throughReseller: 5, purposeAllowed: 50, purposeRefused: 50 } as const;

function covered(t: Tally): boolean {
  return (Object.keys(MINIMA) as (keyof typeof MINIMA)[]).every((k) => t[k] > MINIMA[k]);
}

describe('reach: the gateway, AuthZEN and both reviews give one answer', () => {
  it('on random worlds of links, consents, wholesale delegations, resellers, distributors, activations and purposes', { timeout: 600_000 }, () => {
    const tally: Tally = { triples: 0, purposeAllowed: 0, purposeRefused: 0, allowed: 0, consentOnly: 0, throughReseller: 0 };
    // Worlds are drawn 100 at a time until the cases that make agreement mean something are reached
    // (a batch of 100 reaches them nearly always; at most five batches, so a world generator that stops
    // producing them still fails below).
    for (let batch = 0; batch < 5 && (batch === 0 || !covered(tally)); batch++) {
      fc.assert(
        fc.property(worlds, jitArb, fc.nat(), ({ world, now }, jit, seed) => {
          checkWorld(world, jit, now, seed, tally);
        }),
        { numRuns: 100 },
      );
    }
    expect(tally.triples).toBeGreaterThanOrEqual(10_000);
    // the cases that make agreement mean something are reached
    for (const k of Object.keys(MINIMA) as (keyof typeof MINIMA)[]) expect(tally[k], k).toBeGreaterThan(MINIMA[k]);
  });
});
