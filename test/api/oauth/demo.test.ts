/**
 * The demo world's OAuth side and the sample partner app: `seed demo` registers an app for the
 * delegated partner, the wholesaler and the MSP's own staff (secrets derived from the installation secret, the same
 * on every run, stored only as hashes), and /sample-partner-app/ runs the whole Partner flow in a
 * browser. When the owner rotates the demo app's secret the sample says so (and how to fix it)
 * instead of failing silently, and `partnergate apps reset-demo-secret` puts it back. Both
 * databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_ARGS } from '../../e2e/helpers/portal.ts';
import { seriousViolations } from '../../e2e/helpers/axe.ts';
import * as oidc from 'openid-client';
import { authorizeViaHttp, decodeJwt, oidcClient, pkce, startOAuthApp, tokenRequest, type OAuthTestApp } from './oauth-helpers.ts';
import { seedDemo, type DemoWorld } from '../../../src/demo/demo.seed.ts';
import type { DemoAppInfo } from '../../../src/modules/apps/apps.demo.ts';
import { REDIS_URL } from '../../helpers/app.ts';
import { runCli } from '../../helpers/server-process.ts';

const SCREENSHOTS = path.resolve(import.meta.dirname, '../../../artifacts/screenshots');
let t: OAuthTestApp;
let world: DemoWorld;
let apps: DemoAppInfo[];

beforeAll(async () => {
  t = await startOAuthApp();
  world = await seedDemo(t.services);
  apps = world.apps as DemoAppInfo[];
});
afterAll(async () => {
  await t?.close();
});

describe('seed demo', () => {
  it('registers an app for the delegated partner, the wholesaler and the MSP, printing the same secrets on every run', async () => {
    expect(apps.map((a) => a.partner_slug)).toEqual(['northwind-apps', 'contoso-wholesale', 'fabrikam-msp']);
    const [northwind, contoso, fabrikam] = apps;
    expect(northwind).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [`${t.url}/sample-partner-app/callback`] });
    expect(contoso.grant_types).toEqual(['client_credentials', 'urn:ietf:params:oauth:grant-type:token-exchange']);
    expect(fabrikam).toMatchObject({ grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:8765/callback'] });
    for (const a of apps) {
      expect(a.client_secret).toMatch(/^pgcs_[A-Za-z0-9_-]{43}$/);
      const row = await t.testDb.db.kysely.selectFrom('apps').select('secret_hash').where('id', '=', a.client_id).executeTakeFirstOrThrow();
      expect(row.secret_hash).toBe(t.services.hasher.hash(a.client_secret));
    }
    const again = await seedDemo(t.services);
    expect(again.apps).toEqual(apps);
    expect(await t.testDb.db.kysely.selectFrom('apps').select('id').execute()).toHaveLength(3);
  });

  it("takes openid-client's default client authentication (the secret in the body) and says so", async () => {
    for (const a of apps) {
      expect(a.token_endpoint_auth_methods).toEqual(['client_secret_basic', 'client_secret_post']);
      expect(a.authentication).toBe('Client secret, in the Authorization header or the request body');
    }
    const contoso = apps[1];
    const r = await tokenRequest(t, null, { grant_type: 'client_credentials', scope: 'orders.read', client_id: contoso.client_id, client_secret: contoso.client_secret });
    expect(r.status).toBe(200);
  });

  it("lets the wholesaler's demo app act for the customer it resells", async () => {
    const contoso = apps[1];
    const resold = (world.resold_tenants as { tenant_id: string; bill_to_ban: string }[])[0];
    const auth = { clientId: contoso.client_id, secret: contoso.client_secret };
    const own = await tokenRequest(t, auth, { grant_type: 'client_credentials', scope: 'orders.read orders.create' });
    expect(own.status).toBe(200);
    const exchanged = await tokenRequest(t, auth, {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      subject_token: String(own.body.access_token),
      subject_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      tenant_id: resold.tenant_id,
    });
    expect(exchanged.status).toBe(200);
    expect(decodeJwt(String(exchanged.body.access_token)).payload).toMatchObject({ tenant_id: resold.tenant_id, bill_to: resold.bill_to_ban, persona: 'wholesaler' });
  });
});

describe("the MSP's demo app", () => {
  it('lets a Fabrikam staff member sign in as themselves and pick the customer per request', async () => {
    const fabrikam = apps[2];
    const partner = world.partners.find((p) => p.slug === 'fabrikam-msp')!;
    const [acme, beta] = ['acme-fiber', 'beta-networks'].map((slug) => world.tenants.find((x) => x.slug === slug)!);
    const config = await oidcClient(t, fabrikam.client_id, fabrikam.client_secret);
    const p = await pkce();
    const redirect = fabrikam.redirect_uris[0];
    const url = oidc.buildAuthorizationUrl(config, { redirect_uri: redirect, scope: 'openid orders.read billing.invoices.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
    const cb = await authorizeViaHttp(t, url, partner.staff);
    expect(cb.href.startsWith(redirect)).toBe(true);
    const tokens = await oidc.authorizationCodeGrant(config, cb, { pkceCodeVerifier: p.verifier, expectedState: p.state });
    const { payload } = decodeJwt(tokens.access_token);
    expect(payload).toMatchObject({ partner_id: partner.id, persona: 'msp', act: { sub: partner.id, client_id: fabrikam.client_id } });
    const orders = (tenant: { id: string }) => fetch(`${t.url}/resources/v1/orders`, { headers: { authorization: `Bearer ${tokens.access_token}`, 'x-active-tenant-id': tenant.id } });
    // Acme Fiber approved Fabrikam's link (MSP_FULL); Beta Networks' is still awaiting approval.
    expect((await orders(acme)).status).toBe(200);
    const pending = await orders(beta);
    expect([pending.status, ((await pending.json()) as { code: string }).code]).toEqual([403, 'delegation_pending']);
  });
});

describe('the sample partner app', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, timeout: 30_000 });
  });
  afterAll(async () => {
    await browser?.close().catch(() => undefined);
  });

  it('runs the whole flow in a browser: connect, consent, see both parties in the token, refresh, introspect, disconnect', async () => {
    const acme = world.tenants[0];
    const ctx = await browser.newContext({ viewport: { width: 1100, height: 1000 }, locale: 'en-US' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    await page.goto(`${t.url}/sample-partner-app/`);
    await page.getByTestId('connect').click();
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill(acme.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Northwind Ordering' }).waitFor();
    expect(await page.getByTestId('partner-name').innerText()).toBe('Northwind Apps');
    await page.getByRole('button', { name: 'Approve' }).click();

    await page.getByTestId('claims').waitFor();
    const claim = (k: string) => page.locator(`[data-claim="${k}"]`).innerText();
    expect(await claim('tenant_id')).toBe(acme.id);
    expect(await claim('persona')).toBe('partner');
    expect(await claim('partner_id')).toBe(world.partners.find((p) => p.slug === 'northwind-apps')!.id);
    expect(await claim('bill_to')).toBe(acme.bans[0].account_number);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-sample-partner-app.png'), fullPage: true });

    const dlg = await claim('dlg');
    await page.getByRole('button', { name: 'Refresh the token' }).click();
    await page.getByText(/Refreshed: a new access token/).waitFor();
    expect(await claim('dlg')).toBe(dlg);
    await page.getByRole('button', { name: 'Introspect' }).click();
    await page.getByText('Introspection: active = true.').waitFor();
    // the answer's details scroll in a box of their own: a keyboard reaches it, and axe finds nothing serious on the page
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByTestId('connect').waitFor();
    const d = await t.testDb.db.kysely.selectFrom('delegations').select('status').where('id', '=', dlg).executeTakeFirstOrThrow();
    expect(d.status).toBe('revoked');
    await ctx.close();
  });

  it('ignores a callback it did not start', async () => {
    const res = await fetch(`${t.url}/sample-partner-app/callback?code=abc&state=forged&iss=${encodeURIComponent(t.issuer)}`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('/sample-partner-app/');
  });

  it("says the demo app's secret was rotated and how to fix it, and works again after `apps reset-demo-secret`", async () => {
    const northwind = apps[0];
    const partner = world.partners.find((p) => p.slug === 'northwind-apps')!;
    const acme = world.tenants[0];
    const owner = await t.client().login(partner.owner.email, partner.owner.password);
    const rotated = await owner.post(`/api/v1/partners/${partner.id}/apps/${northwind.client_id}/rotate-secret`, {});
    expect(rotated.status).toBe(200);

    const ctx = await browser.newContext({ viewport: { width: 1100, height: 1000 }, locale: 'en-US' });
    ctx.setDefaultTimeout(15_000);
    const page = await ctx.newPage();
    await page.goto(`${t.url}/sample-partner-app/`);
    // Said up front…
    const warning = page.getByTestId('secret-rotated');
    await warning.waitFor();
    expect(await warning.innerText()).toContain('partnergate apps reset-demo-secret');
    // …and when the token endpoint refuses the client, the note says why instead of a bare 401.
    await page.getByTestId('connect').click();
    await page.getByLabel('Email').fill(acme.admin.email);
    await page.getByLabel('Password').fill(acme.admin.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Approve' }).click();
    const note = page.getByText(/The code exchange failed \(401 invalid_client\)/);
    await note.waitFor();
    expect(await note.innerText()).toMatch(/secret was rotated.*partnergate apps reset-demo-secret/s);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: path.join(SCREENSHOTS, 'oauth-sample-partner-app-secret-rotated.png'), fullPage: true });

    // The fix: the CLI puts the derived secret back (the value `seed demo --json` prints).
    const cli = runCli(['apps', 'reset-demo-secret', '--json'], {
      DATA_DIR: t.testDb.dataDir,
      PUBLIC_URL: t.url,
      DATABASE_URL: t.testDb.databaseUrl,
      ...(process.env.REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: t.config.redisKeyPrefix } : {}),
    });
    expect(cli.err).toBe('');
    expect(cli.code).toBe(0);
    expect(JSON.parse(cli.out)).toEqual([
      { partner_slug: 'northwind-apps', client_id: northwind.client_id, client_secret: northwind.client_secret, reset: true },
      { partner_slug: 'contoso-wholesale', client_id: apps[1].client_id, client_secret: apps[1].client_secret, reset: false },
      { partner_slug: 'fabrikam-msp', client_id: apps[2].client_id, client_secret: apps[2].client_secret, reset: false },
    ]);
    expect((await seedDemo(t.services)).apps).toEqual(apps);
    const audit = await t.testDb.db.kysely.selectFrom('audit_events').select(['action', 'details']).where('target_id', '=', northwind.client_id).where('action', '=', 'app.secret_rotated').orderBy('seq').execute();
    expect(audit).toHaveLength(2);
    expect(JSON.parse(audit[1].details ?? '{}').reason).toMatch(/demo secret restored/);

    await page.goto(`${t.url}/sample-partner-app/`);
    await page.getByTestId('connect').waitFor();
    expect(await page.getByTestId('secret-rotated').count()).toBe(0);
    await page.getByTestId('connect').click();
    await page.getByRole('button', { name: 'Approve' }).click();
    await page.getByTestId('claims').waitFor();
    expect(await page.locator('[data-claim="tenant_id"]').innerText()).toBe(acme.id);
    await ctx.close();
  });
});
