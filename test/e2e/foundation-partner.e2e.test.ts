/**
 * Browser journey: a partner owner invites a staff member (one-time link), pending until the
 * staff member accepts and joins; as the partner permission matrix says, staff cannot see the member list nor the
 * audit log; the owner sees the invitation and its acceptance in the partner's audit log.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { unique, type TestPartner } from '../helpers/world.ts';

let portal: Portal;
let partner: TestPartner;
let owner: Page;
let staff: Page;
const staffEmail = `${unique('staff')}@example.test`;

beforeAll(async () => {
  portal = await startPortal();
  partner = await portal.t.world.partner({ capabilities: ['managed_services'] });
  owner = await portal.newPage();
  staff = await portal.newPage();
});
afterAll(() => portal?.close());

describe('partner home', () => {
  it('the owner invites a staff member with a one-time link', { timeout: 60_000 }, async () => {
    await login(owner, partner.owner.email, partner.owner.password);
    expect(new URL(owner.url()).pathname).toBe('/partner');
    await owner.getByRole('heading', { level: 1, name: partner.name }).waitFor();
    await owner.getByTestId('nav-partner').getByRole('link', { name: 'Team' }).click();
    const table = owner.getByTestId('partner-members');
    await table.locator(`tr[data-email="${partner.owner.email}"]`).waitFor();
    await owner.getByRole('button', { name: 'Invite member' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel(/^Email/).fill(staffEmail);
    // Staff is the default role for a new member.
    expect(await dialog.getByRole('combobox', { name: 'Role' }).inputValue()).toBe('Staff');
    await dialog.getByRole('button', { name: 'Invite' }).click();
    const link = await oneTimeSecret(owner);
    expect(link).toMatch(/\/invite\/[A-Za-z0-9_-]{20,}$/);
    await screenshot(owner, 'partner-invitation-link');
    await owner.getByRole('button', { name: 'Done' }).click();
    const pending = owner.locator(`[data-testid="partner-invitations"] tr[data-email="${staffEmail}"]`);
    await pending.waitFor();
    expect(await pending.innerText()).toContain('Staff');
    expect(await table.locator(`tr[data-email="${staffEmail}"]`).count()).toBe(0);
    await screenshot(owner, 'partner-team');

    await staff.goto(new URL(link).pathname);
    await staff.getByText(`Join ${partner.name}`).waitFor();
    await staff.getByLabel(/^Your name/).fill('Steve Staff');
    await staff.getByLabel(/^Choose a password/).fill('staff member password');
    await staff.getByLabel(/^Repeat the password/).fill('staff member password');
    await staff.getByRole('button', { name: 'Accept and log in' }).click();
    await staff.waitForURL('**/partner');
    await staff.getByRole('heading', { level: 1, name: partner.name }).waitFor();

    // Now a member, with the role the invitation named.
    await owner.reload();
    const row = table.locator(`tr[data-email="${staffEmail}"]`);
    await row.waitFor();
    expect(await row.getByRole('combobox', { name: `Role of ${staffEmail}` }).inputValue()).toBe('Staff');
    expect(await pending.count()).toBe(0);
  });

  it('a staff member cannot see the member list', async () => {
    const nav = staff.getByTestId('nav-partner');
    expect(await nav.innerText()).toContain('STAFF');
    expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
    await nav.getByRole('link', { name: 'Team' }).click();
    await staff.getByTestId('team-owners-only').waitFor();
    expect(await staff.getByTestId('partner-members').count()).toBe(0);
    expect(await staff.getByText(partner.owner.email).count()).toBe(0);
    await screenshot(staff, 'partner-staff-team-hidden');

    // Opening the audit page directly is refused too.
    await staff.goto('/partner/audit');
    await staff.getByText('This page is not available to you').waitFor();
    expect(await staff.getByTestId('audit-table').count()).toBe(0);
  });

  it('the owner sees the new member in the team and the partner audit log', async () => {
    await owner.getByTestId('nav-partner').getByRole('link', { name: 'Audit log' }).click();
    const added = owner.locator('[data-testid="audit-table"] tr[data-action="partner.user_added"]', { hasText: 'Steve Staff' });
    await added.waitFor();
    const accepted = owner.locator('[data-testid="audit-table"] tr[data-action="invitation.accepted"]', { hasText: staffEmail });
    await accepted.waitFor();
    expect(await accepted.count()).toBe(1);
    // every row names its people and what it is about: no ids (an invitation by the address it went to)
    expect(await owner.getByTestId('audit-table').innerText()).not.toMatch(/\b(?:usr|inv|dlg|ptr|tnt)_[0-9a-z]{4,}/);
    await screenshot(owner, 'partner-audit-log');
  });
});
