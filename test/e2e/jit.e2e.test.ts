/**
 * Browser journey of time-limited access, with a real SMTP server and a
 * real webhook receiver in this test:
 *  1. a partner asks for access: the tenant admin is told by the bell, by e-mail and by a signed
 *     webhook (verified with the standardwebhooks library);
 *  2. the tenant admin grants it and, in the portal, makes billing an *eligible* role on top of the
 *     standing support role (and sees, in words, that the link renews itself);
 *  3. a partner member adds a passkey (Chromium's virtual authenticator), signs in with it, and
 *     turns billing on for two hours: admitted for exactly that window, refused after; the tenant
 *     is told (bell, webhook);
 *  4. the 30-day notice reaches the tenant (bell, e-mail, webhook) and, at its end, the link renews
 *     itself by 180 days (bell, webhook, the page's date);
 * at 1366 and 390 px with no horizontal overflow; screenshots under artifacts/screenshots/jit-*.png.
 * The approval of the link request itself is the partner-access journey's; here it goes through the API.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { login, logout, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll } from './helpers/layout.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import type { Client } from '../helpers/http.ts';
import { inDays, requestLink } from '../api/delegations/helpers.ts';
import { LifecycleSweep } from '../../src/modules/delegations/index.ts';
import { asSystem } from '../../src/platform/db/db-context.ts';
import { systemContext } from '../../src/platform/http/request-context.ts';

const DAY = 86_400_000;
let portal: Portal;
let tenant: TestTenant;
let partner: TestPartner;
let linkId: string;
let adminApi: Client;
let admin: Page;
let member: Page;
let secret = '';
let receiver: Server;
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let smtp: SMTPServer;
const mails: { to: string[]; subject: string; text: string }[] = [];

/** The webhook messages of one type the receiver got, verified with the endpoint's secret. */
const hooks = (type: string) => received.map((r) => new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> }).filter((m) => m.type === type);

/** Run the notification worker until `done` holds (deliveries are jobs; a few ticks at most). */
async function deliver(done: () => boolean) {
  for (let i = 0; i < 40 && !done(); i++) {
    await portal.t.services.notifications.worker.tick();
    await new Promise((r) => setTimeout(r, 100));
  }
  expect(done()).toBe(true);
}

