/**
 * Browser journey: a partner applies through the public form and follows its application; the
 * operator approves it with capabilities and finds the `partner.approved` event (with its hash) in
 * the audit log; a wrong password is refused with the server's message; a personal API token is
 * shown once and stops working when revoked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, oneTimeSecret, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import type { TestUser } from '../helpers/world.ts';
import { unique } from '../helpers/world.ts';

let portal: Portal;
let operator: TestUser;
let op: Page;
let applicant: Page;

beforeAll(async () => {
  portal = await startPortal();
  operator = await portal.t.world.operator();
  op = await portal.newPage();
  applicant = await portal.newPage();
});
afterAll(() => portal?.close());

describe('operator console', () => {
  it('refuses a wrong password with the reason, and stays on the login page', async () => {
    await op.goto('/login');
    await op.getByLabel('Email').fill(operator.email);
    await op.getByLabel(/^Password/).fill('not the password at all');
    await op.getByRole('button', { name: 'Log in' }).click();
    const alert = op.getByTestId('error-alert');
    await alert.waitFor();
    expect(await alert.innerText()).toContain('Email or password is wrong');
    expect(new URL(op.url()).pathname).toBe('/login');
    await screenshot(op, 'login-wrong-password');
  });

  it('approves a partner application and shows partner.approved in the audit log', { timeout: 90_000 }, async () => {
    const slug = unique('e2e-ptr');
    const name = `Globex ${slug}`;
    const ownerEmail = `${slug}@example.test`;
    const ownerPassword = 'globex owner password 1';

    // A partner applies through the public form.
    await applicant.goto('/apply');
    await applicant.getByLabel(/^Organization name/).fill(name);
    await applicant.getByLabel(/^Contact email/).fill(ownerEmail);
    await applicant.getByLabel(/^Managed services/).check();
    await applicant.getByLabel(/^Your name/).fill('Gina Globex');
    await applicant.getByLabel(/^Your email/).fill(ownerEmail);
    await applicant.getByLabel(/^Password/).fill(ownerPassword);
    await applicant.getByLabel(/^Repeat the password/).fill(ownerPassword);
    await applicant.getByRole('button', { name: 'Send application' }).click();
    await applicant.getByText('Check your e-mail').waitFor();

    // The applicant can log in and follow the application.
    await login(applicant, ownerEmail, ownerPassword);
    await applicant.getByTestId('application-under-review').waitFor();
    expect(await applicant.getByTestId('nav-partner').innerText()).not.toContain('Team');
    await screenshot(applicant, 'partner-application-under-review');

    // The operator finds the application and approves it.
    await login(op, operator.email, operator.password);
    // an operator lands on the platform overview
    expect(new URL(op.url()).pathname).toBe('/operator');
    await op.getByTestId('nav-operator').getByRole('link', { name: /^Partners/ }).click();
    await op.getByRole('button', { name: /1 application to review/ }).click();
    await op.getByRole('link', { name }).click();
    await op.getByRole('button', { name: 'Approve…' }).click();
    const dialog = op.getByRole('dialog');
    // What the partner asked for is pre-selected.
    expect(await dialog.getByLabel(/^Managed services/).isChecked()).toBe(true);
    await dialog.getByLabel(/^Delegated/).check();
    await screenshot(op, 'operator-approve-partner');
    await dialog.getByRole('button', { name: 'Approve partner' }).click();
    await op.locator('[data-status="active"]').first().waitFor();
    await op.getByRole('button', { name: 'Suspend…' }).waitFor();

    // The approval is in the audit log, with who did it and the event's hash.
    await op.getByRole('link', { name: 'Audit log' }).click();
    const action = op.getByRole('combobox', { name: 'Action' });
    await action.fill('partner.approved');
    await action.press('Escape');
    await op.getByRole('button', { name: 'Apply filters' }).click();
    const row = op.locator('[data-testid="audit-table"] tbody tr[data-action="partner.approved"]');
    // the filtered answer replaces the list on screen: wait until every row shown is the one event
    await expect.poll(() => op.locator('[data-testid="audit-table"] tbody tr[data-action]:not([data-action="partner.approved"])').count(), { timeout: 15_000 }).toBe(0);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    // The actor and the target are named (resolved after the events load).
    await row.getByText(operator.email).waitFor();
    await row.getByText(name).first().waitFor();
    await screenshot(op, 'operator-audit-partner-approved');
    await row.click();
    const detail = op.getByTestId('audit-event-detail');
    await detail.waitFor();
    expect(await op.getByTestId('audit-hash').innerText()).toMatch(/^[0-9a-f]{64}$/);
    expect(await detail.innerText()).toContain('managed_services');
    await screenshot(op, 'operator-audit-event-detail');

    // The approved partner's owner now sees an active partner and its team page.
    await applicant.reload();
    await applicant.getByTestId('nav-partner').getByText('Team').waitFor();
    expect(await applicant.getByTestId('application-under-review').count()).toBe(0);
  });

  it('shows a new personal API token once; it works as a bearer token until revoked', { timeout: 60_000 }, async () => {
    await op.goto('/');
    await op.getByTestId('user-menu').click();
    await op.getByRole('menuitem', { name: 'Your account' }).click();
    await op.getByRole('button', { name: 'New token' }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel(/^Name/).fill('nightly export');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    const token = await oneTimeSecret(op);
    expect(token).toMatch(/^pgpat_/);
    await screenshot(op, 'account-api-token-once');
    await op.getByRole('button', { name: 'I have copied it' }).click();

    const me = () => fetch(`${portal.url}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    const ok = await me();
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { user: { email: string } }).user.email).toBe(operator.email);

    // The list shows the prefix, never the secret; revoking stops the token at once.
    const tokens = op.getByTestId('api-tokens');
    await tokens.getByText('nightly export').waitFor();
    expect(await tokens.innerText()).not.toContain(token);
    await tokens.getByRole('button', { name: 'Revoke' }).click();
    await op.getByRole('dialog').getByRole('button', { name: 'Revoke token' }).click();
    await tokens.getByText('revoked').waitFor();
    expect((await me()).status).toBe(401);
  });
});
