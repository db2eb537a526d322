/**
 * The pictures of docs/onboarding-and-consent.md, taken by walking the journeys they show:
 * partner onboarding (public application → under review → the operator approves with capabilities →
 * the owner registers an OAuth app and sees its secret once), customer consent (sign in at
 * Partnergate → the consent page with billing accounts, bill-to and duration → Connected partners),
 * a tenant user who is not an admin, and an MSP link request waiting for the tenant admin.
 *
 * One server on a known port (PUBLIC_URL = its real URL, so the OAuth issuer and redirects are what a
 * browser sees) serves both the portal and the authorization server's pages. The PNGs go to
 * docs/images/ under stable names and are committed: page screenshots at a 1366 × 860 viewport
 * (full page only for the short server-rendered consent pages). Each step also asserts what the
 * picture is meant to show, so a changed page fails here before the guide goes stale.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, ensurePortalBuilt, login, oneTimeSecret } from './helpers/portal.ts';
import { CALLBACK, customer, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from '../api/oauth/oauth-helpers.ts';
import { unique } from '../helpers/world.ts';

const IMAGES = path.resolve(import.meta.dirname, '../../docs/images');

let t: OAuthTestApp;
let browser: Browser;

beforeAll(async () => {
  await ensurePortalBuilt();
  t = await startOAuthApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  mkdirSync(IMAGES, { recursive: true });
}, 300_000);
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
});

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ baseURL: t.url, viewport: { width: 1366, height: 860 }, locale: 'en-US', timezoneId: 'UTC', reducedMotion: 'reduce' });
  ctx.setDefaultTimeout(15_000);
  const page = await ctx.newPage();
  // The partner app's redirect URI: the browser lands there with the code; nothing needs to listen.
  await page.route(`${new URL(CALLBACK).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the partner app' }));
  return page;
}

/** Readable names for the pictures (the world builders make unique, machine-looking ones). */
async function rename(kind: 'tenants' | 'partners', id: string, name: string, as: { login(): Promise<{ patch(url: string, body: unknown): Promise<{ status: number }> }> }): Promise<void> {
  const r = await (await as.login()).patch(`/api/v1/${kind}/${id}`, { name });
  expect(r.status).toBe(200);
}

async function shot(page: Page, name: string, fullPage = false): Promise<void> {
  // Let notifications and transitions settle so the picture shows what a user sees.
  await page.waitForTimeout(250);
  await page.screenshot({ path: path.join(IMAGES, `${name}.png`), fullPage });
}

describe('partner onboarding', () => {
  it('apply → under review → operator approves → owner registers an app', { timeout: 180_000 }, async () => {
    const operator = await t.world.operator();
    const slug = unique('northwind');
    const name = 'Northwind Apps';
    const ownerEmail = `nadia@${slug}.example`;
    const ownerPassword = 'northwind owner password 1';

    const applicant = await newPage();
    await applicant.goto('/apply');
    await applicant.getByLabel(/^Organization name/).fill(name);
    await applicant.getByLabel(/^Contact email/).fill(ownerEmail);
    await applicant.getByLabel(/^Delegated/).check();
    await applicant.getByLabel(/^Your name/).fill('Nadia Northwind');
    await applicant.getByLabel(/^Your email/).fill(ownerEmail);
    await applicant.getByLabel(/^Password/).fill(ownerPassword);
    await applicant.getByLabel(/^Repeat the password/).fill(ownerPassword);
    await shot(applicant, 'onboarding-1-apply');
    await applicant.getByRole('button', { name: 'Send application' }).click();
    await applicant.getByText('Check your e-mail').waitFor();

    await login(applicant, ownerEmail, ownerPassword);
    await applicant.getByTestId('application-under-review').waitFor();
    await shot(applicant, 'onboarding-2-under-review');

    const op = await newPage();
    await login(op, operator.email, operator.password);
    await op.getByTestId('nav-operator').getByRole('link', { name: /^Partners/ }).click();
    await op.getByRole('button', { name: /1 application to review/ }).click();
    await op.getByRole('link', { name }).click();
    await op.getByRole('button', { name: 'Approve…' }).click();
    const dialog = op.getByRole('dialog');
    expect(await dialog.getByLabel(/^Delegated/).isChecked()).toBe(true);
    await shot(op, 'onboarding-3-operator-approves');
    await dialog.getByRole('button', { name: 'Approve partner' }).click();
    await op.locator('[data-status="active"]').first().waitFor();

    await applicant.reload();
    await applicant.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).click();
    await applicant.getByRole('button', { name: 'Register an app' }).click();
    const reg = applicant.getByRole('dialog');
    await reg.getByLabel(/^Name/).fill('Northwind Ordering');
    await reg.getByLabel(/^Redirect URIs/).fill('https://ordering.northwind.example/callback');
    await reg.getByLabel(/^Scopes the app may ask for/).click();
    await applicant.getByRole('option', { name: /^orders\.create —/ }).click();
    await applicant.getByRole('option', { name: /^billing\.invoices\.read —/ }).click();
    await reg.getByLabel(/^Name/).click(); // close the dropdown
    await reg.getByRole('button', { name: /^Register/ }).click();
    expect(await oneTimeSecret(applicant)).toMatch(/^pgcs_/);
    await shot(applicant, 'onboarding-4-app-secret-once');
  });
});

