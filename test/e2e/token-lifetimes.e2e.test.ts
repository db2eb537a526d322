/**
 * Shorter lifetimes for partners' tokens, by clicking, at 1366 and 390 px: the operator opens a
 * partner from the partners list, its Configuration → Sign-in security tab, and limits the partner's
 * apps' access to 5 minutes (only times shorter than the platform's 10 minutes are offered); a
 * customer's admin opens "Partners with access" and limits partners' access to 2 minutes, renewable
 * for 1 day. Each reads back in a sentence, and a token the partner's app then gets for that
 * customer lives 2 minutes, the shortest of the three. Every screen is checked by walkPage (axe-core
 * serious/critical, no id or permission code shown, no sideways scroll).
 * Screenshots: artifacts/screenshots/token-lifetimes-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestTenant, TestUser } from '../helpers/world.ts';
import { codeFlowTokens, decodeJwt, partnerWithApp, type OAuthTestApp, type RegisteredApp } from '../api/oauth/oauth-helpers.ts';

let portal: Portal;
let oauth: OAuthTestApp;
let operator: TestUser;
let app: RegisteredApp;
const tenants: TestTenant[] = [];

beforeAll(async () => {
  // the public address is the one the browser and the OAuth client use (its issuer is checked)
  portal = await startPortal({}, { localhost: true });
  const url = portal.url;
  // the portal's app seen as the OAuth tests see theirs: the same server, its issuer and audience
  oauth = { ...portal.t, url, issuer: `${url}/oauth`, audience: `${url}/resources`, config: portal.t.services.config, restart: async () => undefined };
  operator = await portal.t.world.operator();
  app = await partnerWithApp(oauth, { name: 'Northwind field service' });
  for (const _ of WIDTHS) tenants.push(await portal.t.world.tenant());
}, 180_000);
afterAll(async () => {
  await portal?.close();
});

describe('how long partners’ tokens live', () => {
  WIDTHS.forEach((size, i) => {
    const w = size.width;
    const phone = w === 390;
    it(`at ${w}px: the operator limits a partner, a customer limits all partners, in sentences`, { timeout: 180_000 }, async () => {
      const op = await signedIn(portal, operator.email, operator.password, size);
      await clickSidebar(op, phone, 'nav-operator', /^Partners$/);
      await op.getByRole('link', { name: app.partner.name }).first().click();
      await op.getByRole('tab', { name: 'Configuration' }).click();
      await op.getByRole('tab', { name: 'Sign-in security' }).click();
      const card = op.getByTestId('partner-token-lifetimes');
      await card.getByLabel("A partner app's access lasts at most").click();
      // the platform's default is 10 minutes: only shorter times are offered, the default named
      expect(await op.getByRole('option', { name: '1 hour', exact: true }).count()).toBe(0);
      await op.getByRole('option', { name: '5 minutes', exact: true }).click();
      await card.getByRole('button', { name: 'Save' }).click();
      await card.getByTestId('partner-token-lifetimes-summary').getByText(/expires after 5 minutes/).waitFor();
      await walkPage(op, `token-lifetimes-operator-${w}`);
      await op.close();

      const tenant = tenants[i] as TestTenant;
      const admin = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(admin, phone, 'nav-tenant', /Partners with access/);
      const mine = admin.getByTestId('tenant-token-lifetimes');
      await mine.getByLabel("A partner app's access lasts at most").click();
      await admin.getByRole('option', { name: '2 minutes', exact: true }).click();
      await mine.getByLabel('It can renew it without asking again for at most').click();
      await admin.getByRole('option', { name: '1 day', exact: true }).click();
      await mine.getByRole('button', { name: 'Save' }).click();
      const summary = mine.getByTestId('tenant-token-lifetimes-summary');
      await summary.getByText('Access by partners expires after 2 minutes; a partner app can renew it without the customer for 1 day at most.').waitFor();
      await walkPage(admin, `token-lifetimes-customer-${w}`);
      await admin.close();

      // what the customer chose is what the partner's app gets
      await portal.t.services.feed.drain();
      const tokens = await codeFlowTokens(oauth, app.clientId, app.secret, tenant.admin, 'openid orders.read');
      const p = decodeJwt(tokens.access_token).payload as { exp: number; iat: number };
      expect(p.exp - p.iat).toBe(120);
    });
  });
});
