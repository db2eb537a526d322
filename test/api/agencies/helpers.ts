/** Small builders shared by the agency test files. */
import { expect } from 'vitest';
import type { TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { unique } from '../../helpers/world.ts';

export interface TestAgency {
  tenant: TestTenant;
  admin: Client;
  agencyId: string;
  tokenId: string;
  token: string;
  /** a client that sends the agency token */
  embed: Client;
}

export const DEFAULT_FORM = {
  allowed_voucher_types: ['credit_10', 'free_installation'],
  intro_text: 'Welcome vouchers for our travellers.',
  rules_list: ['One voucher per booking.', 'Not exchangeable for cash.'],
};

/** A tenant (or the given one) with an agency and one active form token. */
export async function agencyWithToken(t: TestApp, opts: { tenant?: TestTenant; admin?: Client; form?: typeof DEFAULT_FORM } = {}): Promise<TestAgency> {
  const tenant = opts.tenant ?? (await t.world.tenant());
  const admin = opts.admin ?? (await tenant.admin.login());
  const a = await admin.post<'/api/v1/tenants/{tenant_id}/agencies'>(`/api/v1/tenants/${tenant.id}/agencies`, { name: unique('Agency') });
  expect(a.status).toBe(201);
  const tok = await admin.post<'/api/v1/tenants/{tenant_id}/agencies/{agency_id}/tokens'>(`/api/v1/tenants/${tenant.id}/agencies/${a.body.id}/tokens`, { label: 'Web form', form_config: opts.form ?? DEFAULT_FORM });
  expect(tok.status).toBe(201);
  const embed = t.client();
  embed.bearer = tok.body.token;
  return { tenant, admin, agencyId: a.body.id, tokenId: tok.body.id, token: tok.body.token, embed };
}

/** A problem body without its per-request id, to compare two refusals. */
export function withoutRequestId(body: Record<string, unknown>): Record<string, unknown> {
  const { request_id: _ignored, ...rest } = body;
  return rest;
}

export async function waitFor(check: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not reached in time');
}
