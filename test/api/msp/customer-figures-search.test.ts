/**
 * The customers page reads one page of its customers and nothing else, searched, filtered, sorted
 * and counted by the server: each figures row carries what the page shows of its link (the
 * delegation its actions name, the role, status, end, a renewal asked for, whose link it is), and
 * `q` (the name contains, any case — the same on SQLite and PostgreSQL, accented letters too),
 * `role` and `reseller_id` narrow the customers before the sort and the page, with a true total.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';

let t: TestApp;
let p: TestPartner;
const tag = unique('s').slice(-6);
const names = { oel: `Acme Ölwerk ${tag}`, bakery: `ACME Bakery ${tag}`, support: `acme support ${tag}`, beta: `Beta Co ${tag}`, waiting: `Acme Waiting ${tag}` };
const ids: Record<string, { tenant: string; delegation: string; slug: string }> = {};
type Row = { tenant_id: string; tenant_name: string; link: { delegation_id: string; role: string; status: string; ends_at: string; renewal_ends_at: string | null; through_reseller: unknown; tenant_slug: string } | null };

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  for (const [k, name] of Object.entries(names)) {
    const slug = unique(k).toLowerCase();
    const { tenant } = await t.services.tenants.createTenant(t.world.ctx, { name, slug });
    const role = k === 'support' ? 'MSP_SUPPORT' : 'MSP_FULL';
    const d = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role, banIds: null, endsAt: ends(k === 'oel' ? 30 : 90), status: k === 'waiting' ? 'requested' : 'active' });
    ids[k] = { tenant: tenant.id, delegation: d.id, slug };
  }
  await t.services.feed.drain();
}, 60_000);
afterAll(() => t.close());

const rows = (b: { data: Row[] }) => b.data.map((r) => r.tenant_name);

describe('the customers page’s one page of figures', () => {
  it('each row carries its link: the delegation the actions name, role, status, end and whose link', async () => {
    const staff = await loginAs(t, p.staff);
    const r = await staff.get('/api/v1/partner/customers/figures?sort=tenant_name&limit=25');
    expect(r.status).toBe(200);
    // a link still waiting for the customer has no figures: not a row here
    expect([r.body.total, new Set(rows(r.body))]).toEqual([4, new Set([names.bakery, names.oel, names.support, names.beta])]);
    const oel = (r.body.data as Row[]).find((x) => x.tenant_id === ids.oel.tenant)!;
    expect(oel.link).toEqual({ delegation_id: ids.oel.delegation, role: 'MSP_FULL', status: 'active', ends_at: expect.any(String), renewal_ends_at: null, through_reseller: null, tenant_slug: ids.oel.slug });
    expect((r.body.data as Row[]).find((x) => x.tenant_id === ids.support.tenant)!.link).toMatchObject({ delegation_id: ids.support.delegation, role: 'MSP_SUPPORT' });
  });

  it('searches the name in any case, accented letters too, counts every match and pages them', async () => {
    const staff = await loginAs(t, p.staff);
    const first = await staff.get(`/api/v1/partner/customers/figures?q=${encodeURIComponent(`ACME`)}&sort=tenant_name&limit=2`);
    expect([first.status, first.body.total]).toEqual([200, 3]);
    const second = await staff.get(`/api/v1/partner/customers/figures?q=acme&sort=tenant_name&limit=2&offset=2`);
    expect(new Set([...rows(first.body), ...rows(second.body)])).toEqual(new Set([names.oel, names.bakery, names.support]));
    expect(rows(first.body)).toHaveLength(2);
    // SQLite's lower() leaves Ö alone; the search does not depend on the database
    const accented = await staff.get(`/api/v1/partner/customers/figures?q=${encodeURIComponent('öLWERK')}`);
    expect([accented.body.total, rows(accented.body)]).toEqual([1, [names.oel]]);
    const none = await staff.get('/api/v1/partner/customers/figures?q=nobody-is-called-this');
    expect([none.status, none.body.total, none.body.data]).toEqual([200, 0, []]);
  });

  it('filters by the link’s role and whose link it is, with the search and a figure’s order', async () => {
    const staff = await loginAs(t, p.staff);
    const support = await staff.get('/api/v1/partner/customers/figures?role=MSP_SUPPORT');
    expect([support.body.total, rows(support.body)]).toEqual([1, [names.support]]);
    const full = await staff.get(`/api/v1/partner/customers/figures?q=acme&role=MSP_FULL&sort=-outstanding_cents`);
    expect([full.body.total, new Set(rows(full.body))]).toEqual([2, new Set([names.oel, names.bakery])]);
    const own = await staff.get('/api/v1/partner/customers/figures?reseller_id=own');
    expect(own.body.total).toBe(4);
    const reseller = await staff.get('/api/v1/partner/customers/figures?reseller_id=ptr_nosuchreseller000');
    expect([reseller.status, reseller.body.total]).toEqual([200, 0]);
  });

  it('a bad filter is a problem, not a page', async () => {
    const staff = await loginAs(t, p.staff);
    const r = await staff.get('/api/v1/partner/customers/figures?role=not%20a%20role');
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
  });
});
