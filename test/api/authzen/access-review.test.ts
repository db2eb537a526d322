/**
 * Who can reach what, as the operator and a tenant's admin ask it: which tenants a partner can
 * reach and with which permissions and accounts, and which partners (and which of their people)
 * can reach a tenant — the decision engine's answers (the same as the AuthZEN searches), named,
 * paged, walled per tenant, and changed on the very next request after a revocation. Both
 * databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { link } from '../gateway/helpers.ts';
import { decideReach } from '../../../src/modules/authz/index.ts';

let t: TestApp;
let operator: Client;
let tenant: TestTenant;
let second: TestTenant;
let msp: TestPartner;
let billing: TestPartner;
let suspended: TestPartner;
let asking: TestPartner;
let billingLink: string;

interface Entry {
  partner: { id: string; name: string };
  permissions: string[];
  accounts: { id: string; account_number: string }[] | null;
  people: { id: string; name: string; email: string; permissions: string[] }[];
}

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  tenant = await t.world.tenant({ bans: 2 });
  second = await t.world.tenant({ bans: 1 });
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  billing = await t.world.partner({ capabilities: ['managed_services'] });
  suspended = await t.world.partner({ capabilities: ['managed_services'] });
  asking = await t.world.partner({ capabilities: ['managed_services'] });
  await link(t, msp, tenant, { role: 'MSP_FULL', banIds: [tenant.bans[0].id] });
  await link(t, msp, second, { role: 'MSP_SUPPORT' });
  billingLink = (await link(t, billing, tenant, { role: 'MSP_BILLING' })).id;
  await link(t, suspended, tenant, { role: 'MSP_FULL' });
  await link(t, asking, tenant, { role: 'MSP_FULL', status: 'requested' });
  await t.services.partners.transition(t.world.ctx, suspended.id, 'suspend', { reason: 'test' });
  await t.services.feed.drain();
}, 120_000);
afterAll(async () => {
  await t?.close();
});

/** What the engine allows the partner on the tenant or on one of the given accounts: the answer the page must give. */
function engine(partnerId: string, tenantId: string, bans: string[]): string[] {
  const snap = t.services.authz.snapshot;
  const now = t.services.authz.now();
  const allowed = (name: string) => decideReach(snap, partnerId, name, { tenantId }, now).allow || bans.some((ban) => decideReach(snap, partnerId, name, { tenantId, ban }, now).allow);
  return [...t.services.roles.permissions.keys()].sort().filter(allowed);
}

describe('the operator: which tenants a partner can reach, with what', () => {
  it('every tenant the partner can act on now, named, with its permissions and the accounts it covers', async () => {
    const r = await operator.get<{ data: { tenant: { id: string; name: string }; permissions: string[]; accounts: unknown }[]; total: number; next_cursor: string | null }>(`/api/v1/access-review/partners/${msp.id}`);
    expect(r.status).toBe(200);
    expect(r.body.total).toBe(2);
    const byId = new Map(r.body.data.map((x) => [x.tenant.id, x]));
    const one = byId.get(tenant.id)!;
    expect(one.tenant.name).toBe(tenant.name);
    // limited to the first account: named by its number
    expect(one.accounts).toEqual([{ id: tenant.bans[0].id, account_number: tenant.bans[0].account_number }]);
    expect(one.permissions).toEqual(engine(msp.id, tenant.id, [tenant.bans[0].id]));
    expect(one.permissions).toContain('billing.invoices.read');
    const two = byId.get(second.id)!;
    expect(two.accounts).toBeNull();
    expect(two.permissions).toEqual(engine(msp.id, second.id, second.bans.map((b) => b.id)));
    expect(two.permissions).toContain('support.tickets.create');
    expect(two.permissions).not.toContain('billing.invoices.read');
  });

  it('pages by tenant: one at a time, neither repeated nor skipped', async () => {
    const first = await operator.get<{ data: { tenant: { id: string } }[]; next_cursor: string | null }>(`/api/v1/access-review/partners/${msp.id}?limit=1`);
    expect(first.body.data).toHaveLength(1);
    expect(first.body.next_cursor).not.toBeNull();
    const next = await operator.get<{ data: { tenant: { id: string } }[]; next_cursor: string | null }>(`/api/v1/access-review/partners/${msp.id}?limit=1&cursor=${first.body.next_cursor}`);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.next_cursor).toBeNull();
    expect(new Set([first.body.data[0].tenant.id, next.body.data[0].tenant.id])).toEqual(new Set([tenant.id, second.id]));
  });

  it('a suspended partner, or one whose request waits, reaches nothing', async () => {
    for (const p of [suspended, asking]) {
      const r = await operator.get<{ data: unknown[]; total: number }>(`/api/v1/access-review/partners/${p.id}`);
      expect([r.status, r.body.total, r.body.data]).toEqual([200, 0, []]);
    }
  });
});

