/**
 * The OAuth consent screen in the app's partner's brand — its name, logo and colours, "powered by"
 * the provider — while the operator lets the partner's customers see it; the provider's own look
 * once the operator switches it off. The colours reach the page through one <style> its CSP admits
 * by hash; the page still runs no script.
 */
import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { png } from '../../helpers/images.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { CALLBACK, UserAgent, customer, formValue, oidcClient, partnerWithApp, pkce, startOAuthApp, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';

let t: OAuthTestApp;
let app: RegisteredApp;
let tenant: TestTenant;

beforeAll(async () => {
  t = await startOAuthApp();
  app = await partnerWithApp(t, { name: 'Northwind Ordering' });
  tenant = await customer(t);
  const owner = await app.partner.owner.login();
  expect((await owner.patch(`/api/v1/partners/${app.partner.id}/branding`, { display_name: 'Northwind Fibre', primary_color: '#862e9c', accent_color: '#2f9e44' })).status).toBe(200);
  expect((await owner.put(`/api/v1/partners/${app.partner.id}/branding/logo`, { content_base64: png(96, 32, [134, 46, 156]).toString('base64') })).status).toBe(200);
}, 120_000);
afterAll(() => t.close());

/** Sign the customer's admin in and return the consent page (body and its CSP). */
async function consentPage(): Promise<{ body: string; csp: string }> {
  const config = await oidcClient(t, app.clientId, app.secret);
  const p = await pkce();
  const url = oidc.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: 'openid orders.read', code_challenge: p.challenge, code_challenge_method: 'S256', state: p.state });
  const ua = new UserAgent();
  let next: string | null = url.href;
  for (let step = 0; step < 10 && next; step++) {
    const page = await ua.request(next);
    if (page.status === 302 || page.status === 303) {
      next = page.location;
      continue;
    }
    if (page.body.includes('name="password"')) {
      const r = await ua.request(`${next.split('?')[0]}/login`, { form: { csrf: formValue(page.body, 'csrf') ?? '', email: tenant.admin.email, password: tenant.admin.password } });
      next = r.location;
      continue;
    }
    return { body: page.body, csp: page.headers.get('content-security-policy') ?? '' };
  }
  throw new Error('no consent page');
}

describe('the consent screen in the partner’s brand', () => {
  it('shows the partner’s name, logo and colours, powered by the provider', async () => {
    const { body, csp } = await consentPage();
    expect(body).toContain('data-testid="partner-brand"');
    expect(body).toMatch(/<p class="brand">Northwind Fibre<\/p><p class="powered">powered by Partnergate<\/p>/);
    const logo = /<img class="brand-logo" src="(\/brand\/logos\/[0-9a-f]{64}\.png)"/.exec(body);
    expect(logo).not.toBeNull();
    expect((await fetch(`${t.url}${logo![1]}`)).status).toBe(200);
    const style = /<style>([^<]*)<\/style>/.exec(body)![1];
    expect(style).toBe(':root{--brand:#862e9c;--accent:#2f9e44}');
    // the one inline style is admitted by its hash; scripts stay refused
    expect(csp).toContain(`style-src 'self' 'sha256-${createHash('sha256').update(style).digest('base64')}'`);
    expect(csp).toContain("default-src 'none'");
    expect(body).not.toContain('<script');
    expect(body).toContain('<title>Connect Northwind Ordering · Northwind Fibre</title>');
  });

  it('shows the provider’s own look once the operator switches the brand off for the partner’s customers', async () => {
    const operator = await (await t.world.operator()).login();
    expect((await operator.put(`/api/v1/partners/${app.partner.id}/branding/customers`, { allowed: false, reason: 'No co-branding agreement' })).status).toBe(200);
    const { body, csp } = await consentPage();
    expect(body).not.toContain('data-testid="partner-brand"');
    expect(body).not.toContain('<style>');
    expect(body).toContain('<p class="brand">Partnergate</p>');
    expect(csp).toContain("style-src 'self';");
    await operator.put(`/api/v1/partners/${app.partner.id}/branding/customers`, { allowed: true });
  });
});
