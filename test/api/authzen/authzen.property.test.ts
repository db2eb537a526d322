/**
 * Property: whatever the world, every AuthZEN answer is the decision engine's. Random worlds —
 * two partners (the asking app's and another), tenants with billing accounts, people of either
 * partner in every membership state, link / wholesale / consent delegations in every status and
 * window, limited to some accounts or not — go into the running server's decision snapshot (the
 * in-memory state the request path reads); then, over HTTP with the asking partner's
 * client-credentials token:
 *  - evaluations (every subject × resource × a few actions, with and without the account's
 *    tenant named) equal decide() / decideReach() (a partner: its links, wholesale delegations and
 *    its apps' consents), one by one and as a batch under each of
 *    the three semantics;
 *  - the resource, subject and action searches, read page by page, equal a brute-force walk over
 *    every tenant, account, person and permission of the world;
 *  - another organisation's partner is answered as a partner that does not exist, and is never
 *    found by a search.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { mintToken } from '../gateway/helpers.ts';
import { Client } from '../../helpers/http.ts';
import { decide, decideReach, type AuthzTarget, type Decision } from '../../../src/modules/authz/index.ts';
import type { DelegationInput } from '../../../src/modules/authz/index.ts';

let t: TestApp;
let permissions: string[];

/**
 * The asking partner: a real partner with a real client-credentials app (its token passes the
 * gateway's live check: the app exists and is this partner's), made the world's partner 0 in
 * each world. Its own people (owner, staff) are in every world; what the previous world gave it
 * (delegations, people) is taken away before the next is built.
 */
let asking: { partnerId: string; clientId: string; people: string[] };
let previous: { delegations: string[]; users: string[] } = { delegations: [], users: [] };

