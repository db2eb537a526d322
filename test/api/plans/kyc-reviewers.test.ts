/**
 * Who reviews KYC and who suspends a subscription for a policy reason: the partner's owner while
 * its partner is active, and the operator. A suspended or terminated partner's owner may still
 * look at its lists, but no longer reviews a case, reads its identity details or downloads its
 * documents (403 partner_inactive, as for its other acts). The operator's acts are audited like
 * the owner's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { apiToken, gw } from '../gateway/helpers.ts';
import { PDF, activeSubscription, kycBody, planWorld, verifiedCompany, type PlanWorld } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

async function submitted(w: PlanWorld): Promise<{ caseId: string; docId: string }> {
  const k = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody());
  if (k.status !== 201) throw new Error(`kyc: ${k.status} ${JSON.stringify(k.body)}`);
  return { caseId: k.body.case.id, docId: k.body.documents[0].id };
}

const download = (w: PlanWorld, cookie: string | null | undefined, caseId: string, docId: string) =>
  t.app.inject({ method: 'GET', url: `/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/documents/${docId}`, headers: { cookie: cookie ?? '' } });

describe('a partner that is not active', () => {
  for (const status of ['suspend', 'terminate'] as const) {
    it(`after ${status}: its owner no longer reviews KYC or downloads identity documents (403 partner_inactive), nothing changes`, async () => {
      const w = await planWorld(t);
      const { caseId, docId } = await submitted(w);
      const s = await w.operator.post(`/api/v1/partners/${w.wholesaler.id}/${status}`, { reason: 'Policy breach' });
      expect(s.status, JSON.stringify(s.body)).toBe(200);

      // its other writes were already refused this way
      const segment = await w.owner.put<Problem>(`/api/v1/partners/${w.wholesaler.id}/plan-customers/${w.customer.id}/segment`, { segment: 'company' });
      expect([segment.status, segment.body.code]).toEqual([403, 'partner_inactive']);

      const review = await w.owner.post<Problem>(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}/review`, { decision: 'verify' });
      expect([review.status, review.body.code]).toEqual([403, 'partner_inactive']);
      const detail = await w.owner.get<Problem>(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${caseId}`);
      expect([detail.status, detail.body.code]).toEqual([403, 'partner_inactive']);
      const dl = await download(w, w.owner.cookie, caseId, docId);
      expect([dl.statusCode, dl.json().code]).toEqual([403, 'partner_inactive']);

      // reading its lists stays open (as for its other reads)
      const list = await w.owner.get(`/api/v1/partners/${w.wholesaler.id}/kyc-cases`);
      expect(list.status).toBe(200);
      expect(list.body.data[0]).toMatchObject({ id: caseId, status: 'submitted' });
      const row = await t.services.db.kysely.selectFrom('kyc_cases').select(['status', 'reviewed_by']).where('id', '=', caseId).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'submitted', reviewed_by: null });
      const downloads = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', docId).where('action', '=', 'kyc.document_downloaded').execute();
      expect(downloads).toEqual([]);
    });
  }
});

describe('the operator', () => {
  it('lists, reads, downloads, rejects and verifies a KYC case, each audited like the owner', async () => {
    const w = await planWorld(t);
    const { caseId, docId } = await submitted(w);
    const base = `/api/v1/partners/${w.wholesaler.id}/kyc-cases`;

    const list = await w.operator.get(`${base}?status=submitted`);
    expect(list.status, JSON.stringify(list.body)).toBe(200);
    expect(list.body.data.map((c: { id: string }) => c.id)).toEqual([caseId]);
    const detail = await w.operator.get(`${base}/${caseId}`);
    expect(detail.status, JSON.stringify(detail.body)).toBe(200);
    expect(detail.body.details).toMatchObject({ company_name: 'Acme Testing Ltd' });
    const dl = await download(w, w.operator.cookie, caseId, docId);
    expect(dl.statusCode).toBe(200);
    expect(Buffer.compare(dl.rawPayload, PDF)).toBe(0);

    const noReason = await w.operator.post<Problem>(`${base}/${caseId}/review`, { decision: 'reject' });
    expect([noReason.status, noReason.body.code]).toEqual([400, 'kyc_reason_required']);
    const rej = await w.operator.post(`${base}/${caseId}/review`, { decision: 'reject', reason: 'The register extract is older than three months.' });
    expect(rej.status, JSON.stringify(rej.body)).toBe(200);
    expect(rej.body).toMatchObject({ status: 'rejected', reason: 'The register extract is older than three months.' });

    // the customer sends again; the operator approves
    const again = await submitted(w);
    const ok = await w.operator.post(`${base}/${again.caseId}/review`, { decision: 'verify' });
    expect([ok.status, ok.body.status]).toEqual([200, 'verified']);
    const account = await w.customerAdmin.get(`/api/v1/tenants/${w.customer.id}/plan-account`);
    expect(account.body.customer.kyc_status).toBe('verified');

    const op = (await t.services.db.kysely.selectFrom('users').select('id').where('platform_role', '=', 'SUPER_ADMIN').execute()).map((u) => u.id);
    const events = await t.services.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'actor_user_id', 'partner_id', 'tenant_id', 'target_id'])
      .where('tenant_id', '=', w.customer.id)
      .where('action', 'in', ['kyc.document_downloaded', 'kyc.rejected', 'kyc.verified'])
      .execute();
    expect(events.map((e) => [e.action, e.target_id]).sort()).toEqual(
      [
        ['kyc.document_downloaded', docId],
        ['kyc.rejected', caseId],
        ['kyc.verified', again.caseId],
      ].sort(),
    );
    for (const e of events) {
      expect(op).toContain(e.actor_user_id);
      expect(e.partner_id).toBe(w.wholesaler.id);
    }
  });

  it("suspends a customer's subscription for a policy reason and resumes it: enforced at the gateway, audited", async () => {
    const w = await planWorld(t);
    await verifiedCompany(w);
    const subId = await activeSubscription(w);
    const token = await apiToken(t, w.customer.admin);
    const call = () => gw(t, 'GET', '/resources/v1/context', { token, headers: { 'x-active-tenant-id': w.customer.id } });
    expect((await call()).status).toBe(200);

    const subs = await w.operator.get(`/api/v1/partners/${w.wholesaler.id}/subscriptions`);
    expect([subs.status, subs.body.data?.[0]?.id]).toEqual([200, subId]);
    const customers = await w.operator.get(`/api/v1/partners/${w.wholesaler.id}/plan-customers`);
    expect([customers.status, customers.body.data?.[0]?.tenant_id]).toEqual([200, w.customer.id]);

    const noReason = await w.operator.post<Problem>(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/suspend`, {});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'validation_failed']);
    const s = await w.operator.post(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/suspend`, { reason: 'Abuse reported by the network' });
    expect(s.status, JSON.stringify(s.body)).toBe(200);
    expect(s.body).toMatchObject({ status: 'suspended', suspension_kind: 'policy', suspension_reason: 'Abuse reported by the network' });
    expect((await call()).body.code).toBe('subscription_suspended');

    const r = await w.operator.post(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/resume`, { reason: 'Cleared' });
    expect([r.status, r.body.status]).toEqual([200, 'active']);
    expect((await call()).status).toBe(200);

    // activating and cancelling stay the owner's
    const cancel = await w.operator.post<Problem>(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${subId}/cancel`, {});
    expect([cancel.status, cancel.body.code]).toEqual([403, 'not_partner_member']);

    // another partner's id in the URL: the subscription is not found there
    const other = await t.world.partner({ capabilities: ['wholesale'] });
    const wrong = await w.operator.post<Problem>(`/api/v1/partners/${other.id}/subscriptions/${subId}/suspend`, { reason: 'x' });
    expect([wrong.status, wrong.body.code]).toEqual([404, 'subscription_not_found']);

    const events = await t.services.db.kysely.selectFrom('audit_events').select(['action', 'partner_id', 'details']).where('target_id', '=', subId).where('action', 'in', ['subscription.suspended', 'subscription.resumed']).execute();
    expect(events.map((e) => e.action).sort()).toEqual(['subscription.resumed', 'subscription.suspended']);
    expect(events.every((e) => e.partner_id === w.wholesaler.id)).toBe(true);
    expect(events.find((e) => e.action === 'subscription.suspended')!.details).toContain('Abuse reported by the network');
  });
});
