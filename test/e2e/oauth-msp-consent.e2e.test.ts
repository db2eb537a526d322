/**
 * Browser journey of the MSP user's consent page (server-rendered by the authorization server, so
 * no portal build is needed): a staff member of a managed_services partner opens the partner's own
 * app, signs in at Partnergate and sees "<App> by <Partner> wants to act as you, with these
 * permissions: …" — no organisation, billing account or duration to pick — approves, and the app
 * receives a code whose token acts as that user (persona msp). A screenshot of the page is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import * as oidc from 'openid-client';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS, SCREENSHOT_DIR } from './helpers/portal.ts';
import { CALLBACK, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp } from '../api/oauth/oauth-helpers.ts';

let t: OAuthTestApp;
let browser: Browser;

beforeAll(async () => {
  t = await startOAuthApp();
  browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
});
afterAll(async () => {
  await browser?.close().catch(() => undefined);
  await t?.close();
});

describe('MSP user consent page', () => {
  it('a staff member approves the partner’s own app for their own account', { timeout: 90_000 }, async () => {
    const app = await partnerWithApp(t, { capabilities: ['managed_services'], name: 'Fabrikam Console', scopes: ['openid', 'email', 'orders.read', 'orders.create', 'billing.invoices.read'] });
    const config = await oidcClient(t, app.clientId, app.secret);
    const p = await pkce();
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid email orders.read orders.create billing.invoices.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });

    const ctx = await browser.newContext({ viewport: { width: 1100, height: 900 }, locale: 'en-US', reducedMotion: 'reduce' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    await page.route(`${new URL(CALLBACK).origin}/**`, (route) => route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the partner app' }));
    await page.goto(url.href);
    await page.getByLabel('Email').fill(app.partner.staff.email);
    await page.getByLabel('Password').fill(app.partner.staff.password);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.getByTestId('member-consent').waitFor();
    expect(await page.title()).toContain('Authorize Fabrikam Console');
    expect(await page.getByTestId('member-consent').innerText()).toBe(`Fabrikam Console by ${app.partner.name} wants to act as you, with these permissions:`);
    const scopes = await page.getByTestId('scopes').innerText();
    expect(scopes).toContain('Place orders');
    expect(scopes).toContain('Read invoices');
    expect(scopes).toContain('See your email address');
    expect(await page.getByText(`Signed in as ${app.partner.staff.email}`).isVisible()).toBe(true);
    expect(await page.getByText('Verified partner').isVisible()).toBe(true);
    // Nothing to pick: no organisation, billing account or duration.
    expect(await page.locator('input[name="ban_ids"], input[name="tenant_id"], select').count()).toBe(0);
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOT_DIR, 'oauth-msp-member-consent.png'), fullPage: true });

    await page.getByRole('button', { name: 'Approve' }).click();
    await page.waitForURL((u) => u.href.startsWith(CALLBACK));
    const tokens = await oidc.authorizationCodeGrant(config, new URL(page.url()), { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const claims = JSON.parse(Buffer.from(tokens.access_token.split('.')[1], 'base64url').toString());
    expect(claims).toMatchObject({ sub: app.partner.staff.id, partner_id: app.partner.id, persona: 'msp', act: { sub: app.partner.id, client_id: app.clientId } });
    expect(claims).not.toHaveProperty('tenant_id');
    await ctx.close();
  });
});
