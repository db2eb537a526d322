/**
 * Browser journey of time-limited access (issue 17): a tenant admin makes a partner's link
 * "only on request" with approval; a partner person asks for it for two hours with a reason and a
 * code from their authenticator app; the admin sees the waiting badge and approves; the partner
 * sees the time left, and the decision engine admits them for exactly that window. 1366 and 390 px
 * wide with no horizontal overflow; screenshots under artifacts/screenshots/jit-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { activeLink, inDays } from '../api/delegations/helpers.ts';

let portal: Portal;
let tenant: TestTenant;
let partner: TestPartner;
let linkId: string;
let secret: string;
let admin: Page;
let member: Page;

/** a code (the step-up takes the next time step too, so the enrolment's code is not replayed, and no test waits 30 s) */
const code = (aheadMs = 0) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + aheadMs });

async function noOverflow(page: Page) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => {
    const w = globalThis as unknown as { innerWidth: number; document: { documentElement: { scrollWidth: number } } };
    return { scrollWidth: w.document.documentElement.scrollWidth, innerWidth: w.innerWidth };
  });
  expect(scrollWidth).toBeLessThanOrEqual(innerWidth);
}

beforeAll(async () => {
  portal = await startPortal();
  const { t } = portal;
  tenant = await t.world.tenant();
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  linkId = await activeLink(await partner.owner.login(), await tenant.admin.login(), partner.id, tenant, { role: 'MSP_FULL', ends_at: inDays(90) });
  // the partner person signs in, then sets up an authenticator app (through the API: enrolment is another journey)
  member = await portal.newPage();
  await member.setViewportSize({ width: 1366, height: 860 });
  await login(member, partner.staff.email, partner.staff.password);
  const api = await partner.staff.login();
  const start = await api.post<'/api/v1/me/mfa/totp'>('/api/v1/me/mfa/totp');
  secret = start.body.secret;
  expect((await api.post('/api/v1/me/mfa/totp/confirm', { code: code() })).status).toBe(200);

  admin = await portal.newPage();
  await admin.setViewportSize({ width: 1366, height: 860 });
  await login(admin, tenant.admin.email, tenant.admin.password);
}, 120_000);
afterAll(() => portal?.close());

describe('time-limited access', () => {
  it('the tenant admin makes the access on request, with approval', { timeout: 60_000 }, async () => {
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Time-limited access' }).click();
    const row = admin.locator(`[data-testid="link-settings"] [data-partner="${partner.name}"]`).first();
    await row.getByRole('button', { name: 'Change how it works' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByRole('switch', { name: /Only on request/ }).check({ force: true });
    await dialog.getByRole('switch', { name: /I approve each request first/ }).check({ force: true });
    await screenshot(admin, 'jit-tenant-settings-1366');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const s = await portal.t.services.activations.settings(linkId);
    expect(s).toMatchObject({ eligible: true, approval_required: true });
    await portal.t.services.feed.drain();
    expect(portal.t.services.authz.decide({ type: 'user', userId: partner.staff.id }, null, { tenantId: tenant.id })).toMatchObject({ allow: false, code: 'activation_required' });
  });

  it('a partner person asks for two hours with a reason and a code', { timeout: 60_000 }, async () => {
    await member.getByTestId('nav-partner').getByRole('link', { name: 'Time-limited access' }).click();
    const row = member.locator(`[data-testid="eligible-access"] [data-tenant="${tenant.name}"]`).first();
    await row.getByRole('button', { name: 'Turn on' }).click();
    const dialog = member.getByRole('dialog');
    await dialog.getByLabel('For how long').click();
    await member.getByRole('option', { name: '2 hours' }).click();
    await dialog.getByLabel(/Why do you need it/).fill('Ticket 4711: restore a mailbox');
    await dialog.getByLabel('Code from your authenticator app').fill(code(30_000));
    await screenshot(member, 'jit-partner-activate-1366');
    await dialog.getByRole('button', { name: 'Ask for access' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('Waiting for approval').waitFor();
    await noOverflow(member);
  });

  it('the tenant admin sees the badge and approves; the access is on for two hours', { timeout: 60_000 }, async () => {
    await admin.reload();
    await admin.getByTestId('waiting-badge').waitFor();
    await screenshot(admin, 'jit-tenant-waiting-1366');
    await admin.locator('[data-testid="waiting-activations"]').getByRole('button', { name: 'Approve' }).first().click();
    await admin.getByText('Nothing is waiting.').waitFor();
    await noOverflow(admin);
    await portal.t.services.feed.drain();
    const now = Date.now();
    const d = portal.t.services.authz.decide({ type: 'user', userId: partner.staff.id }, null, { tenantId: tenant.id });
    expect(d.allow).toBe(true);
    expect(portal.t.services.authz.decide({ type: 'user', userId: partner.staff.id }, null, { tenantId: tenant.id }, now + 2 * 3_600_000 + 60_000)).toMatchObject({ allow: false, code: 'activation_required' });

    await member.reload();
    await member.getByTestId('time-left').first().waitFor();
    expect(await member.getByTestId('time-left').first().innerText()).toMatch(/^(1 h 5\d|2 h 0) min left$/);
    await screenshot(member, 'jit-partner-active-1366');
    await member.setViewportSize({ width: 390, height: 844 });
    await member.reload();
    await member.getByTestId('time-left').first().waitFor();
    await noOverflow(member);
    await screenshot(member, 'jit-partner-active-390');
    await admin.setViewportSize({ width: 390, height: 844 });
    await admin.reload();
    await admin.getByTestId('activation-history').waitFor();
    await noOverflow(admin);
    await screenshot(admin, 'jit-tenant-history-390');
  });
});
