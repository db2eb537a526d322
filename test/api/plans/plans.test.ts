/**
 * Plans and subscriptions over HTTP: the catalog and offers with bad input, KYC with its files,
 * eligibility, the lifecycle and its illegal steps, non-payment on a manual clock, isolation
 * between partners, and the gateway refusing a suspended customer on its next request.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { apiToken, gw, loginAs } from '../gateway/helpers.ts';
import { PNG, activeSubscription, kycBody, planBody, planWorld, provisionCustomer, verifiedCompany } from './helpers.ts';

const clock = new ManualClock('2026-03-01T09:00:00Z');
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

const count = async (table: 'plans' | 'kyc_cases' | 'kyc_documents' | 'subscriptions' | 'partner_plans') => Number((await t.services.db.kysely.selectFrom(table).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

describe('plan catalog and offers', () => {
  it('refuses unknown plans, negative or absurd prices and limits, with nothing written', async () => {
    const w = await planWorld(t);
    const before = await count('plans');
    for (const bad of [{ price_minor: -1 }, { price_minor: 1.5 }, { price_minor: 10 ** 12 }, { limits: { users: -5 } }, { limits: { users: 1e12 } }, { currency: 'euro' }, { segments: ['gold'] }, { grace_days: 400 }, { segments: [] }]) {
      const r = await w.operator.post('/api/v1/plans', planBody(bad));
      expect([r.status, r.body.code], JSON.stringify(bad)).toEqual([400, 'validation_failed']);
    }
    const dup = await w.operator.post('/api/v1/plans', planBody({ features: ['voice', 'voice'] }));
    expect([dup.status, dup.body.code]).toEqual([400, 'plan_invalid']);
    expect(await count('plans')).toBe(before);
    const unknown = await w.operator.put(`/api/v1/partners/${w.wholesaler.id}/allowed-plans/pln_01jd9x0a8q4m7w2k3v5b6c8d9e`, { min_price_minor: 0, max_price_minor: 10 });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'plan_not_found']);
    const inverted = await w.operator.put(`/api/v1/partners/${w.wholesaler.id}/allowed-plans/${w.planId}`, { min_price_minor: 9000, max_price_minor: 10 });
    expect([inverted.status, inverted.body.code]).toEqual([400, 'offer_price_out_of_range']);
  });

  it("keeps the partner's price within the operator's range, and only the operator edits the catalog", async () => {
    const w = await planWorld(t);
    const high = await w.owner.patch(`/api/v1/partners/${w.wholesaler.id}/plans/${w.planId}`, { price_minor: 9001 });
    expect([high.status, high.body.code]).toEqual([400, 'offer_price_out_of_range']);
    const list = await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/plans`);
    expect(list.body.data[0]).toMatchObject({ plan_id: w.planId, price_minor: 5900, min_price_minor: 3000, max_price_minor: 9000, status: 'offered', currency: 'EUR' });
    expect((await w.owner.post('/api/v1/plans', planBody())).status).toBe(403);
    expect((await w.owner.put(`/api/v1/partners/${w.wholesaler.id}/allowed-plans/${w.planId}`, { min_price_minor: 0, max_price_minor: 1 })).status).toBe(403);
    const audit = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', w.planId).execute();
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['plan.created', 'partner.plan_allowed', 'partner.plan_offer_changed']));
  });
});

describe('KYC', () => {
  it('stores details and documents encrypted, lets only reviewers download, and audits each step', async () => {
    const w = await planWorld(t);
    const k = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [{ filename: 'passport.png', content_type: 'image/png', content_base64: PNG.toString('base64') }] }));
    expect(k.status).toBe(201);
    const caseId = k.body.case.id;
    const docId = k.body.documents[0].id;
    const row = await t.services.db.kysely.selectFrom('kyc_cases').selectAll().where('id', '=', caseId).executeTakeFirstOrThrow();
    expect(row.details_enc).not.toContain('Acme Testing');
    const doc = await t.services.db.kysely.selectFrom('kyc_documents').selectAll().where('id', '=', docId).executeTakeFirstOrThrow();
    expect(doc.content_enc).not.toContain(PNG.toString('base64').slice(0, 12));

    const again = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody());
    expect([again.status, again.body.code]).toEqual([409, 'kyc_already_submitted']);

    const queue = await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/kyc-cases?status=submitted`);
    expect(queue.body.data.map((c: { id: string }) => c.id)).toContain(caseId);
    const detail = await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}`);
    expect(detail.body.details).toMatchObject({ company_name: 'Acme Testing Ltd' });
    const dl = await t.app.inject({ method: 'GET', url: `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/documents/${docId}`, headers: { cookie: w.owner.cookie ?? '' } });
    expect(dl.statusCode).toBe(200);
    expect(dl.headers['content-type']).toBe('image/png');
    expect(Buffer.compare(dl.rawPayload, PNG)).toBe(0);

    // anyone but a reviewer: 404 (the customer's own admin, the partner's staff, another partner)
    const staff = await loginAs(t, w.wholesaler.staff);
    const other = await t.world.partner({ capabilities: ['wholesale'] });
    const otherOwner = await loginAs(t, other.owner);
    for (const [who, url] of [
      [staff, `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/documents/${docId}`],
      [otherOwner, `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/documents/${docId}`],
      [otherOwner, `/api/v1/partners/${other.id}/kyc-cases/${caseId}/documents/${docId}`],
    ] as const) {
      expect((await who.get(url)).status, url).toBe(404);
    }
    // someone in no partner organization is stopped at the partner plane's door, before any case is looked at
    const outsider = await w.customerAdmin.get(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/documents/${docId}`);
    expect([outsider.status, outsider.body.code]).toEqual([403, 'not_partner_member']);

    const noReason = await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/review`, { decision: 'reject' });
    expect([noReason.status, noReason.body.code]).toEqual([400, 'kyc_reason_required']);
    const rej = await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/review`, { decision: 'reject', reason: 'The passport photo is unreadable.' });
    expect(rej.body).toMatchObject({ status: 'rejected', reason: 'The passport photo is unreadable.' });
    const twice = await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/review`, { decision: 'verify' });
    expect([twice.status, twice.body.code]).toEqual([409, 'kyc_case_already_reviewed']);
    const account = await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/plan-account`);
    expect(account.body.customer.kyc_status).toBe('rejected');
    expect(account.body.kyc.reason).toBe('The passport photo is unreadable.');

    const actions = (await t.services.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('tenant_id', '=', w.customer.id).execute());
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['kyc.submitted', 'kyc.document_downloaded', 'kyc.rejected']));
    expect(actions.map((a) => a.details).join(' ')).not.toContain('Acme Testing');
  });

  it('refuses oversized and wrong-type files with nothing written', async () => {
    const w = await planWorld(t);
    const before = [await count('kyc_cases'), await count('kyc_documents')];
    const big = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(1024 * 1024 + 1, 0x20)]);
    const tooBig = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [{ filename: 'a.pdf', content_type: 'application/pdf', content_base64: big.toString('base64') }] }));
    expect([tooBig.status, tooBig.body.code]).toEqual([413, 'kyc_document_too_large']);
    const exe = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [{ filename: 'a.pdf', content_type: 'application/pdf', content_base64: Buffer.from('MZ\x90\x00 not a pdf').toString('base64') }] }));
    expect([exe.status, exe.body.code]).toEqual([415, 'kyc_document_type_not_allowed']);
    const html = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [{ filename: 'a.html', content_type: 'text/html', content_base64: Buffer.from('<html>').toString('base64') }] }));
    expect([html.status, html.body.code]).toEqual([415, 'kyc_document_type_not_allowed']);
    // the second file is bad: the first is not kept either
    const mixed = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [kycBody().documents[0], { filename: 'b.png', content_type: 'image/png', content_base64: Buffer.from('GIF89a').toString('base64') }] }));
    expect([mixed.status, mixed.body.code]).toEqual([415, 'kyc_document_type_not_allowed']);
    const none = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody({ documents: [] }));
    expect([none.status, none.body.code]).toEqual([400, 'validation_failed']);
    expect([await count('kyc_cases'), await count('kyc_documents')]).toEqual(before);
    expect((await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/plan-account`)).body.customer.kyc_status).toBe('guest');
  });
});

describe('an organization no provider serves', () => {
  it('is told it has no plan (customer null, no plans), not 404 as if its own page were missing', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const account = await admin.get(`/api/v1/tenants/${tenant.id}/plan-account`);
    expect([account.status, account.body]).toEqual([200, { customer: null, kyc: null, documents: [] }]);
    const plans = await admin.get(`/api/v1/tenants/${tenant.id}/plans`);
    expect([plans.status, plans.body]).toEqual([200, { data: [] }]);
    // another organization's page stays out of reach
    const other = await t.world.tenant();
    const across = await admin.get(`/api/v1/tenants/${other.id}/plan-account`);
    expect(across.status).toBe(404);
  });
});

describe('eligibility and subscriptions', () => {
  it('shows a guest every offered plan as not available until verified; a basic customer cannot take a company plan', async () => {
    const w = await planWorld(t);
    const plans = await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/plans`);
    expect(plans.body.data).toHaveLength(1);
    expect(plans.body.data[0]).toMatchObject({ price_minor: 5900, eligible: false, refusal: 'kyc_required' });
    const guest = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
    expect([guest.status, guest.body.code]).toEqual([403, 'kyc_required']);

    const k = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody());
    const pending = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
    expect([pending.status, pending.body.code]).toEqual([403, 'kyc_pending']);
    await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${k.body.case.id}/review`, { decision: 'verify' });
    const basic = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
    expect([basic.status, basic.body.code]).toEqual([403, 'segment_not_eligible']);
    const unknown = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: 'pln_01jd9x0a8q4m7w2k3v5b6c8d9e' });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'plan_not_found']);
    expect(await t.services.db.kysely.selectFrom('subscriptions').select('id').where('tenant_id', '=', w.customer.id).execute()).toEqual([]);

    await w.owner.put(`/api/v1/partners/${w.wholesaler.id}/plan-customers/${w.customer.id}/segment`, { segment: 'company' });
    expect((await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/plans`)).body.data[0]).toMatchObject({ eligible: true, refusal: null });
  });

  it('runs signing → signed → active → suspended → active → cancelled and refuses illegal steps', async () => {
    const w = await planWorld(t);
    await verifiedCompany(w);
    const s = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
    expect(s.status).toBe(201);
    const sub = s.body.subscription;
    expect(sub).toMatchObject({ status: 'signing', price_minor: 5900, currency: 'EUR' });
    expect(sub.terms_sha256).toBe(createHash('sha256').update(s.body.terms).digest('hex'));
    const base = `/api/v1/partners/${w.wholesaler.id}/subscriptions/${sub.id}`;
    const tbase = `/api/v1/tenants/${w.customer.id}/subscriptions/${sub.id}`;

    expect((await w.owner.post(`${base}/activate`, {})).body.code).toBe('subscription_transition_invalid');
    const wrongTerms = await w.customerAdmin.post(`${tbase}/sign`, { accept: true, terms_sha256: 'a'.repeat(64) });
    expect([wrongTerms.status, wrongTerms.body.code]).toEqual([409, 'terms_mismatch']);
    const second = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
    expect([second.status, second.body.code]).toEqual([409, 'subscription_exists']);

    const signed = await w.customerAdmin.post(`${tbase}/sign`, { accept: true, terms_sha256: sub.terms_sha256 });
    expect(signed.body).toMatchObject({ status: 'signed', signed_by: w.customer.admin.id, signed_at: clock.now().toISOString() });
    expect((await w.customerAdmin.post(`${tbase}/sign`, { accept: true, terms_sha256: sub.terms_sha256 })).body.code).toBe('subscription_transition_invalid');
    expect((await w.owner.post(`${base}/resume`, {})).body.code).toBe('subscription_transition_invalid');
    expect((await w.owner.post(`${base}/activate`, {})).body.status).toBe('active');
    const noReason = await w.owner.post(`${base}/suspend`, {});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'validation_failed']);
    expect((await w.owner.post(`${base}/suspend`, { reason: 'Abuse report' })).body).toMatchObject({ status: 'suspended', suspension_kind: 'policy', suspension_reason: 'Abuse report' });
    expect((await w.owner.post(`${base}/suspend`, { reason: 'again' })).body.code).toBe('subscription_transition_invalid');
    expect((await w.owner.post(`${base}/resume`, {})).body.status).toBe('active');
    expect((await w.customerAdmin.post(`${tbase}/cancel`, {})).body.status).toBe('cancelled');
    expect((await w.owner.post(`${base}/resume`, {})).body.code).toBe('subscription_transition_invalid');

    const actions = (await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', sub.id).orderBy('seq').execute()).map((a) => a.action);
    expect(actions).toEqual(['subscription.created', 'subscription.signed', 'subscription.active', 'subscription.suspended', 'subscription.resumed', 'subscription.cancelled']);
    const signedEvent = await t.services.db.kysely.selectFrom('audit_events').select(['actor_user_id', 'details']).where('target_id', '=', sub.id).where('action', '=', 'subscription.signed').executeTakeFirstOrThrow();
    expect(signedEvent.actor_user_id).toBe(w.customer.admin.id);
    expect(JSON.parse(signedEvent.details).terms_sha256).toBe(sub.terms_sha256);
  });
});

describe('enforcement', () => {
  it("refuses a suspended customer at the gateway on the next request, and admits it again after payment (non-payment on the clock)", async () => {
    const w = await planWorld(t, { grace_days: 10 });
    await verifiedCompany(w);
    const subId = await activeSubscription(w);
    const token = await apiToken(t, w.customer.admin);
    const call = () => gw(t, 'GET', '/resources/v1/context', { token, headers: { 'x-active-tenant-id': w.customer.id } });
    expect((await call()).status).toBe(200);

    const ban = await t.services.db.kysely.selectFrom('billing_accounts').select('id').where('tenant_id', '=', w.customer.id).executeTakeFirstOrThrow();
    const due = new Date(clock.nowMs() - 86_400_000).toISOString();
    await t.services.db.kysely.insertInto('invoices').values({ id: `inv_plans_${subId.slice(-8)}`, tenant_id: w.customer.id, ban_id: ban.id, number: `PL-${subId.slice(-8)}`, period: '2026-02', issued_at: due, due_at: due, currency: 'EUR', subtotal_cents: 5900, tax_cents: 0, total_cents: 5900, balance_cents: 5900, status: 'open', paid_at: null, created_at: due }).execute();
    const sweep = () => t.services.plans.sweepNonPayment(systemContext('test-sweep'));

    clock.advance(8 * 86_400_000); // 9 days past due: within the 10 days of grace
    expect(await sweep()).toEqual({ suspended: 0, resumed: 0 });
    expect((await call()).status).toBe(200);

    clock.advance(2 * 86_400_000); // 11 days past due
    expect((await sweep()).suspended).toBe(1);
    const refused = await call();
    expect([refused.status, refused.body.code]).toEqual([403, 'subscription_suspended']);
    const subs = await (await loginAs(t, w.customer.admin)).get(`/api/v1/tenants/${w.customer.id}/subscriptions`);
    expect(subs.status, JSON.stringify(subs.body)).toBe(200);
    const sub = subs.body.data[0];
    expect(sub).toMatchObject({ status: 'suspended', suspension_kind: 'non_payment' });

    await t.services.db.kysely.updateTable('invoices').set({ status: 'paid', balance_cents: 0, paid_at: clock.now().toISOString() }).where('tenant_id', '=', w.customer.id).execute();
    expect((await sweep()).resumed).toBe(1);
    expect((await call()).status).toBe(200);
  });

  it('a policy suspension by the partner is enforced on the next request and lifted on resume', async () => {
    const w = await planWorld(t);
    await verifiedCompany(w);
    const subId = await activeSubscription(w);
    const token = await apiToken(t, w.customer.admin);
    const call = () => gw(t, 'GET', '/resources/v1/context', { token, headers: { 'x-active-tenant-id': w.customer.id } });
    expect((await call()).status).toBe(200);
    await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/suspend`, { reason: 'Terms violation' });
    expect((await call()).body.code).toBe('subscription_suspended');
    await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/resume`, {});
    expect((await call()).status).toBe(200);
  });
});

describe('isolation', () => {
  it("a partner sees and manages only its own customers, KYC cases and subscriptions (404 otherwise)", async () => {
    const w = await planWorld(t);
    await verifiedCompany(w);
    const subId = await activeSubscription(w);
    const caseId = (await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/kyc-cases`)).body.data[0].id;
    const other = await t.world.partner({ capabilities: ['wholesale'] });
    const otherCustomer = await provisionCustomer(t, other);
    const o = await loginAs(t, other.owner);
    const mine = `/api/v1/partners/${other.id}`;
    expect((await o.get(`${mine}/plan-customers`)).body.data.map((c: { tenant_id: string }) => c.tenant_id)).toEqual([otherCustomer.id]);
    expect((await o.get(`${mine}/subscriptions`)).body.data).toEqual([]);
    expect((await o.get(`${mine}/kyc-cases`)).body.data).toEqual([]);
    for (const [method, url, body] of [
      ['get', `${mine}/kyc-cases/${caseId}`, undefined],
      ['post', `${mine}/kyc-cases/${caseId}/review`, { decision: 'verify' }],
      ['post', `${mine}/subscriptions/${subId}/suspend`, { reason: 'x' }],
      ['put', `${mine}/plan-customers/${w.customer.id}/segment`, { segment: 'advanced' }],
      ['get', `/api/v1/partners/${w.wholesaler.id}/plan-customers`, undefined],
      ['get', `/api/v1/tenants/${w.customer.id}/plan-account`, undefined],
    ] as const) {
      const r = method === 'get' ? await o.get(url) : method === 'put' ? await o.put(url, body) : await o.post(url, body);
      expect(r.status, `${method} ${url}`).toBe(404);
    }
    // the other partner cannot offer a plan the operator did not allow it
    const offer = await o.patch(`${mine}/plans/${w.planId}`, { offered: true });
    expect([offer.status, offer.body.code]).toEqual([409, 'plan_not_allowed']);
    expect((await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/subscriptions`)).body.data[0].status).toBe('active');
  });
});