describe('who can reach a tenant, with what: the operator and the tenant admin see the same', () => {
  it('the partners that can act now, each with its people, named; not the suspended one, not the one still asking', async () => {
    const r = await operator.get<{ data: Entry[]; total: number }>(`/api/v1/access-review/tenants/${tenant.id}`);
    expect(r.status).toBe(200);
    expect(r.body.data.map((x) => x.partner.id).sort()).toEqual([msp.id, billing.id].sort());
    const b = r.body.data.find((x) => x.partner.id === billing.id)!;
    expect(b.partner.name).toBe(billing.name);
    expect(b.accounts).toBeNull();
    expect(b.permissions).toEqual(engine(billing.id, tenant.id, tenant.bans.map((x) => x.id)));
    expect(b.permissions).not.toContain('orders.create');
    // the partner's people, by name and address
    expect(b.people.map((p) => p.email).sort()).toEqual([billing.owner.email, billing.staff.email].sort());
    for (const p of b.people) expect(p.permissions.every((x) => b.permissions.includes(x))).toBe(true);

    const admin = await tenant.admin.login();
    const own = await admin.get<{ data: Entry[] }>(`/api/v1/tenants/${tenant.id}/access-review`);
    expect(own.status).toBe(200);
    expect(own.body).toEqual(r.body);
  });

  it("a revoked partner is gone from the answer on the very next request", async () => {
    const admin = await tenant.admin.login();
    const revoke = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${billingLink}/revoke`, { reason: 'contract ended' });
    expect(revoke.status).toBe(200);
    const r = await admin.get<{ data: Entry[] }>(`/api/v1/tenants/${tenant.id}/access-review`);
    expect(r.body.data.map((x) => x.partner.id)).toEqual([msp.id]);
  });
});

describe('who may ask', () => {
  it("a tenant's ordinary member is refused; another tenant's admin learns nothing (404); a partner's people cannot ask", async () => {
    const user = await tenant.user.login();
    const r1 = await user.get<Problem>(`/api/v1/tenants/${tenant.id}/access-review`);
    expect(r1.status).toBe(403);
    const stranger = await second.admin.login();
    const r2 = await stranger.get<Problem>(`/api/v1/tenants/${tenant.id}/access-review`);
    expect(r2.status).toBe(404);
    const staff = await msp.owner.login();
    for (const url of [`/api/v1/access-review/tenants/${tenant.id}`, `/api/v1/access-review/partners/${msp.id}`]) {
      const r = await staff.get<Problem>(url);
      expect(r.status).toBe(403);
      expect(r.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('a malformed id or page: 400 problem+json with a stable code, never a 500', async () => {
    const cases: [string, string][] = [
      ['/api/v1/access-review/partners/not-a-partner', 'invalid_id'],
      ['/api/v1/access-review/tenants/tnt_x', 'invalid_id'],
      [`/api/v1/access-review/partners/${msp.id}?limit=0`, 'validation_failed'],
      [`/api/v1/access-review/partners/${msp.id}?cursor=a%20b`, 'validation_failed'],
      [`/api/v1/access-review/partners/${msp.id}?extra=1`, 'validation_failed'],
    ];
    for (const [url, code] of cases) {
      const r = await operator.get<Problem>(url);
      expect([r.status, r.body.code], url).toEqual([400, code]);
    }
  });
});
