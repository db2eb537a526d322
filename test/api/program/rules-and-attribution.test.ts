/**
 * The partner API's authorization rules 1–5 on the program routes, each with its own refusal; staff
 * seeing only their own codes; the limited tenant view's allow-list; the attribution recorded
 * once and immutable — by every route and by SQL UPDATE/DELETE on the database itself.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { addInvoices, createCode, programWorld, signup, type ProgramWorld } from './program-world.ts';

let t: TestApp;
let w: ProgramWorld;
let ownerCode: string;
let staffCode: string;
let byOwner: { id: string; email: string; name: string };
let byStaff: { id: string };

beforeAll(async () => {
  t = await startTestApp({ clock: new ManualClock('2026-01-15T10:00:00Z') });
  w = await programWorld(t);
  ownerCode = await createCode(w.owner, w.p.id, { label: 'Owner newsletter' });
  staffCode = await createCode(w.staff, w.p.id, { label: 'Staff webinar' });
  byOwner = await signup(t, ownerCode);
  byStaff = await signup(t, staffCode);
  await addInvoices(t, byOwner.id, [
    { period: '2026-01', subtotal: 40_000 },
    { period: '2026-01', subtotal: 2_500 },
    { period: '2026-02', subtotal: 99_000, status: 'open' },
  ]);
}, 120_000);
afterAll(() => t.close());

const REFERRAL_FIELDS = ['currency', 'id', 'monthly_revenue_minor', 'name', 'signup_date', 'slug', 'status', 'subscription_tier'];

describe('authorization rules 1–5', () => {
  it('rule 1: no credentials → 401 authentication_required', async () => {
    const r = await t.client().get<Problem>(`/api/v1/partners/${w.p.id}/program/summary`);
    expect([r.status, r.body.code]).toEqual([401, 'authentication_required']);
  });

  it('rule 2: someone in no partner → 403 not_partner_member; a deactivated member → 403 partner_membership_inactive; a suspended partner → 403 partner_inactive', async () => {
    const loner = await (await t.world.user()).login();
    const r = await loner.get<Problem>(`/api/v1/partners/${w.p.id}/program/codes`);
    expect([r.status, r.body.code]).toEqual([403, 'not_partner_member']);

    const x = await programWorld(t);
    expect((await x.owner.patch(`/api/v1/partners/${x.p.id}/members/${x.p.staff.id}`, { status: 'inactive' })).status).toBe(204);
    const inactive = await x.staff.get<Problem>(`/api/v1/partners/${x.p.id}/program/codes`);
    expect([inactive.status, inactive.body.code]).toEqual([403, 'partner_membership_inactive']);

    expect((await x.operator.post(`/api/v1/partners/${x.p.id}/suspend`, { reason: 'rule 2 test' })).status).toBe(200);
    const suspended = await x.owner.get<Problem>(`/api/v1/partners/${x.p.id}/program/codes`);
    expect([suspended.status, suspended.body.code]).toEqual([403, 'partner_inactive']);
  });

  it("rule 3: another partner's owner → 404 partner_not_found, on reads and writes", async () => {
    const other = await programWorld(t);
    for (const r of [
      await other.owner.get<Problem>(`/api/v1/partners/${w.p.id}/program/referrals/${byOwner.id}`),
      await other.owner.post<Problem>(`/api/v1/partners/${w.p.id}/program/codes`, {}),
      await other.owner.patch<Problem>(`/api/v1/partners/${w.p.id}/program/codes/${ownerCode}`, { active: false }),
    ]) expect([r.status, r.body.code]).toEqual([404, 'partner_not_found']);
    // and its own code cannot be managed through this partner's URL either
    const foreign = await createCode(other.owner, other.p.id);
    const r = await w.owner.patch<Problem>(`/api/v1/partners/${w.p.id}/program/codes/${foreign}`, { active: false });
    expect([r.status, r.body.code]).toEqual([404, 'referral_code_not_found']);
  });

  it('rule 4: staff may not manage codes → 403 permission_denied (the code stays active)', async () => {
    const r = await w.staff.patch<Problem>(`/api/v1/partners/${w.p.id}/program/codes/${staffCode}`, { active: false });
    expect([r.status, r.body.code]).toEqual([403, 'permission_denied']);
    expect((await t.client().get(`/api/v1/signup/referral/${staffCode}`)).status).toBe(200);
  });

  it('rule 5: the attribution grants no tenant access — the tenant is 404 to the partner and the decision engine refuses it', async () => {
    for (const path of [`/api/v1/tenants/${byOwner.id}`, `/api/v1/tenants/${byOwner.id}/members`, `/api/v1/tenants/${byOwner.id}/billing-accounts`]) {
      const r = await w.owner.get<Problem>(path);
      expect([r.status, r.body.code], path).toEqual([404, 'tenant_not_found']);
    }
    const d = await w.owner.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: byOwner.id });
    expect(d.status).toBe(200);
    expect(d.body.allow).toBe(false);
    expect(d.body.code).toBe('delegation_not_found');
    const dlg = await w.owner.get(`/api/v1/partners/${w.p.id}/delegations`);
    expect(dlg.status).toBe(200);
    expect(JSON.stringify(dlg.body)).not.toContain(byOwner.id);
  });

  it('a partner without the referral capability has no program → 403 referral_capability_required', async () => {
    const msp = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await msp.owner.login();
    const r = await owner.post<Problem>(`/api/v1/partners/${msp.id}/program/codes`, {});
    expect([r.status, r.body.code]).toEqual([403, 'referral_capability_required']);
  });
});

describe('staff see their own codes and their referrals only', () => {
  it('codes: the owner all, staff their own', async () => {
    const owner = await w.owner.get(`/api/v1/partners/${w.p.id}/program/codes`);
    expect(owner.body.items.map((c: { code: string }) => c.code).sort()).toEqual(expect.arrayContaining([ownerCode, staffCode]));
    const staff = await w.staff.get(`/api/v1/partners/${w.p.id}/program/codes`);
    expect(staff.body.items.map((c: { code: string }) => c.code)).toEqual([staffCode]);
    expect(staff.body.items[0]).toMatchObject({ signup_url: `/signup?ref=${staffCode}`, sign_ups: 1, active: true, label: 'Staff webinar' });
  });

  it('referrals and the summary: staff count and see only their codes’ tenants', async () => {
    const staff = await w.staff.get(`/api/v1/partners/${w.p.id}/program/referrals`);
    expect(staff.body.items.map((r: { id: string }) => r.id)).toEqual([byStaff.id]);
    const owner = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals`);
    expect(owner.body.items.map((r: { id: string }) => r.id).sort()).toEqual([byOwner.id, byStaff.id].sort());
    const one = await w.staff.get<Problem>(`/api/v1/partners/${w.p.id}/program/referrals/${byOwner.id}`);
    expect([one.status, one.body.code]).toEqual([404, 'referral_not_found']);
    expect((await w.staff.get(`/api/v1/partners/${w.p.id}/program/summary`)).body.sign_ups).toBe(1);
    expect((await w.owner.get(`/api/v1/partners/${w.p.id}/program/summary`)).body.sign_ups).toBe(2);
    const q = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals?q=${encodeURIComponent(byOwner.name.slice(-8))}`);
    expect(q.body.items.map((r: { id: string }) => r.id)).toEqual([byOwner.id]);
  });
});

describe('the limited tenant view', () => {
  it('answers exactly the allow-listed fields, with the revenue aggregated', async () => {
    const r = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals/${byOwner.id}`);
    expect(r.status).toBe(200);
    expect(Object.keys(JSON.parse(r.raw.body)).sort()).toEqual(REFERRAL_FIELDS);
    expect(r.body).toMatchObject({ id: byOwner.id, status: 'active', subscription_tier: 'standard', monthly_revenue_minor: 42_500, currency: 'EUR', signup_date: '2026-01-15T10:00:00.000Z' });
    // nothing of the tenant's people or data: not the admin's email, not an invoice
    expect(r.raw.body).not.toContain(byOwner.email);
    expect(r.raw.body).not.toMatch(/inv_|ban_|usr_/);
    const list = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals`);
    for (const item of list.body.items) expect(Object.keys(item).sort()).toEqual(REFERRAL_FIELDS);
  });

  it('the response schema is an allow-list: no other field can appear', async () => {
    const doc = (await t.client().get('/openapi.json')).body;
    const schema = doc.components.schemas.Referral;
    expect(Object.keys(schema.properties).sort()).toEqual(REFERRAL_FIELDS);
    expect(schema.additionalProperties).toBe(false);
  });

  it("a tenant the partner did not refer is 404 — another partner's referral or an unreferred tenant", async () => {
    const plain = await t.world.tenant();
    const other = await programWorld(t);
    const theirs = await signup(t, await createCode(other.owner, other.p.id));
    for (const id of [plain.id, theirs.id]) {
      const r = await w.owner.get<Problem>(`/api/v1/partners/${w.p.id}/program/referrals/${id}`);
      expect([r.status, r.body.code]).toEqual([404, 'referral_not_found']);
    }
  });
});

describe('attributed sign-up', () => {
  it('an unknown, inactive or foreign-partner code is a 400 and nothing is created', async () => {
    const x = await programWorld(t);
    const inactive = await createCode(x.owner, x.p.id);
    expect((await x.owner.patch(`/api/v1/partners/${x.p.id}/program/codes/${inactive}`, { active: false })).body.active).toBe(false);
    const suspendedP = await programWorld(t);
    const ofSuspended = await createCode(suspendedP.owner, suspendedP.p.id);
    await suspendedP.operator.post(`/api/v1/partners/${suspendedP.p.id}/suspend`, { reason: 'test' });
    for (const code of ['NOPE-0000', inactive, ofSuspended]) {
      const name = unique('Nothing');
      const anon = t.client();
      anon.ip = '10.77.0.1';
      const r = await anon.post<Problem>('/api/v1/signup', { organization_name: name, admin_name: 'A', email: `${unique('x')}@example.test`, password: 'a long enough passphrase 42', referral_code: code });
      expect([r.status, r.body.code], code).toEqual([400, 'referral_code_invalid']);
      expect(r.body.errors?.[0].pointer).toBe('/body/referral_code');
      expect(await t.services.db.kysely.selectFrom('tenants').select('id').where('name', '=', name).execute()).toEqual([]);
      expect((await t.client().get<Problem>(`/api/v1/signup/referral/${code}`)).status).toBe(404);
    }
  });

  it('without a code the sign-up is simply unattributed, and its admin can log in', async () => {
    const s = await signup(t, undefined);
    expect(await t.services.db.kysely.selectFrom('referral_attributions').selectAll().where('tenant_id', '=', s.id).execute()).toEqual([]);
    const admin = await t.client().login(s.email, s.password);
    expect((await admin.get(`/api/v1/tenants/${s.id}`)).status).toBe(200);
  });

  it('the operator creates a tenant with a referral code: attributed to the code’s partner', async () => {
    const slug = unique('opco');
    const r = await w.operator.post('/api/v1/tenants', { name: 'Operator Co', slug, referral_code: ownerCode.toLowerCase() });
    expect(r.status).toBe(201);
    const seen = await w.owner.get(`/api/v1/partners/${w.p.id}/program/referrals/${r.body.tenant.id}`);
    expect(seen.status).toBe(200);
    const bad = await w.operator.post<Problem>('/api/v1/tenants', { name: 'Operator Co 2', slug: unique('opco'), referral_code: 'NOPE-1234' });
    expect([bad.status, bad.body.code]).toEqual([400, 'referral_code_invalid']);
  });

  it('sign-ups are rate-limited per address → 429 rate_limited', async () => {
    const anon = t.client();
    anon.ip = '10.99.99.99';
    let last = 0;
    let code = '';
    for (let i = 0; i < 11; i++) {
      const r = await anon.post('/api/v1/signup', { organization_name: unique('Burst'), admin_name: 'B', email: `${unique('b')}@example.test`, password: 'a long enough passphrase 42' });
      last = r.status;
      code = r.body.code;
    }
    expect([last, code]).toEqual([429, 'rate_limited']);
  });
});

describe('the attribution is immutable', () => {
  it('no route changes it: the tenant update refuses the field, and a second attribution cannot be written', async () => {
    const r = await w.operator.patch<Problem>(`/api/v1/tenants/${byOwner.id}`, { referral_code: staffCode });
    expect([r.status, r.body.code]).toEqual([400, 'validation_failed']);
    const r2 = await w.operator.patch<Problem>(`/api/v1/tenants/${byOwner.id}`, { referred_by_partner_id: w.p.id });
    expect([r2.status, r2.body.code]).toEqual([400, 'validation_failed']);
    const row = await t.services.db.kysely.selectFrom('referral_attributions').selectAll().where('tenant_id', '=', byOwner.id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ partner_id: w.p.id, code: ownerCode, source: 'signup', attributed_at: '2026-01-15T10:00:00.000Z' });
  });

  it('the database refuses an UPDATE or DELETE of the attribution, and a change of tenants.referred_by_partner_id', async () => {
    const other = await t.world.partner({ capabilities: ['referral'] });
    const k = t.services.db.kysely;
    await expect(sql`update referral_attributions set partner_id = ${other.id} where tenant_id = ${byOwner.id}`.execute(k)).rejects.toThrow(/referral attribution is immutable/);
    await expect(sql`update referral_attributions set attributed_at = '2020-01-01' where tenant_id = ${byOwner.id}`.execute(k)).rejects.toThrow(/referral attribution is immutable/);
    await expect(sql`delete from referral_attributions where tenant_id = ${byOwner.id}`.execute(k)).rejects.toThrow(/referral attribution is immutable/);
    await expect(sql`update tenants set referred_by_partner_id = ${other.id} where id = ${byOwner.id}`.execute(k)).rejects.toThrow(/referral attribution is immutable/);
    await expect(sql`update tenants set referred_by_partner_id = null where id = ${byOwner.id}`.execute(k)).rejects.toThrow(/referral attribution is immutable/);
    const row = await k.selectFrom('tenants').select('referred_by_partner_id').where('id', '=', byOwner.id).executeTakeFirstOrThrow();
    expect(row.referred_by_partner_id).toBe(w.p.id);
    // the tenant itself still changes as before
    await sql`update tenants set name = 'Renamed' where id = ${byOwner.id}`.execute(k);
  });
});
