/**
 * Browser journeys of the OAuth issue's portal pages: a partner owner registers an OAuth app and
 * rotates its secret (shown once; the old one stops working at once); a tenant admin sees a
 * connected partner app under "Connected partners" and disconnects it; a wholesaler provisions a
 * resold customer. (The consent screen itself is driven in test/api/oauth/flow.test.ts, the
 * sample partner app in test/api/oauth/demo.test.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { systemContext } from '../../src/platform/http/request-context.ts';

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(() => portal?.close());

/** What the token endpoint family says of a client's credentials: 200, or 401 invalid_client. */
async function introspectAs(clientId: string, secret: string): Promise<{ status: number; error?: string }> {
  const r = await fetch(`${portal.url}/oauth/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${encodeURIComponent(clientId)}:${encodeURIComponent(secret)}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'token=not-a-real-token',
  });
  const body = (await r.json()) as { error?: string };
  return { status: r.status, error: body.error };
}

describe('partner OAuth apps', () => {
  it('the owner registers an app, sees the secret once, and rotating it kills the old one at once', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
    const page = await portal.newPage();
    await login(page, partner.owner.email, partner.owner.password);
    await page.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).click();
    await page.getByRole('button', { name: 'Register an app' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('Northwind Billing Sync');
    await dialog.getByLabel(/^Redirect URIs/).fill('https://billing-sync.example/callback');
    await dialog.getByLabel(/^Scopes the app may ask for/).click();
    await page.getByRole('option', { name: /^orders\.read —/ }).click();
    await page.getByRole('option', { name: /^billing\.invoices\.read —/ }).click();
    await dialog.getByLabel(/^Name/).click(); // close the dropdown
    await dialog.getByRole('button', { name: /^Register/ }).click();
    const secret = await oneTimeSecret(page);
    expect(secret).toMatch(/^pgcs_/);
    await screenshot(page, 'oauth-app-registered-secret-once');

    const apps = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/apps`);
    expect(apps.status).toBe(200);
    const app = apps.body.data.find((a: { name: string }) => a.name === 'Northwind Billing Sync');
    expect(app.redirect_uris).toEqual(['https://billing-sync.example/callback']);
    expect(app.scopes).toEqual(expect.arrayContaining(['orders.read', 'billing.invoices.read']));
    expect(JSON.stringify(apps.body)).not.toContain(secret);
    expect((await introspectAs(app.client_id, secret)).status).toBe(200);

    // close the secret dialog; the list shows the app, never the secret
    await page.getByRole('button', { name: 'I have stored it' }).click();
    const row = page.locator('[data-testid="apps"] tr[data-app="Northwind Billing Sync"]');
    await row.waitFor();
    expect(await page.content()).not.toContain(secret);

    await row.getByRole('button', { name: 'Actions for Northwind Billing Sync' }).click();
    await page.getByRole('menuitem', { name: 'New secret' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Issue a new secret' }).click();
    const rotated = await oneTimeSecret(page);
    expect(rotated).not.toBe(secret);
    expect(await introspectAs(app.client_id, secret)).toEqual({ status: 401, error: 'invalid_client' });
    expect((await introspectAs(app.client_id, rotated)).status).toBe(200);
  });

  it('an MSP owner registers an app for its own staff: authorization code and refresh (client credentials only as a decision point)', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
    const page = await portal.newPage();
    await login(page, partner.owner.email, partner.owner.password);
    await page.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).click();
    await page.getByRole('button', { name: 'Register an app' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('checkbox').first().waitFor(); // count() does not wait for the dialog to render
    // Only the grant types a managed_services partner may use are offered: client credentials as a decision point, not for its own resources.
    expect(await dialog.getByRole('checkbox').count()).toBe(3);
    expect(await dialog.getByRole('checkbox', { name: /^Client credentials \(a decision point/ }).count()).toBe(1);
    expect(await dialog.getByRole('checkbox', { name: /Client credentials \(own resources\)/ }).count()).toBe(0);
    await dialog.getByLabel(/^Name/).fill('Fabrikam Console');
    await dialog.getByLabel(/^Redirect URIs/).fill('http://127.0.0.1:8765/callback');
    await dialog.getByLabel(/^Scopes the app may ask for/).click();
    await page.getByRole('option', { name: /^orders\.read —/ }).click();
    await dialog.getByLabel(/^Name/).click(); // close the dropdown
    await dialog.getByRole('button', { name: /^Register/ }).click();
    expect(await oneTimeSecret(page)).toMatch(/^pgcs_/);
    await screenshot(page, 'oauth-msp-app-registered');
    const apps = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/apps`);
    expect(apps.body.data).toEqual([expect.objectContaining({ name: 'Fabrikam Console', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: ['http://127.0.0.1:8765/callback'] })]);
  });

  it('a referral partner gets no apps page', { timeout: 60_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['referral'] });
    const page = await portal.newPage();
    await login(page, partner.owner.email, partner.owner.password);
    await page.getByTestId('nav-partner').waitFor();
    expect(await page.getByTestId('nav-partner').getByRole('link', { name: 'OAuth apps' }).count()).toBe(0);
  });
});

describe('connected partners (the customer side)', () => {
  it('the tenant admin sees what a connected app may do and disconnects it', { timeout: 120_000 }, async () => {
    const s = portal.t.services;
    const tenant = await portal.t.world.tenant();
    const partner = await portal.t.world.partner({ capabilities: ['delegated'] });
    const ctx = systemContext('e2e');
    const { app } = await s.apps.create({ ...ctx, actor: { ...ctx.actor, partnerId: partner.id } }, partner.id, {
      name: 'Contoso Field Service',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: ['https://field.example/callback'],
      scopes: ['orders.read', 'orders.create'],
    });
    const ban = tenant.bans[0];
    const dlg = await s.delegations.create(ctx, {
      partnerId: partner.id,
      tenantId: tenant.id,
      origin: 'consent',
      role: 'DELEGATE',
      scopes: ['orders.read', 'orders.create'],
      overrides: { grant: ['orders.read', 'orders.create'] },
      banIds: [ban.id],
      billToBanId: ban.id,
      clientId: app.id,
      endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(),
    });

    const page = await portal.newPage();
    await login(page, tenant.admin.email, tenant.admin.password);
    await page.getByTestId('nav-tenant').getByRole('link', { name: 'Connected partners' }).click();
    const row = page.locator(`[data-testid="connected-apps"] tr[data-app="Contoso Field Service"]`);
    await row.waitFor();
    const text = await row.innerText();
    expect(text).toContain(partner.name);
    expect(text).toContain(ban.account_number);
    expect(text).toMatch(/active/i);
    expect(await row.getByTestId('last-used').innerText()).toBe('Never');
    await screenshot(page, 'oauth-connected-partners');

    await row.getByRole('button', { name: 'Disconnect' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
    await row.waitFor({ state: 'detached' });
    const after = await (await tenant.admin.login()).get(`/api/v1/tenants/${tenant.id}/connected-apps?include_ended=true`);
    expect(after.body.data.find((c: { delegation_id: string }) => c.delegation_id === dlg.id).status).toBe('revoked');
  });
});

describe('wholesale: resold customers', () => {
  it('the wholesaler provisions an end customer billed to its own account', { timeout: 120_000 }, async () => {
    const partner = await portal.t.world.partner({ capabilities: ['wholesale'] });
    const page = await portal.newPage();
    await login(page, partner.owner.email, partner.owner.password);
    await page.getByTestId('nav-partner').getByRole('link', { name: 'Resold customers' }).click();
    await page.getByRole('button', { name: 'Provision a customer' }).click();
    const dialog = page.getByRole('dialog');
    const slug = `bluebird-${Date.now().toString(36)}`;
    await dialog.getByLabel(/^Customer name/).fill('Bluebird Bakery');
    await dialog.getByLabel(/^Slug/).fill(slug);
    await dialog.getByLabel(/^Customer admin email/).fill(`admin@${slug}.example`);
    await dialog.getByRole('button', { name: 'Provision' }).click();
    const row = page.locator(`[data-testid="resold-tenants"] tr[data-tenant="${slug}"]`);
    await row.waitFor();
    expect(await page.getByTestId('resold-invitation').innerText()).toContain('/invite/');
    await screenshot(page, 'oauth-resold-customer');

    const list = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/resold-tenants`);
    const resold = list.body.data.find((r: { tenant: { slug: string } }) => r.tenant.slug === slug);
    expect(resold.delegation_status).toBe('active');
    expect(resold.bill_to_ban).toBeTruthy();
    expect(await row.innerText()).toContain(resold.bill_to_ban);
  });

  for (const size of WIDTHS) {
    it(`at ${size.width}px: resold customers by name, the invitation link copied with one button, its close button named`, { timeout: 120_000 }, async () => {
      const partner = await portal.t.world.partner({ capabilities: ['wholesale'] });
      const page = await signedIn(portal, partner.owner.email, partner.owner.password, size);
      const phone = size.width === 390;
      await clickSidebar(page, phone, 'nav-partner', /^Resold customers/);
      await page.getByRole('button', { name: 'Provision a customer' }).click();
      const dialog = page.getByRole('dialog');
      const slug = `wren-${size.width}-${Date.now().toString(36)}`;
      await dialog.getByLabel(/^Customer name/).fill('Wren Florists');
      await dialog.getByLabel(/^Slug/).fill(slug);
      await dialog.getByLabel(/^Customer admin email/).fill(`admin@${slug}.example`);
      await dialog.getByRole('button', { name: 'Provision' }).click();
      const invitation = page.getByTestId('resold-invitation');
      await invitation.waitFor();
      // the link is copied with the project's copy button, named as its tooltip reads; the close button has a name
      await invitation.getByRole('button', { name: 'Copy invitation link', exact: true }).waitFor();
      await invitation.getByRole('button', { name: 'Hide the invitation link' }).waitFor();
      expect(await page.getByTestId('resold-invitation-url').innerText()).toContain('/invite/');
      // the customer by its name, no tnt_ id (walkPage fails on an id in the main area), axe clean
      const text = await walkPage(page, `resold-customers-${size.width}`);
      expect(text).toContain('Wren Florists');
      await invitation.getByRole('button', { name: 'Hide the invitation link' }).click();
      await invitation.waitFor({ state: 'detached' });
      await page.close();
    });
  }
});
