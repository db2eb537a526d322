/**
 * Browser journey of the operator's "Delegations" page: every delegation on the platform, and
 * its filters — status, origin, partner id, tenant id, alone and combined — then a revoke from
 * the filtered list.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { activeLink, inDays, requestLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let op: Page;
let p1: TestPartner;
let p2: TestPartner;
let t1: TestTenant;
let t2: TestTenant;
/** p1 → t1 active link, p1 → t2 requested link, p2 → t1 revoked link, p2 → t2 consent */
const ids = { p1t1: '', p1t2: '', p2t1: '', p2t2consent: '' };

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  p1 = await t.world.partner();
  p2 = await t.world.partner({ capabilities: ['managed_services', 'delegated'] });
  [t1, t2] = [await t.world.tenant(), await t.world.tenant()];
  const a1 = await t1.admin.login();
  const o1 = await p1.owner.login();
  const o2 = await p2.owner.login();
  ids.p1t1 = await activeLink(o1, a1, p1.id, t1);
  ids.p1t2 = (await requestLink(o1, p1.id, { tenant_slug: t2.slug })).id;
  ids.p2t1 = await activeLink(o2, a1, p2.id, t1, { role: 'AUDITOR' });
  expect((await a1.post(`/api/v1/tenants/${t1.id}/delegations/${ids.p2t1}/revoke`, { reason: 'ended' })).status).toBe(200);
  ids.p2t2consent = (await t.services.delegations.create(t.world.ctx, { partnerId: p2.id, tenantId: t2.id, origin: 'consent', role: 'DELEGATE', scopes: ['billing.*'], overrides: { grant: ['billing.invoices.read'] }, endsAt: inDays(30), clientId: 'op-e2e-app' })).id;

  const operator = await t.world.operator();
  op = await portal.newPage();
  await login(op, operator.email, operator.password);
  await op.getByTestId('nav-operator').getByRole('link', { name: 'Delegations' }).click();
  await op.getByTestId('all-delegations').waitFor();
});
afterAll(() => portal?.close());

const rows = () => op.locator('[data-testid="all-delegations"] tbody tr[data-delegation]');

/** Waits until the table shows exactly these delegations. */
async function shows(expected: string[]): Promise<void> {
  const want = [...expected].sort().join(',');
  const deadline = Date.now() + 10_000;
  let got = '';
  while (Date.now() < deadline) {
    got = (await rows().evaluateAll((rs) => rs.map((r) => r.getAttribute('data-delegation')))).sort().join(',');
    if (got === want) return;
    await op.waitForTimeout(50);
  }
  expect(got).toBe(want);
}

async function choose(label: string, option: string | null): Promise<void> {
  const root = op.locator('.mantine-Select-root').filter({ has: op.locator('label', { hasText: new RegExp(`^${label}$`) }) });
  if (option === null) {
    await root.locator('button').click(); // the select's clear button
    return;
  }
  await root.locator('input').click();
  await op.getByRole('option', { name: option, exact: true }).click();
}

describe('operator: all delegations', () => {
  it('lists every delegation and filters by status, origin, partner and tenant', { timeout: 90_000 }, async () => {
    await shows(Object.values(ids));
    await screenshot(op, 'delegations-operator-all');

    await choose('Status', 'active');
    await shows([ids.p1t1, ids.p2t2consent]);
    await choose('Origin', 'consent');
    await shows([ids.p2t2consent]);
    await screenshot(op, 'delegations-operator-active-consent');
    await choose('Origin', null);
    await choose('Status', 'revoked');
    await shows([ids.p2t1]);
    expect(await rows().first().innerText()).toContain('Auditor');
    await choose('Status', null);
    await shows(Object.values(ids));

    await choose('Partner', p1.name);
    await shows([ids.p1t1, ids.p1t2]);
    await choose('Tenant', t2.name);
    await shows([ids.p1t2]);
    expect(await rows().first().locator('[data-status="requested"]').count()).toBe(1);
    await screenshot(op, 'delegations-operator-partner-tenant');
    await choose('Partner', null);
    await shows([ids.p1t2, ids.p2t2consent]);
    await choose('Tenant', null);
    await shows(Object.values(ids));
  });

  it('revokes one delegation from the filtered list', { timeout: 60_000 }, async () => {
    await choose('Tenant', t1.name);
    await choose('Status', 'active');
    await shows([ids.p1t1]);
    await rows().first().getByRole('button', { name: 'Revoke' }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel(/^Reason/).fill('Operator review');
    await dialog.getByRole('button', { name: 'Revoke' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await shows([]);
    await choose('Status', 'revoked');
    await shows([ids.p1t1, ids.p2t1]);
    const staff = await p1.staff.login();
    const r = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': t1.id });
    expect([r.status, r.body.code]).toEqual([403, 'delegation_revoked']);
    // the tenant sees the operator's revocation in its own log
    const events = (await (await t1.admin.login()).get(`/api/v1/tenants/${t1.id}/audit-events?action=delegation.revoked`)).body.data;
    expect(events.find((e: { target: { id: string } }) => e.target.id === ids.p1t1)).toMatchObject({ details: { side: 'operator', reason: 'Operator review' } });
  });
});
