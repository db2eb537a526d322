/**
 * Browser journey (events out): a partner asks a tenant for access; the tenant admin sees
 * the bell count, opens it and lands on the page where they answer, with a badge on it; they add
 * a webhook endpoint (a real HTTP receiver in this test), copy its secret shown once and send a
 * test message that the receiver verifies with the standardwebhooks library; the delivery log,
 * the notifications page and its settings fit a laptop and a phone; a partner's endpoint that answers 500 shows
 * the failed delivery and its next try; every page checked is walked by axe-core too; an invitation e-mail caught
 * by an SMTP server in this test carries a link that opens the invitation in the browser.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { Webhook } from 'standardwebhooks';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { seriousViolations } from './helpers/axe.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';
import { requestLink } from '../api/delegations/helpers.ts';

let portal: Portal;
let tenant: TestTenant;
let partner: TestPartner;
let admin: Page;
let receiver: Server;
let receiverUrl = '';
const received: { headers: IncomingMessage['headers']; body: string }[] = [];
let smtp: SMTPServer;
const mails: { to: string[]; subject: string; text: string }[] = [];

beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      // the partner's endpoint below is a system that is down: every message is answered 500
      if (req.url?.endsWith('/down')) return void res.writeHead(500).end();
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/partnergate-events`;
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
  portal = await startPortal({
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`,
  });
  tenant = await portal.t.world.tenant();
  partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
  admin = await portal.newPage();
  await admin.setViewportSize({ width: 1366, height: 900 });
});
afterAll(async () => {
  await portal?.close();
  receiver?.closeAllConnections();
  receiver?.close();
  await new Promise<void>((r) => (smtp ? smtp.close(() => r()) : r()));
});

async function atBothWidths(page: Page, name: string, ready: () => Promise<void>) {
  for (const [w, h] of [[1366, 900], [390, 844]] as const) {
    await page.setViewportSize({ width: w, height: h });
    await ready();
    await settled(page);
    await screenshot(page, `notifications-${name}-${w}`);
    await expectNoSidewaysScroll(page, `${name} at ${w} px`);
    expect(await seriousViolations(page), `${name} at ${w} px: serious or critical accessibility problems`).toEqual([]);
  }
  await page.setViewportSize({ width: 1366, height: 900 });
}

describe('notifications and webhooks in the portal', () => {
  it('the tenant admin sees the bell count when a partner asks for access, opens it and lands where they answer', { timeout: 120_000 }, async () => {
    const owner = await partner.owner.login();
    await requestLink(owner, partner.id, { tenant_slug: tenant.slug, justification: 'Managed network operations for your sites' });
    await portal.t.services.notifications.worker.tick();

    await login(admin, tenant.admin.email, tenant.admin.password);
    const bell = admin.getByTestId('bell');
    // one link request waiting, counted once (its unread notice is about the same request)
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 1 new');
    await bell.click();
    const dropdown = admin.getByTestId('bell-dropdown');
    await dropdown.getByText(`1 access request from partners waits for your answer at ${tenant.name}`).waitFor();
    await dropdown.getByText(`${partner.name} asks for access to ${tenant.name}`).waitFor();
    await screenshot(admin, 'notifications-bell-open-1366');
    await dropdown.getByTestId('bell-item').first().click();
    await admin.waitForURL((u) => u.pathname === `/tenant/${tenant.id}/partners`);
    // the notice is read now; the request still waits (still one), with a badge on the page's link
    await expect.poll(() => bell.getAttribute('aria-label')).toBe('Notifications: 1 new');
    expect(await admin.getByTestId('nav-tenant').getByTestId('nav-badge').innerText()).toBe('1');
    await screenshot(admin, 'notifications-partner-access-with-badge-1366');
  });

  it('the admin adds a webhook endpoint, copies the secret shown once, and a test message reaches a real receiver that verifies it', { timeout: 120_000 }, async () => {
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Webhooks' }).click();
    await admin.getByText('No endpoints yet.').waitFor();
    await atBothWidths(admin, 'webhooks-empty', () => admin.getByText('No endpoints yet.').waitFor());
    await admin.getByTestId('add-endpoint').click();
    const dialog = admin.getByRole('dialog', { name: 'Add a webhook endpoint' });
    // the browser asks for less motion (helpers/portal.ts): the dialog is there at once, not sliding in
    expect(await dialog.evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { transitionDuration: string } }).getComputedStyle(el).transitionDuration)).toBe('0s');
    // nothing filled in: sentences, not a request
    await dialog.getByTestId('save-endpoint').click();
    await dialog.getByText('Enter the web address that receives the messages.').waitFor();
    await dialog.getByText('Choose at least one event.').waitFor();
    await dialog.getByTestId('endpoint-url').fill(receiverUrl);
    await dialog.getByTestId('endpoint-name').fill('Ticketing system');
    await dialog.getByLabel('A partner asks for access').check();
    await dialog.getByLabel('Access revoked').check();
    await screenshot(admin, 'notifications-webhook-add-1366');
    await dialog.getByTestId('save-endpoint').click();
    const secret = await oneTimeSecret(admin);
    expect(secret).toMatch(/^whsec_/);
    await screenshot(admin, 'notifications-webhook-secret-1366');
    await admin.getByRole('button', { name: 'Done' }).click();

    const card = admin.locator('[data-endpoint="Ticketing system"]');
    await card.getByText('A partner asks for access').waitFor();
    await card.getByTestId('send-test').click();
    await card.locator('[data-status="succeeded"]').first().waitFor();
    expect(received).toHaveLength(1);
    const msg = new Webhook(secret).verify(received[0].body, received[0].headers as Record<string, string>) as { type: string };
    expect(msg.type).toBe('webhook.test');
    await card.getByText('Delivered · answer 204').first().waitFor();
    await atBothWidths(admin, 'webhooks-delivery-log', () => card.getByText('Delivered · answer 204').first().waitFor());
  });

  it("a partner's endpoint that answers 500: the delivery log says the message failed and when it is tried again, in colours that read", { timeout: 120_000 }, async () => {
    const owner = await partner.owner.login();
    const hook = await owner.post(`/api/v1/partners/${partner.id}/webhooks`, { url: `${receiverUrl}/down`, description: 'Network operations', event_types: ['alert.raised'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    const page = await portal.newPage();
    await page.setViewportSize({ width: 1366, height: 900 });
    await login(page, partner.owner.email, partner.owner.password);
    await page.goto('/partner/webhooks');
    const card = page.locator('[data-endpoint="Network operations"]');
    await card.getByTestId('send-test').click();
    const failed = () => card.getByText(/^Failed · answer 500 · next try/).first().waitFor();
    await failed();
    await atBothWidths(page, 'partner-webhook-failed-delivery', failed);
    await page.close();
  });

  it('the notifications page and its settings fit a laptop and a phone', { timeout: 120_000 }, async () => {
    await admin.goto('/notifications');
    await admin.getByTestId('waiting').waitFor();
    await atBothWidths(admin, 'page', () => admin.getByTestId('waiting').waitFor());
    await admin.getByRole('tab', { name: 'Settings' }).click();
    await admin.getByTestId('preferences').waitFor();
    await atBothWidths(admin, 'settings', () => admin.getByTestId('preferences').waitFor());
  });

  it('an invitation e-mail caught by the SMTP server carries a link that opens the invitation', { timeout: 120_000 }, async () => {
    const email = `invitee-${Date.now()}@example.com`;
    const c = await tenant.admin.login();
    const r = await c.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_USER' });
    expect(r.status).toBe(201);
    await portal.t.services.notifications.worker.tick();
    const m = mails.find((x) => x.to.includes(email));
    expect(m?.subject).toBe(`You are invited to join ${tenant.name} on Partnergate`);
    const link = /Accept the invitation: (\S+)/.exec(m?.text ?? '')?.[1] ?? '';
    const path = new URL(link).pathname;
    expect(path).toMatch(/^\/invite\/pginv_/);
    const invitee = await portal.newPage();
    await invitee.goto(path);
    await invitee.getByText(tenant.name).first().waitFor();
    await screenshot(invitee, 'notifications-invitation-from-email-1366');
  });
});
