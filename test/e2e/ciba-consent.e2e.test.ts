/**
 * Browser journey (CAMARA's consent out of band): a partner app asks a customer for consent by
 * CIBA; the customer's admin, on a 390 px phone, sees the bell, opens the notice and lands on the
 * Consent requests page, which says in words which partner asks, what the app may then do and
 * until when; they approve with an account, and the app's next poll gets its tokens. The page is
 * walked at 1366 and 390 px with axe.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import type { TestPartner, TestTenant } from '../helpers/world.ts';

let portal: Portal;
let tenant: TestTenant;
let partner: TestPartner;
let app: { clientId: string; secret: string };

beforeAll(async () => {
  portal = await startPortal();
  tenant = await portal.t.world.tenant({ bans: 2 });
  partner = await portal.t.world.partner({ capabilities: ['delegated'] });
  const owner = await partner.owner.login();
  const r = await owner.post<any>(`/api/v1/partners/${partner.id}/apps`, {
    name: 'Roaming Insights',
    grant_types: ['authorization_code'],
    redirect_uris: ['http://127.0.0.1:65531/callback'],
    scopes: ['openid', 'orders.read'],
    ciba: { delivery_mode: 'poll' },
  });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  app = { clientId: r.body.app.client_id, secret: r.body.client_secret };
});
afterAll(async () => {
  await portal?.close();
});

const basic = () => `Basic ${Buffer.from(`${app.clientId}:${app.secret}`).toString('base64')}`;
async function oauth(path: string, form: Record<string, string>) {
  const res = await fetch(`${portal.url}/oauth/${path}`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form) });
  return { status: res.status, body: (await res.json()) as Record<string, string> };
}

describe('consent out of band (CIBA) in the portal', () => {
  it('the admin approves from the bell on a phone; the page reads well at 1366 and 390 px', { timeout: 180_000 }, async () => {
    const asked = await oauth('backchannel', { scope: 'openid orders.read', login_hint: tenant.bans[1].account_number, binding_message: 'Order 4711' });
    expect(asked.status, JSON.stringify(asked.body)).toBe(200);
    await portal.t.services.notifications.worker.tick();

    // the page at 1366 px, before anything is decided
    const wide = await signedIn(portal, tenant.admin.email, tenant.admin.password, WIDTHS[0]);
    await wide.goto(`${portal.url}/tenant/${tenant.id}/consent-requests`);
    await wide.getByText(`${partner.name} asks, through its app Roaming Insights`).waitFor();
    const text = await walkPage(wide, 'ciba-consent-requests-1366');
    expect(text).toContain('The app shows this text to its user: Order 4711');
    expect(text).toContain('If you approve, the app may');

    // on a phone, from the bell
    const phone = await signedIn(portal, tenant.admin.email, tenant.admin.password, WIDTHS[1]);
    const bell = phone.getByTestId('bell');
    await bell.click();
    const dropdown = phone.getByTestId('bell-dropdown');
    await dropdown.getByText(`An app of ${partner.name} asks to act for ${tenant.name}`).waitFor();
    await dropdown.getByTestId('bell-item').filter({ hasText: 'asks to act for' }).first().click();
    await phone.waitForURL((u) => u.pathname === `/tenant/${tenant.id}/consent-requests`);
    const card = phone.getByTestId('consent-request');
    await card.waitFor();
    await walkPage(phone, 'ciba-consent-requests-390');
    await card.getByRole('button', { name: 'Approve' }).click();
    await phone.getByText('No request is waiting.').waitFor();
    await walkPage(phone, 'ciba-consent-requests-approved-390');

    const tokens = await oauth('token', { grant_type: 'urn:openid:params:grant-type:ciba', auth_req_id: asked.body.auth_req_id });
    expect(tokens.status, JSON.stringify(tokens.body)).toBe(200);
    const claims = JSON.parse(Buffer.from(tokens.body.access_token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toMatchObject({ tenant_id: tenant.id, partner_id: partner.id });
  });
});
