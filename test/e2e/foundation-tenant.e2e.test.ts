/**
 * Browser journey: a tenant admin invites a member (one-time link), who is pending until the
 * invitee accepts it and lands in the tenant as a user; the admin opens a billing account; both
 * show in the tenant's audit log; someone who already has an account accepts an invitation to a
 * second tenant while logged in, and switches between the two.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { unique, type TestTenant } from '../helpers/world.ts';

let portal: Portal;
let tenant: TestTenant;
let admin: Page;
let invitee: Page;
const inviteeEmail = `${unique('member')}@example.test`;

beforeAll(async () => {
  portal = await startPortal();
  tenant = await portal.t.world.tenant();
  admin = await portal.newPage();
  invitee = await portal.newPage();
});
afterAll(() => portal?.close());

describe('tenant home', () => {
  it('a tenant admin invites a member, who accepts the one-time link and joins as a user', { timeout: 60_000 }, async () => {
    await login(admin, tenant.admin.email, tenant.admin.password);
    expect(new URL(admin.url()).pathname).toBe(`/tenant/${tenant.id}`);
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Members' }).click();
    await admin.getByRole('button', { name: 'Invite member' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel(/^Email/).fill(inviteeEmail);
    await dialog.getByRole('button', { name: 'Invite' }).click();
    const link = await oneTimeSecret(admin);
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    await screenshot(admin, 'tenant-invitation-link');
    await admin.getByRole('button', { name: 'Done' }).click();
    // Pending until accepted: listed among the invitations, not the members.
    const pending = admin.locator(`[data-testid="tenant-invitations"] tr[data-email="${inviteeEmail}"]`);
    await pending.locator('[data-status="invited"]').waitFor();
    const row = admin.locator(`[data-testid="tenant-members"] tr[data-email="${inviteeEmail}"]`);
    expect(await row.count()).toBe(0);
    await screenshot(admin, 'tenant-invitation-pending');

    // The invitee opens the link (it names the tenant), chooses a password and is logged in.
    await invitee.goto(new URL(link).pathname);
    await invitee.getByText(`Join ${tenant.name}`).waitFor();
    await invitee.getByLabel(/^Your name/).fill('Nina Newcomer');
    await invitee.getByLabel(/^Choose a password/).fill('a fine long password');
    await invitee.getByLabel(/^Repeat the password/).fill('a fine long password');
    await invitee.getByRole('button', { name: 'Accept and log in' }).click();
    await invitee.waitForURL(`**/tenant/${tenant.id}`);
    const nav = invitee.getByTestId('nav-tenant');
    await nav.getByRole('link', { name: 'Billing accounts' }).waitFor();
    // A TENANT_USER does not administer members nor read the audit log.
    expect(await nav.getByRole('link', { name: 'Members' }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);

    // The link worked once.
    const again = await portal.newPage();
    await again.goto(new URL(link).pathname);
    await again.getByText('This invitation link does not work').waitFor();

    await admin.reload();
    await row.waitFor();
    expect(await row.innerText()).toContain('Nina Newcomer');
    expect(await row.locator('[data-status="active"]').count()).toBe(1);
    expect(await pending.count()).toBe(0);
  });

  it('a tenant admin opens a billing account, and the audit log shows both changes', { timeout: 60_000 }, async () => {
    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Billing accounts' }).click();
    await admin.getByRole('button', { name: 'Open billing account' }).click();
    const dialog = admin.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('Field office');
    await dialog.getByLabel(/^Account number/).fill('BAN-E2E-0001');
    await dialog.getByRole('button', { name: 'Open account' }).click();
    const ban = admin.locator('[data-testid="billing-accounts"] tr[data-ban="BAN-E2E-0001"]');
    await ban.waitFor();
    expect(await ban.innerText()).toContain('Field office');
    expect(await admin.locator('[data-testid="billing-accounts"] tbody tr').count()).toBe(tenant.bans.length + 1);
    await screenshot(admin, 'tenant-billing-accounts');

    await admin.getByTestId('nav-tenant').getByRole('link', { name: 'Audit log' }).click();
    await admin.locator('[data-testid="audit-table"] tr[data-action="billing_account.created"]').first().waitFor();
    const opened = admin.locator('[data-testid="audit-table"] tr[data-action="billing_account.created"]', { hasText: 'BAN-E2E-0001' });
    expect(await opened.count()).toBe(1);
    // Actors and targets are named once the member list has loaded.
    const invited = admin.locator('[data-testid="audit-table"] tr[data-action="tenant.member_added"]', { hasText: 'Nina Newcomer' });
    await invited.waitFor();
    expect(await invited.count()).toBe(1);
    // every row names its people and what it is about: no ids (an invitation by the address it went to)
    expect(await admin.getByTestId('audit-table').innerText()).not.toMatch(/\b(?:usr|inv|dlg|ptr|tnt)_[0-9a-z]{4,}/);
    await screenshot(admin, 'tenant-audit-log');
  });

  it('someone with an account accepts an invitation to a second tenant while logged in, then switches between them', { timeout: 60_000 }, async () => {
    // A second tenant invites the first tenant's admin, who already has an account, as a user.
    const other = await portal.t.world.tenant();
    const otherAdmin = await other.admin.login();
    const invited = await otherAdmin.post(`/api/v1/tenants/${other.id}/members`, { email: tenant.admin.email, role: 'TENANT_USER' });
    expect(invited.status).toBe(201);
    // Nothing changes until they say yes.
    await admin.goto('/');
    await admin.getByTestId('nav-tenant').waitFor();
    expect(await admin.getByTestId('tenant-switcher').count()).toBe(0);

    // The link, opened while logged in as the invited email, asks to accept.
    await admin.goto(new URL(invited.body.invitation.url).pathname);
    await admin.getByText(`Join ${other.name}`, { exact: true }).waitFor();
    await screenshot(admin, 'tenant-invitation-accept-logged-in');
    await admin.getByRole('button', { name: 'Accept invitation' }).click();
    await admin.waitForURL(`**/tenant/${other.id}**`);

    await admin.goto('/');
    const switcher = admin.getByTestId('tenant-switcher');
    await switcher.click();
    await admin.getByRole('option', { name: new RegExp(other.name) }).click();
    await admin.waitForURL(`**/tenant/${other.id}**`);
    await admin.getByRole('heading', { level: 1, name: other.name }).waitFor();
    expect(await switcher.inputValue()).toBe(other.name);
    expect(await admin.getByTestId('nav-tenant').innerText()).toContain('TENANT · USER');
    await screenshot(admin, 'tenant-switcher');
  });

  it('someone with an account who opens the link logged out is sent to log in, then accepts', { timeout: 60_000 }, async () => {
    const u = await portal.t.world.user();
    const r = await (await tenant.admin.login()).post(`/api/v1/tenants/${tenant.id}/members`, { email: u.email, role: 'TENANT_USER' });
    const page = await portal.newPage();
    await page.goto(new URL(r.body.invitation.url).pathname);
    // The link does not set a password on an existing account: it asks them to log in.
    await page.getByLabel(/^Your name/).fill('Someone Else');
    await page.getByLabel(/^Choose a password/).fill('a brand new password');
    await page.getByLabel(/^Repeat the password/).fill('a brand new password');
    await page.getByRole('button', { name: 'Accept and log in' }).click();
    const prompt = page.getByTestId('invitation-login-required');
    await prompt.waitFor();
    await screenshot(page, 'tenant-invitation-login-required');
    await prompt.getByRole('button', { name: 'Log in to accept' }).click();
    await page.waitForURL('**/login');
    await page.getByLabel('Email').fill(u.email);
    await page.getByLabel(/^Password/).fill(u.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back on the invitation, now as its addressee.
    await page.waitForURL('**/invite/**');
    await page.getByRole('button', { name: 'Accept invitation' }).click();
    await page.waitForURL(`**/tenant/${tenant.id}**`);
    await page.getByTestId('nav-tenant').waitFor();
    expect(await page.getByTestId('nav-tenant').innerText()).toMatch(/· USER/);
  });
});
