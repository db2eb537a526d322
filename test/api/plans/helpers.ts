/** A wholesaler with a plan it offers and a customer it resells (HTTP and services only; no mocks). */
import type { TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique, type TestPartner, type TestUser } from '../../helpers/world.ts';
import { loginAs } from '../gateway/helpers.ts';

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');
export const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(32, 1)]);

export function planBody(over: Record<string, unknown> = {}) {
  return {
    name: unique('Business'),
    description: 'Voice and data for small companies',
    features: ['voice', 'data', 'support.business_hours'],
    limits: { users: 25, api_requests_per_day: 10_000 },
    price_minor: 4900,
    currency: 'EUR',
    segments: ['company', 'advanced'],
    grace_days: 14,
    terms: 'You agree to pay the monthly price on each invoice by its due date.',
    ...over,
  };
}

export interface PlanWorld {
  operator: Client;
  wholesaler: TestPartner;
  owner: Client;
  planId: string;
  customer: { id: string; name: string; admin: TestUser };
  customerAdmin: Client;
}

/** Operator makes a plan and allows it; the wholesaler offers it and provisions a customer whose admin signs in. */
export async function planWorld(t: TestApp, plan: Record<string, unknown> = {}): Promise<PlanWorld> {
  const operator = await loginAs(t, await t.world.operator());
  const wholesaler = await t.world.partner({ capabilities: ['wholesale'] });
  const owner = await loginAs(t, wholesaler.owner);
  const p = await operator.post('/api/v1/plans', planBody(plan));
  if (p.status !== 201) throw new Error(`plan: ${p.status} ${JSON.stringify(p.body)}`);
  const a = await operator.put(`/api/v1/partners/${wholesaler.id}/allowed-plans/${p.body.id}`, { min_price_minor: 3000, max_price_minor: 9000 });
  if (a.status !== 200) throw new Error(`allow: ${a.status} ${JSON.stringify(a.body)}`);
  const o = await owner.patch(`/api/v1/partners/${wholesaler.id}/plans/${p.body.id}`, { price_minor: 5900, offered: true });
  if (o.status !== 200) throw new Error(`offer: ${o.status} ${JSON.stringify(o.body)}`);
  const customer = await provisionCustomer(t, wholesaler);
  return { operator, wholesaler, owner, planId: p.body.id, customer, customerAdmin: await loginAs(t, customer.admin) };
}

export async function provisionCustomer(t: TestApp, wholesaler: TestPartner): Promise<{ id: string; name: string; admin: TestUser }> {
  const slug = unique('customer');
  const ctx = { ...t.world.ctx, actor: { ...t.world.ctx.actor, partnerId: wholesaler.id } };
  const { resold } = await t.services.resold.provision(ctx, wholesaler.id, { name: `Customer ${slug}`, slug });
  const admin = await t.world.user({ label: 'cadmin' });
  await t.world.joinTenant(resold.tenant.id, admin.id, 'TENANT_ADMIN');
  return { id: resold.tenant.id, name: resold.tenant.name, admin };
}

export function kycBody(over: Record<string, unknown> = {}) {
  return {
    kind: 'company',
    details: { company_name: 'Acme Testing Ltd', registration_number: 'HRB 12345', country: 'DE' },
    documents: [{ filename: 'register-extract.pdf', content_type: 'application/pdf', content_base64: PDF.toString('base64') }],
    ...over,
  };
}

/** Customer sends KYC, the owner verifies it and sets the company segment. */
export async function verifiedCompany(w: PlanWorld): Promise<void> {
  const k = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/kyc`, kycBody());
  if (k.status !== 201) throw new Error(`kyc: ${k.status} ${JSON.stringify(k.body)}`);
  const r = await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/kyc-cases/${k.body.case.id}/review`, { decision: 'verify' });
  if (r.status !== 200) throw new Error(`review: ${r.status} ${JSON.stringify(r.body)}`);
  const s = await w.owner.put(`/api/v1/partners/${w.wholesaler.id}/plan-customers/${w.customer.id}/segment`, { segment: 'company' });
  if (s.status !== 200) throw new Error(`segment: ${s.status} ${JSON.stringify(s.body)}`);
}

/** Subscribe, sign and activate: an active subscription. */
export async function activeSubscription(w: PlanWorld): Promise<string> {
  const s = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions`, { plan_id: w.planId });
  if (s.status !== 201) throw new Error(`subscribe: ${s.status} ${JSON.stringify(s.body)}`);
  const id = s.body.subscription.id as string;
  const g = await w.customerAdmin.post(`/api/v1/tenants/${w.customer.id}/subscriptions/${id}/sign`, { accept: true, terms_sha256: s.body.subscription.terms_sha256 });
  if (g.status !== 200) throw new Error(`sign: ${g.status} ${JSON.stringify(g.body)}`);
  const a = await w.owner.post(`/api/v1/partners/${w.wholesaler.id}/subscriptions/${id}/activate`, {});
  if (a.status !== 200) throw new Error(`activate: ${a.status} ${JSON.stringify(a.body)}`);
  return id;
}
