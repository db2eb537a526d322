/**
 * Two-tier partners over HTTP: a distributor onboards resellers and suspends them; it reads a
 * reseller's customer only where the customer let it act through the link; a reseller never sees
 * its siblings (the list and a direct id answer like an unknown partner); suspending the
 * distributor, or the reseller, ends the access through the link on the next request; chains stay
 * two tiers. Every change is audited naming the chain.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let dist: TestPartner;
let r1: TestPartner;
let r2Id: string;
let open: TestTenant;
let closed: TestTenant;
let operator: Client;
let distOwner: Client;
let r1Owner: Client;

const UNKNOWN_PARTNER = 'ptr_00000000000000000000000000';
const UNKNOWN_TENANT = 'tnt_00000000000000000000000000';

async function link(tenant: TestTenant) {
  return t.services.delegations.create(t.world.ctx, { partnerId: r1.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
}

beforeAll(async () => {
  t = await startTestApp();
  dist = await t.world.partner({ capabilities: ['managed_services', 'wholesale'] });
  r1 = await t.world.partner({ capabilities: ['managed_services'] });
  [open, closed] = await Promise.all([t.world.tenant(), t.world.tenant()]);
  operator = await loginAs(t, await t.world.operator());
  distOwner = await loginAs(t, dist.owner);
  r1Owner = await loginAs(t, r1.owner);
  // the operator places r1 under the distributor; the distributor onboards r2 itself
  const placed = await operator.put(`/api/v1/partners/${r1.id}/distributor`, { distributor_id: dist.id });
  expect(placed.status, JSON.stringify(placed.body)).toBe(200);
  const onboarded = await distOwner.post(`/api/v1/partners/${dist.id}/resellers`, { name: 'Northwind Resale', contact_email: 'ops@northwind.example', owner_email: 'owner@northwind.example' });
  expect(onboarded.status, JSON.stringify(onboarded.body)).toBe(201);
  expect(onboarded.body.reseller).toMatchObject({ name: 'Northwind Resale', status: 'active', customers: 0 });
  expect(onboarded.body.invitation.url).toContain('http');
  r2Id = onboarded.body.reseller.id;
  await link(open);
  await link(closed);
  await t.services.feed.drain();
});
afterAll(() => t.close());

const readCustomer = (c: Client, tenantId: string) => c.get(`/api/v1/partner/customers/${tenantId}`);

describe('two-tier partners', () => {
  it("lists a distributor's resellers with their customers, and a reseller sees only its distributor's name", async () => {
    const list = await distOwner.get(`/api/v1/partners/${dist.id}/resellers`);
    expect(list.status).toBe(200);
    const byId = new Map(list.body.data.map((r: { id: string }) => [r.id, r]));
    expect(byId.get(r1.id)).toMatchObject({ name: r1.name, status: 'active', customers: 2 });
    expect(byId.get(r2Id)).toMatchObject({ name: 'Northwind Resale', customers: 0 });
    const mine = await r1Owner.get(`/api/v1/partners/${r1.id}/distributor`);
    expect(mine.body).toEqual({ distributor: { id: dist.id, name: dist.name } });
    expect((await r1Owner.get(`/api/v1/partners/${r1.id}/resellers`)).body).toEqual({ data: [] });
  });

  it('a reseller cannot see its siblings: the list and a direct id answer exactly like an unknown partner', async () => {
    const unknown = await r1Owner.get(`/api/v1/partners/${UNKNOWN_PARTNER}`);
    expect(unknown.status).toBe(404);
    for (const url of [`/api/v1/partners/${r2Id}`, `/api/v1/partners/${dist.id}/resellers`, `/api/v1/partners/${r2Id}/distributor`]) {
      const r = await r1Owner.get(url);
      expect([r.status, r.body.code, r.body.detail], url).toEqual([404, unknown.body.code, unknown.body.detail]);
    }
    // nor can it suspend a sibling through its own partner
    const s = await r1Owner.post(`/api/v1/partners/${r1.id}/resellers/${r2Id}/suspend`, { reason: 'curious' });
    expect(s.status).toBe(404);
  });

  it("reads a reseller's customer only where the customer let the distributor act through the link", async () => {
    // off by default: like a customer the distributor has nothing to do with
    const before = await readCustomer(distOwner, open.id);
    const none = await readCustomer(distOwner, UNKNOWN_TENANT);
    expect([before.status, before.body.code]).toEqual([none.status, none.body.code]);
    expect(before.status).toBe(404);

    const admin = await loginAs(t, open.admin);
    const links = await admin.get(`/api/v1/tenants/${open.id}/reseller-links`);
    expect(links.body.data).toEqual([expect.objectContaining({ reseller: { id: r1.id, name: r1.name }, distributor: { id: dist.id, name: dist.name }, distributor_access: false })]);
    const on = await admin.put(`/api/v1/tenants/${open.id}/reseller-links/${links.body.data[0].delegation_id}/distributor-access`, { allowed: true });
    expect([on.status, on.body.distributor_access]).toEqual([200, true]);

    // the next request is decided with it
    const after = await readCustomer(distOwner, open.id);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.tenant.id).toBe(open.id);
    expect(after.body.delegation.partner.id).toBe(r1.id);
    const other = await readCustomer(distOwner, closed.id);
    expect([other.status, other.body.code]).toEqual([404, 'delegation_not_found']);

    // another tenant's admin cannot switch this link (it is not theirs: 404)
    const stranger = await loginAs(t, closed.admin);
    const cross = await stranger.put(`/api/v1/tenants/${closed.id}/reseller-links/${links.body.data[0].delegation_id}/distributor-access`, { allowed: true });
    expect(cross.status).toBe(404);

    // audited in the customer's log, naming the chain
    const ev = await operator.get(`/api/v1/audit-events?action=delegation.distributor_access_granted&tenant_id=${open.id}`);
    expect(ev.body.data[0].details).toMatchObject({ reseller_id: r1.id, distributor_id: dist.id, allowed: true });
  });

  it("suspending the distributor stops its access through resellers on the next request; the reseller's own access stays", async () => {
    expect((await readCustomer(distOwner, open.id)).status).toBe(200);
    const s = await operator.post(`/api/v1/partners/${dist.id}/suspend`, { reason: 'contract review' });
    expect(s.status).toBe(200);
    const refused = await readCustomer(distOwner, open.id);
    expect([refused.status, refused.body.code]).toEqual([403, 'partner_inactive']);
    expect((await readCustomer(r1Owner, open.id)).status).toBe(200);
    expect((await operator.post(`/api/v1/partners/${dist.id}/reactivate`, {})).status).toBe(200);
    expect((await readCustomer(distOwner, open.id)).status).toBe(200);
  });

  it('a distributor suspends a reseller (both lose the link) and resumes it; audited naming the chain', async () => {
    const s = await distOwner.post(`/api/v1/partners/${dist.id}/resellers/${r1.id}/suspend`, { reason: 'Unpaid invoices' });
    expect([s.status, s.body.status, s.body.suspended_by_distributor]).toEqual([200, 'suspended', true]);
    const own = await readCustomer(r1Owner, open.id);
    expect([own.status, own.body.code]).toEqual([403, 'partner_inactive']);
    const through = await readCustomer(distOwner, open.id);
    expect([through.status, through.body.code]).toEqual([403, 'partner_inactive']);
    const ev = await operator.get(`/api/v1/audit-events?action=partner.reseller_suspended&partner_id=${dist.id}`);
    expect(ev.body.data[0]).toMatchObject({ target: { id: r1.id }, details: { distributor_id: dist.id, reseller_id: r1.id, reason: 'Unpaid invoices' } });
    const back = await distOwner.post(`/api/v1/partners/${dist.id}/resellers/${r1.id}/resume`);
    expect([back.status, back.body.status]).toEqual([200, 'active']);
    expect((await readCustomer(distOwner, open.id)).status).toBe(200);
    // an operator's suspension is the operator's to lift
    await operator.post(`/api/v1/partners/${r1.id}/suspend`, { reason: 'operator hold' });
    const denied = await distOwner.post(`/api/v1/partners/${dist.id}/resellers/${r1.id}/resume`);
    expect([denied.status, denied.body.code]).toEqual([409, 'invalid_partner_transition']);
    expect((await operator.post(`/api/v1/partners/${r1.id}/reactivate`, {})).status).toBe(200);
  });

  it('turning the switch off ends the access on the next request', async () => {
    const admin = await loginAs(t, open.admin);
    const links = await admin.get(`/api/v1/tenants/${open.id}/reseller-links`);
    await admin.put(`/api/v1/tenants/${open.id}/reseller-links/${links.body.data[0].delegation_id}/distributor-access`, { allowed: false });
    expect((await readCustomer(distOwner, open.id)).status).toBe(404);
  });

  it('keeps chains two tiers: a reseller cannot onboard resellers, a reseller cannot become a distributor of a distributor', async () => {
    const r = await r1Owner.post(`/api/v1/partners/${r1.id}/resellers`, { name: 'Third Tier', contact_email: 'a@third.example', owner_email: 'b@third.example' });
    expect([r.status, r.body.code]).toEqual([409, 'reseller_depth_exceeded']);
    const up = await operator.put(`/api/v1/partners/${dist.id}/distributor`, { distributor_id: r1.id });
    expect([up.status, up.body.code]).toEqual([409, 'reseller_depth_exceeded']);
    const self = await operator.put(`/api/v1/partners/${dist.id}/distributor`, { distributor_id: dist.id });
    expect(self.status).toBe(409);
  });
});
