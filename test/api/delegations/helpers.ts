/** Shared steps of the delegation tests: request a link over HTTP, approve it, dates. */
import { expect } from 'vitest';
import type { Client } from '../../helpers/http.ts';

export const DAY = 86_400_000;

export function inDays(n: number, from = Date.now()): string {
  return new Date(from + n * DAY).toISOString();
}

export async function requestLink(owner: Client, partnerId: string, body: Record<string, unknown>) {
  const r = await owner.post<'/api/v1/partners/{partner_id}/delegations'>(`/api/v1/partners/${partnerId}/delegations`, { role: 'MSP_FULL', justification: 'managed services contract', ends_at: inDays(90), ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
}

/** Request a link and have the tenant admin approve it; returns the delegation id. */
export async function activeLink(owner: Client, admin: Client, partnerId: string, tenant: { id: string; slug: string }, body: Record<string, unknown> = {}) {
  const d = await requestLink(owner, partnerId, { tenant_slug: tenant.slug, ...body });
  const a = await admin.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/approve'>(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/approve`, {});
  expect(a.status, JSON.stringify(a.body)).toBe(200);
  expect(a.body.status).toBe('active');
  return d.id;
}

/** The problem body without the per-request id. */
export function problemShape(body: Record<string, unknown>) {
  const { request_id: _r, ...rest } = body;
  return rest;
}
