/** Shared steps of the access request tests: an operator's template, a partner's request, the tenant's policy. */
import { expect } from 'vitest';
import type { Client } from '../../helpers/http.ts';
import type { TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

export async function platformTemplate(t: TestApp, body: Record<string, unknown> = {}) {
  const op = await (await t.world.operator()).login();
  const r = await op.post<'/api/v1/access-templates'>('/api/v1/access-templates', {
    name: 'Billing and tickets',
    description: 'Read invoices and open support tickets for the customer.',
    role: 'DELEGATE',
    grants: ['billing.invoices.read', 'support.tickets.create'],
    max_days: 90,
    default_days: 30,
    ...body,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

export async function setPolicy(admin: Client, tenantId: string, body: Record<string, unknown>) {
  const r = await admin.put<'/api/v1/tenants/{tenant_id}/approval-policy'>(`/api/v1/tenants/${tenantId}/approval-policy`, { approvals_required: 1, high_risk_roles: [], expiry_days: 7, reminder_days: 1, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

export async function askAccess(owner: Client, partner: TestPartner, tenant: TestTenant, templateId: string, body: Record<string, unknown> = {}) {
  const r = await owner.post<'/api/v1/partners/{partner_id}/access-requests'>(`/api/v1/partners/${partner.id}/access-requests`, {
    template_id: templateId,
    tenant_slug: tenant.slug,
    ban_ids: [tenant.bans[0].account_number],
    duration_days: 30,
    justification: 'We handle their billing disputes',
    ...body,
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}