describe('customer consent', () => {
  it('sign in at Partnergate → consent → Connected partners; a non-admin is sent to an administrator', { timeout: 180_000 }, async () => {
    const app = await partnerWithApp(t, { name: 'Northwind Ordering', scopes: ['openid', 'email', 'orders.read', 'orders.create', 'billing.invoices.read'] });
    const tenant = await customer(t);
    await rename('partners', app.partner.id, 'Northwind Apps', app.partner.owner);
    await rename('tenants', tenant.id, 'Acme Fiber', tenant.admin);
    const config = await oidcClient(t, app.clientId, app.secret);
    const authorize = async () => {
      const p = await pkce();
      const url = oidc.buildAuthorizationUrl(config, {
        redirect_uri: CALLBACK,
        scope: 'openid email orders.read orders.create billing.invoices.read',
        code_challenge: p.challenge,
        code_challenge_method: 'S256',
        state: p.state,
      });
      return { p, url };
    };

    const { p, url } = await authorize();
    const page = await newPage();
    await page.goto(url.href);
    await page.getByLabel('Email').waitFor();
    expect(await page.getByRole('heading').first().innerText()).toBe('Sign in to connect Northwind Ordering');
    await page.getByLabel('Email').fill(tenant.admin.email);
    await shot(page, 'consent-1-sign-in', true);
    await page.getByLabel('Password').fill(tenant.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByRole('heading', { name: 'Northwind Ordering' }).waitFor();
    expect(await page.getByTestId('partner-name').innerText()).toBe('Northwind Apps');
    await page.getByRole('checkbox', { name: new RegExp(tenant.bans[1].account_number) }).uncheck();
    await page.getByLabel('Bill what it orders to').selectOption(tenant.bans[0].id);
    await page.getByLabel('For how long').selectOption('30');
    await shot(page, 'consent-2-approve', true);
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ partner_id: app.partner.id, tenant_id: tenant.id, customer_ban: [tenant.bans[0].account_number], bill_to: tenant.bans[0].account_number, persona: 'partner' });

    // The customer's side afterwards: the connection, what it may do, revocable.
    const portal = await newPage();
    await login(portal, tenant.admin.email, tenant.admin.password);
    await portal.getByTestId('nav-tenant').getByRole('link', { name: 'Connected partners' }).click();
    const row = portal.locator('[data-testid="connected-apps"] tr[data-app="Northwind Ordering"]');
    await row.waitFor();
    expect(await row.innerText()).toContain(tenant.bans[0].account_number);
    await shot(portal, 'consent-3-connected-partners');

    // A tenant user who is not an admin cannot connect the app; the page says who can.
    const second = await authorize();
    const userPage = await newPage();
    await userPage.goto(second.url.href);
    await userPage.getByLabel('Email').fill(tenant.user.email);
    await userPage.getByLabel('Password').fill(tenant.user.password);
    await userPage.getByRole('button', { name: 'Sign in' }).click();
    await userPage.getByRole('heading', { name: 'An administrator must approve Northwind Ordering' }).waitFor();
    await shot(userPage, 'consent-4-administrator-needed', true);
  });

  it('an MSP asks for a link; the tenant admin sees the request to approve', { timeout: 120_000 }, async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await rename('tenants', tenant.id, 'Beta Networks', tenant.admin);
    await rename('partners', partner.id, 'Fabrikam MSP', partner.owner);
    const owner = await newPage();
    await login(owner, partner.owner.email, partner.owner.password);
    await owner.getByTestId('nav-partner').getByRole('link', { name: 'Customers I manage' }).click();
    await owner.getByRole('button', { name: 'Request a link' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel(/^Customer short name/).fill(tenant.slug);
    await dialog.getByLabel(/^Justification/).fill('Managed network services contract MSA-2026-014');
    await shot(owner, 'msp-1-request-link');
    await dialog.getByRole('button', { name: 'Send request' }).click();
    await owner.locator(`[data-testid="partner-delegations"] tr[data-tenant="${tenant.slug}"] [data-status="requested"]`).waitFor();

    const admin = await newPage();
    await login(admin, tenant.admin.email, tenant.admin.password);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Partners with access' }).click();
    const card = admin.locator(`[data-testid="pending-requests"] [data-partner="${partner.slug}"]`);
    await card.waitFor();
    expect(await card.innerText()).toContain('MSA-2026-014');
    await shot(admin, 'msp-2-tenant-approves');
  });
});