async function bellSays(page: Page, text: string) {
  await page.reload();
  await page.getByTestId('bell').click();
  await page.getByTestId('bell-dropdown').getByText(text).first().waitFor();
  await page.keyboard.press('Escape');
}

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          mails.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '', text: m.text ?? '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  portal = await startPortal({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true', SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}` }, { localhost: true });
  const { t } = portal;
  tenant = await t.world.tenant();
  partner = await t.world.partner({ capabilities: ['managed_services'] });
  adminApi = await tenant.admin.login();
  const ep = await adminApi.post<'/api/v1/tenants/{tenant_id}/webhooks'>(`/api/v1/tenants/${tenant.id}/webhooks`, {
    url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/events`,
    description: 'Ticketing system',
    event_types: ['delegation.requested', 'delegation.activated', 'delegation.expiring', 'delegation.extended'],
  });
  expect(ep.status, JSON.stringify(ep.body)).toBe(201);
  secret = ep.body.secret;
  admin = await portal.newPage();
  await admin.setViewportSize({ width: 1366, height: 860 });
  member = await portal.newPage();
  await member.setViewportSize({ width: 1366, height: 860 });
}, 120_000);
afterAll(async () => {
  await portal?.close();
  receiver?.closeAllConnections();
  receiver?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

describe('time-limited access, the whole journey', () => {
  it('the tenant admin is told by the bell, e-mail and webhook when a partner asks for access', { timeout: 90_000 }, async () => {
    const owner = await partner.owner.login();
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, role: 'MSP_SUPPORT', ends_at: inDays(20), justification: 'Support for your sites' });
    linkId = d.id;
    await deliver(() => hooks('delegation.requested').length === 1 && mails.some((m) => m.to.includes(tenant.admin.email)));
    expect(mails.find((m) => m.to.includes(tenant.admin.email))!.subject).toContain(partner.name);
    await login(admin, tenant.admin.email, tenant.admin.password);
    await bellSays(admin, `${partner.name} asks for access to ${tenant.name}`);
    await screenshot(admin, 'jit-tenant-told-1366');
  });

  it('the tenant admin grants it and makes billing an on-request role on top of support', { timeout: 90_000 }, async () => {
    const ok = await adminApi.post(`/api/v1/tenants/${tenant.id}/delegations/${linkId}/approve`, {});
    expect(ok.status).toBe(200);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Time-limited access' }).click();
    const row = admin.locator(`[data-testid="link-settings"] [data-partner="${partner.name}"]`).first();
    await row.getByText('Renews itself for 180 days at its end').waitFor();
    await row.getByRole('button', { name: 'Change how it works' }).click();
    const dialog = admin.getByRole('dialog');
    // the dialog fills in when the link's settings arrive: wait for them, then open the list
    await expect.poll(() => dialog.getByRole('switch', { name: /Renew automatically/ }).isChecked()).toBe(true);
    // the role list comes with its own answer: on a busy machine the first click may open it empty, so
    // open it again until the role is offered (a click on an open list closes it, the next opens it)
    const billing = admin.getByRole('option', { name: 'MSP — billing' });
    await expect
      .poll(
        async () => {
          if (await billing.isVisible()) return true;
          await dialog.getByTestId('eligible-roles').click({ force: true });
          return billing.isVisible();
        },
        { timeout: 45_000, interval: 1000 },
      )
      .toBe(true);
    await billing.click();
    await dialog.getByText('Longest time it may stay on').waitFor();
    await screenshot(admin, 'jit-tenant-settings-1366');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByText('On request: MSP — billing').waitFor();
    expect(await portal.t.services.activations.settings(linkId)).toMatchObject({ eligible: false, eligible_roles: ['MSP_BILLING'], auto_extend: true });
    await portal.t.services.feed.drain();
    const can = (action: string, at?: number) => portal.t.services.authz.memberAccess(partner.staff.id, partner.id, tenant.id, action, at);
    expect(can('support.tickets.read')).toMatchObject({ allow: true });
    expect(can('billing.invoices.read')).toMatchObject({ allow: false, code: 'activation_required' });
    await expectNoSidewaysScroll(admin, 'the settings page at 1366 px');
  });

  it('a partner member signs in with a passkey and turns billing on for two hours; the tenant is told', { timeout: 120_000 }, async () => {
    const cdp = await member.context().newCDPSession(member);
    await cdp.send('WebAuthn.enable');
    await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    await login(member, partner.staff.email, partner.staff.password);
    await member.goto('/account/security');
    await member.getByRole('button', { name: 'Add a passkey' }).click();
    await member.getByRole('dialog').getByLabel(/^Name/).fill('Work laptop');
    await member.getByRole('dialog').getByRole('button', { name: 'Continue' }).click();
    await member.locator('[data-testid="passkeys-table"] [data-passkey="Work laptop"]').first().waitFor();
    // a fresh sign-in whose second step is the passkey
    await logout(member);
    await member.getByLabel('Email').fill(partner.staff.email);
    await member.getByLabel(/^Password/).fill(partner.staff.password);
    await member.getByRole('button', { name: 'Log in' }).click();
    await member.getByRole('button', { name: 'Use a passkey' }).click();
    await member.getByTestId('user-menu').waitFor();

    await member.getByTestId('nav-partner').getByRole('link', { name: 'Time-limited access' }).click();
    const row = member.locator(`[data-testid="eligible-access"] [data-tenant="${tenant.name}"]`).first();
    await row.getByText('Always on: MSP — support').waitFor();
    await row.getByText('On request: MSP — billing').waitFor();
    await row.getByRole('button', { name: 'Turn on' }).click();
    const dialog = member.getByRole('dialog');
    await dialog.getByLabel('For how long').click();
    await member.getByRole('option', { name: '2 hours' }).click();
    await dialog.getByLabel(/Why do you need it/).fill('Month-end invoice check');
    await screenshot(member, 'jit-partner-activate-1366');
    await dialog.getByRole('button', { name: 'Turn on' }).click();
    await dialog.waitFor({ state: 'hidden' });
    await row.getByTestId('time-left').waitFor();
    expect(await row.getByTestId('time-left').innerText()).toMatch(/^(1 h 5\d|2 h 0) min left$/);
    await screenshot(member, 'jit-partner-active-1366');
    await expectNoSidewaysScroll(member, 'the partner page at 1366 px');

    await portal.t.services.feed.drain();
    const start = Date.now();
    const can = (at: number) => portal.t.services.authz.memberAccess(partner.staff.id, partner.id, tenant.id, 'billing.invoices.read', at);
    expect(can(start)).toMatchObject({ allow: true });
    expect(can(start + 2 * 3_600_000 + 60_000)).toMatchObject({ allow: false, code: 'activation_required' });
    const [a] = await portal.t.services.activations.list({ delegationId: linkId });
    expect(a.mfa_at).not.toBeNull();
    await deliver(() => hooks('delegation.activated').length === 1);
    await bellSays(admin, `${partner.name} activated eligible access to ${tenant.name}`);
  });

  it('the tenant gets the 30-day notice, then sees the link renew itself', { timeout: 120_000 }, async () => {
    const ctx = systemContext('e2e-lifecycle');
    const s = portal.t.services;
    // (the instance's own minute-by-minute sweep may have sent it already: once either way)
    await asSystem(() => s.lifecycle.sendExpiryNotices(ctx));
    expect(await s.db.kysely.selectFrom('delegation_notices').select('threshold_days').where('delegation_id', '=', linkId).execute()).toEqual([{ threshold_days: 30 }]);
    await deliver(() => hooks('delegation.expiring').length === 1 && mails.some((m) => m.subject.includes('ends in 20 days')));
    await bellSays(admin, `Access of ${partner.name} to ${tenant.name} ends in 20 days`);

    // 21 days on, as a second instance would see it: the sweep renews the link by 180 days
    const later: { now(): Date; nowMs(): number } = { now: () => new Date(Date.now() + 21 * DAY), nowMs: () => Date.now() + 21 * DAY };
    const before = (await s.delegations.get(linkId)).ends_at;
    const sweep = new LifecycleSweep({ db: s.db, audit: s.audit, feed: s.feed, clock: later, roles: s.roles, maxDays: 730, events: s.notifications.outbox, mfa: s.identity.mfa });
    expect(await asSystem(() => sweep.autoExtend(ctx))).toBe(1);
    const after = (await s.delegations.get(linkId)).ends_at;
    expect(Date.parse(after) - Date.parse(before)).toBe(180 * DAY);
    await deliver(() => hooks('delegation.extended').length === 1);
    await bellSays(admin, `Access of ${partner.name} to ${tenant.name} was extended`);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Time-limited access' }).click();
    const row = admin.locator(`[data-testid="link-settings"] [data-partner="${partner.name}"]`).first();
    await row.getByText('Renews itself for 180 days at its end').waitFor();
    await screenshot(admin, 'jit-tenant-renewed-1366');

    for (const page of [admin, member]) {
      await page.setViewportSize({ width: 390, height: 844 });
      await page.reload();
      await page.getByTestId(page === admin ? 'link-settings' : 'eligible-access').waitFor();
      await expectNoSidewaysScroll(page, 'the page at 390 px');
    }
    await screenshot(admin, 'jit-tenant-390');
    await screenshot(member, 'jit-partner-390');
  });
});