beforeAll(async () => {
  t = await startTestApp();
  permissions = [...t.services.roles.permissions.keys()].sort();
  const p = await t.world.partner({ capabilities: ['managed_services', 'delegated', 'wholesale'] });
  const owner = await p.owner.login();
  const r = await owner.post(`/api/v1/partners/${p.id}/apps`, { name: 'Decision point', grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  asking = { partnerId: p.id, clientId: String(r.body.app.client_id), people: [p.owner.id, p.staff.id] };
}, 120_000);
afterAll(async () => {
  await t?.close();
});

const HOUR = 3_600_000;
const ROLES = ['MSP_FULL', 'MSP_BILLING', 'MSP_SUPPORT', 'WHOLESALE'];
const ACTIONS = ['billing.invoices.read', 'orders.create', 'support.tickets.read', 'services.read', 'platform.tenants.manage'];
const NO_PARTNER = 'ptr_nobody';

interface WorldSpec {
  partnerStatus: string[];
  tenantStatus: string[];
  users: { partner: number; status: string; member: string }[];
  delegations: { partner: number; tenant: number; origin: 'link' | 'wholesale' | 'consent'; role: string; bans: boolean[] | null; status: DelegationInput['status']; from: number; to: number }[];
  /** partner 0 is asking; partner 1 is another organisation */
  mfa: boolean;
}

const specArb: fc.Arbitrary<WorldSpec> = fc.record({
  partnerStatus: fc.tuple(fc.constantFrom('active', 'active', 'active', 'suspended'), fc.constantFrom('active', 'suspended')).map((x) => ['active', x[1]]),
  tenantStatus: fc.array(fc.constantFrom('active', 'active', 'active', 'suspended'), { minLength: 1, maxLength: 4 }),
  users: fc.array(fc.record({ partner: fc.integer({ min: 0, max: 1 }), status: fc.constantFrom('active', 'active', 'disabled'), member: fc.constantFrom('active', 'active', 'deactivated') }), { maxLength: 4 }),
  delegations: fc.array(
    fc.record({
      partner: fc.constantFrom(0, 0, 0, 1),
      tenant: fc.integer({ min: 0, max: 3 }),
      origin: fc.constantFrom('link', 'link', 'wholesale', 'consent'),
      role: fc.constantFrom(...ROLES),
      bans: fc.option(fc.array(fc.boolean(), { minLength: 2, maxLength: 2 }), { nil: null }),
      status: fc.constantFrom('active', 'active', 'active', 'requested', 'expired', 'revoked', 'rejected'),
      from: fc.constantFrom(-3, -2, -1, -1, 1),
      to: fc.constantFrom(-1, 2, 3, 3),
    }),
    { minLength: 1, maxLength: 7 },
  ),
  mfa: fc.boolean(),
});

let worldNo = 0;

interface Built {
  partners: string[];
  tenants: string[];
  bans: { id: string; tenantId: string }[];
  users: string[];
  token: string;
}

async function build(spec: WorldSpec): Promise<Built> {
  const snap = t.services.authz.snapshot;
  const w = `w${++worldNo}x${Date.now().toString(36)}`;
  const now = t.services.authz.now();
  for (const id of previous.delegations) snap.removeDelegation(id);
  for (const id of previous.users) snap.removeUser(id);
  const partners = spec.partnerStatus.map((_, i) => (i === 0 ? asking.partnerId : `ptr_${w}p${i}`));
  const tenants = spec.tenantStatus.map((_, i) => `tnt_${w}t${i}`);
  for (const [i, status] of spec.tenantStatus.entries()) snap.putTenant({ id: tenants[i], status });
  const bans = tenants.flatMap((tenantId, i) => [0, 1].map((j) => ({ id: `ban_${w}t${i}b${j}`, tenantId })));
  for (const b of bans) snap.putBan({ id: b.id, tenantId: b.tenantId, accountNumber: `N-${b.id}`, status: 'active' });
  for (const [i, status] of spec.partnerStatus.entries()) snap.putPartner({ id: partners[i], status, capabilities: ['managed_services', 'delegated', 'wholesale'] });
  const users = spec.users.map((_, i) => `usr_${w}u${i}`);
  for (const [i, u] of spec.users.entries()) snap.putUser({ id: users[i], status: u.status, partner: { partnerId: partners[u.partner], role: 'PARTNER_STAFF', status: u.member } });
  for (const [i, d] of spec.delegations.entries()) {
    const tenant = Math.min(d.tenant, tenants.length - 1);
    const own = bans.filter((b) => b.tenantId === tenants[tenant]);
    snap.putDelegation({
      id: `dlg_${w}d${i}`,
      partnerId: partners[d.partner],
      tenantId: tenants[tenant],
      origin: d.origin,
      role: d.role,
      banIds: d.bans === null ? null : own.filter((_, j) => d.bans![j]).map((b) => b.id),
      status: d.status,
      startsAt: now + d.from * HOUR,
      endsAt: now + Math.max(d.to, d.from + 1) * HOUR,
      clientId: d.origin === 'consent' ? `app_${w}` : null,
    });
  }
  previous = { delegations: spec.delegations.map((_, i) => `dlg_${w}d${i}`), users };
  const token = await mintToken(t, { client_id: asking.clientId, partner_id: partners[0], sub: asking.clientId, persona: 'wholesaler', scope: 'authzen.evaluate' });
  return { partners, tenants, bans, users: [...users, ...asking.people], token };
}

type Subject = { type: 'partner' | 'user'; id: string; properties?: { mfa: boolean } };
type Resource = { type: 'tenant' | 'ban'; id: string; properties?: { tenant_id: string } };

/** The engine's answer, as the mapping promises it: another organisation's partner is a partner that does not exist. */
function engine(b: Built, s: Subject, action: string | null, r: Resource): Decision {
  const snap = t.services.authz.snapshot;
  const now = t.services.authz.now();
  const target: AuthzTarget = r.type === 'tenant' ? { tenantId: r.id } : { tenantId: r.properties?.tenant_id ?? snap.ban(r.id)?.tenantId ?? 'tnt_none', ban: r.id };
  if (s.type === 'partner') return decideReach(snap, s.id === b.partners[0] ? s.id : NO_PARTNER, action, target, now);
  return decide(snap, { type: 'user', userId: s.id, partnerId: b.partners[0], mfa: s.properties?.mfa === true }, action, target, now);
}

const answer = (d: Decision) => (d.allow ? { decision: true } : { decision: false, code: d.code });
const wire = (e: { decision: boolean; context?: { code: string } }) => (e.decision ? { decision: true } : { decision: false, code: e.context?.code });

async function allPages(c: Client, path: string, body: Record<string, unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  let token = '';
  for (let i = 0; i < 100; i++) {
    const r = await c.post(path, { ...body, page: { limit: 2, ...(token ? { token } : {}) } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    out.push(...r.body.results);
    expect(r.body.page.total).toBeGreaterThanOrEqual(out.length);
    token = r.body.page.next_token;
    if (token === '') return out;
  }
  throw new Error('the pages never end');
}

describe('AuthZEN answers are the decision engine’s', () => {
  it('evaluation, evaluations under each semantic, and the three searches, on random worlds', async () => {
    const seen = { allowed: 0, denied: 0 };
    await fc.assert(
      fc.asyncProperty(specArb, async (spec) => {
        const b = await build(spec);
        const c = new Client(t.app);
        c.bearer = b.token;
        const mfa = spec.mfa ? { properties: { mfa: true } } : {};
        const subjects: Subject[] = [...b.partners.map((id) => ({ type: 'partner' as const, id })), ...b.users.map((id) => ({ type: 'user' as const, id, ...mfa }))];
        const resources: Resource[] = [
          ...b.tenants.map((id) => ({ type: 'tenant' as const, id })),
          ...b.bans.map((x) => ({ type: 'ban' as const, id: x.id, properties: { tenant_id: x.tenantId } })),
          { type: 'ban', id: b.bans[0].id },
        ];

        // evaluations: every subject × resource × action, as one batch
        const items = subjects.flatMap((subject) => resources.flatMap((resource) => ACTIONS.map((name) => ({ subject, resource, action: { name } }))));
        const want = items.map((q) => answer(engine(b, q.subject, q.action.name, q.resource)));
        seen.allowed += want.filter((x) => x.decision).length;
        seen.denied += want.filter((x) => !x.decision).length;
        const all = await c.post('/access/v1/evaluations', { evaluations: items });
        expect(all.status).toBe(200);
        expect(all.body.evaluations.map(wire)).toEqual(want);
        // the same through the single evaluation API, for a sample
        for (let i = 0; i < items.length; i += 17) expect(wire((await c.post('/access/v1/evaluation', items[i])).body)).toEqual(want[i]);
        // the semantics stop where the answers say
        const firstDeny = want.findIndex((x) => !x.decision);
        const firstPermit = want.findIndex((x) => x.decision);
        const deny = await c.post('/access/v1/evaluations', { evaluations: items, options: { evaluations_semantic: 'deny_on_first_deny' } });
        expect(deny.body.evaluations.map(wire)).toEqual(firstDeny < 0 ? want : want.slice(0, firstDeny + 1));
        const permit = await c.post('/access/v1/evaluations', { evaluations: items, options: { evaluations_semantic: 'permit_on_first_permit' } });
        expect(permit.body.evaluations.map(wire)).toEqual(firstPermit < 0 ? want : want.slice(0, firstPermit + 1));

        // resource search: every tenant and account of the world, brute force
        for (const subject of subjects) {
          for (const action of [null, ACTIONS[0], ACTIONS[1]]) {
            const act = action ? { action: { name: action } } : {};
            const tenants = b.tenants.filter((id) => engine(b, subject, action, { type: 'tenant', id }).allow).sort();
            expect(await allPages(c, '/access/v1/search/resource', { subject, ...act, resource: { type: 'tenant' } })).toEqual(tenants.map((id) => ({ type: 'tenant', id })));
            const bans = b.bans.filter((x) => engine(b, subject, action, { type: 'ban', id: x.id, properties: { tenant_id: x.tenantId } }).allow).sort((x, y) => (x.id < y.id ? -1 : 1));
            expect(await allPages(c, '/access/v1/search/resource', { subject, ...act, resource: { type: 'ban' } })).toEqual(bans.map((x) => ({ type: 'ban', id: x.id, properties: { tenant_id: x.tenantId } })));
          }
        }
        // subject search: every partner and person of the world, brute force
        for (const resource of resources) {
          for (const action of [null, ACTIONS[0]]) {
            const act = action ? { action: { name: action } } : {};
            const ps = b.partners.filter((id) => engine(b, { type: 'partner', id }, action, resource).allow).sort();
            expect(ps).not.toContain(b.partners[1]);
            expect(await allPages(c, '/access/v1/search/subject', { subject: { type: 'partner' }, ...act, resource })).toEqual(ps.map((id) => ({ type: 'partner', id })));
            const us = b.users.filter((id) => engine(b, { type: 'user', id, ...mfa }, action, resource).allow).sort();
            expect(await allPages(c, '/access/v1/search/subject', { subject: { type: 'user', ...mfa }, ...act, resource })).toEqual(us.map((id) => ({ type: 'user', id })));
          }
        }
        // action search: every permission of the catalog, for the partner and one person, on one tenant and one account
        for (const subject of [subjects[0], ...subjects.slice(2, 3)]) {
          for (const resource of [resources[0], resources[b.tenants.length]]) {
            const names = permissions.filter((name) => engine(b, subject, name, resource).allow);
            const r = await c.post('/access/v1/search/action', { subject, resource, page: { limit: 1000 } });
            expect(r.body.results).toEqual(names.map((name) => ({ name })));
          }
        }
      }),
      { numRuns: 60 },
    );
    // the worlds exercise both answers, not only refusals
    expect(seen.allowed).toBeGreaterThan(20);
    expect(seen.denied).toBeGreaterThan(20);
  }, 300_000);
});
