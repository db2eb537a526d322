/**
 * Browser journey of the partner program: a referral partner's owner creates a code,
 * a customer signs up through its link, the operator drafts an agreement, the owner signs it and the
 * operator approves it; earnings from the customer's paid invoices are approved and paid out by the operator;
 * the owner sees the line items, staff only the summary. Every page is checked at 1366 px and 390 px for
 * sideways overflow, with a screenshot of each in artifacts/screenshots/program-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { unique, type TestPartner, type TestUser } from '../helpers/world.ts';
import { addInvoices } from '../api/program/program-world.ts';

let portal: Portal;
let partner: TestPartner;
let operator: TestUser;
let owner: Page;
let staff: Page;
let op: Page;
let customer: Page;
let signupLink = '';
const customerOrg = `Contoso Dental ${unique('c').slice(-6)}`;
const customerEmail = `${unique('dentist')}@example.test`;
const customerPassword = 'contoso dental password';

beforeAll(async () => {
  portal = await startPortal();
  partner = await portal.t.world.partner({ capabilities: ['referral'] });
  operator = await portal.t.world.operator();
  [owner, staff, op, customer] = [await portal.newPage(), await portal.newPage(), await portal.newPage(), await portal.newPage()];
});
afterAll(() => portal?.close());

/** Screenshots the page at a phone and a laptop width and checks that nothing scrolls sideways. */
async function fits(page: Page, name: string): Promise<void> {
  try {
    for (const [w, h] of [
      [390, 844],
      [1366, 900],
    ] as const) {
      await page.setViewportSize({ width: w, height: h });
      await page.waitForLoadState('networkidle');
      await settled(page);
      await screenshot(page, `program-${name}-${w}`);
      await expectNoSidewaysScroll(page, `${name} at ${w} px`);
    }
  } finally {
    await page.setViewportSize({ width: 1366, height: 900 });
  }
}

async function nav(page: Page, section: 'partner' | 'operator', label: string): Promise<void> {
  await page.getByTestId(`nav-${section}`).getByRole('link', { name: label }).click();
}

/** Picks `option` in the Mantine Select labelled `label`. */
async function choose(page: Page, label: string, option: string): Promise<void> {
  await page.getByRole('combobox', { name: label }).click();
  await page.getByRole('option', { name: option }).click();
}

function firstOfThisMonth(): string {
  return `${new Date().toISOString().slice(0, 7)}-01`;
}

describe('partner program', () => {
  it('the owner creates a referral code and a customer signs up through its link', { timeout: 120_000 }, async () => {
    await login(owner, partner.owner.email, partner.owner.password);
    await nav(owner, 'partner', 'Program');
    await owner.getByRole('heading', { level: 1, name: 'Partner program' }).waitFor();
    await owner.getByTestId('stat-signups').getByText('0').waitFor();
    await fits(owner, 'owner-home-empty');

    await nav(owner, 'partner', 'Referral codes');
    await owner.getByText('No codes yet').waitFor();
    await owner.getByRole('button', { name: 'New code' }).click();
    const dialog = owner.getByRole('dialog');
    await dialog.getByLabel('Label').fill('Dental newsletter');
    await dialog.getByLabel('Note for visitors').fill('Welcome, dental practices: your first month is on us.');
    await dialog.getByRole('button', { name: 'Create code' }).click();
    signupLink = (await owner.getByTestId('new-code-link').innerText()).trim();
    expect(signupLink).toMatch(/\/signup\?ref=[A-Z0-9-]+$/);
    await screenshot(owner, 'program-owner-new-code');
    await dialog.getByRole('button', { name: 'Done' }).click();
    const code = new URL(signupLink).searchParams.get('ref')!;
    const row = owner.locator(`[data-code="${code}"]`).first();
    await row.waitFor();
    expect(await row.innerText()).toContain('Dental newsletter');
    await fits(owner, 'owner-codes');

    // an unknown code is refused before anything is sent
    await customer.goto('/signup?ref=NOPE-0000');
    await customer.getByText('We do not know this referral code').waitFor();
    expect(await customer.getByRole('button', { name: 'Create organization' }).isDisabled()).toBe(true);
    await screenshot(customer, 'program-signup-unknown-code');

    // the link fills the code in and says who referred the visitor
    await customer.goto(new URL(signupLink).pathname + new URL(signupLink).search);
    const referred = customer.getByTestId('referred-by');
    await referred.waitFor();
    expect(await referred.innerText()).toContain(`Referred by ${partner.name}`);
    expect(await referred.innerText()).toContain('your first month is on us');
    expect(await customer.getByLabel('Referral code').inputValue()).toBe(code);
    await customer.getByLabel(/^Organization name/).fill(customerOrg);
    await customer.getByLabel(/^Your name/).fill('Dana Dentist');
    await customer.getByLabel(/^Your email/).fill(customerEmail);
    await customer.getByLabel(/^Password/).fill(customerPassword);
    await customer.getByLabel(/^Repeat the password/).fill(customerPassword);
    await fits(customer, 'signup-referred');
    await customer.getByRole('button', { name: 'Create organization' }).click();
    await customer.getByTestId('signup-done').waitFor();
    await fits(customer, 'signup-done');
    await customer.getByRole('link', { name: 'Go to log in' }).click();
    await login(customer, customerEmail, customerPassword);
    expect(new URL(customer.url()).pathname).toMatch(/^\/tenant\//);

    // the owner sees the new customer, in the limited view
    await nav(owner, 'partner', 'Referred customers');
    const ref = owner.locator(`[data-testid="referrals-table"] [data-name="${customerOrg}"]`);
    await ref.waitFor();
    expect(await ref.innerText()).not.toContain(customerEmail);
    await owner.getByLabel('Search referred customers').fill('no such practice');
    await owner.getByText('No referred customer matches').waitFor();
    await owner.getByLabel('Search referred customers').fill('Contoso');
    await ref.waitFor();
    await fits(owner, 'owner-referrals');
  });

  it('the operator drafts an agreement, the owner signs it and the operator approves it', { timeout: 120_000 }, async () => {
    await login(op, operator.email, operator.password);
    // the operator creates a customer with the partner's code, too: a wrong code is refused next to the field
    const code = new URL(signupLink).searchParams.get('ref')!;
    await nav(op, 'operator', 'Tenants');
    await op.getByRole('button', { name: 'Create tenant' }).click();
    const create = op.getByRole('dialog');
    await create.getByLabel(/^Name/).fill(`Fabrikam Clinic ${unique('f').slice(-6)}`);
    await create.getByLabel('Invite a first admin').uncheck();
    await create.getByLabel('Referral code').fill('NOPE-0000');
    await create.getByRole('button', { name: 'Create tenant' }).click();
    await create.getByText('Unknown or inactive referral code').first().waitFor();
    await create.getByLabel('Referral code').fill(code);
    await create.getByRole('button', { name: 'Create tenant' }).click();
    await create.waitFor({ state: 'detached' });

    await nav(op, 'operator', 'Programs');
    const partnerRow = op.locator(`[data-testid="program-partners"] [data-partner="${partner.name}"]`);
    await partnerRow.waitFor();
    // two sign-ups: the customer's own and the operator's
    expect(await partnerRow.innerText()).toMatch(/\b2\b/);
    await fits(op, 'operator-overview');
    await op.getByRole('tab', { name: 'Agreements' }).click();
    await choose(op, 'Partner', partner.name);
    await op.getByText('has no agreement yet').waitFor();
    await op.getByRole('button', { name: 'Draft a new version' }).click();
    const dialog = op.getByRole('dialog');
    await dialog.getByLabel(/^Title/).fill('Tailspin referral terms 2026');
    await dialog.getByLabel(/^Terms/).fill('# Referral terms\n\nYou introduce customers; we pay you for each one who pays us.\n\n- Commission on paid invoices\n- A bounty for each qualified sign-up');
    await dialog.getByLabel('Commission (%)').fill('10');
    await dialog.getByLabel('Bounty per sign-up').fill('50');
    await dialog.getByLabel('Payout threshold').fill('100');
    await dialog.getByLabel(/^Takes effect on/).fill(firstOfThisMonth());
    await screenshot(op, 'program-operator-draft');
    await dialog.getByRole('button', { name: 'Draft agreement' }).click();
    await op.getByTestId('agreement-v1').getByText('Waiting for signature').waitFor();

    // the owner is told, signs with a typed name and a ticked box
    await nav(owner, 'partner', 'Program');
    await owner.getByTestId('agreement-waiting').waitFor();
    await owner.getByTestId('nav-badge-agreement').waitFor();
    await fits(owner, 'owner-home-agreement-waiting');
    await owner.getByRole('link', { name: 'Read and sign' }).click();
    await owner.getByRole('button', { name: 'Review and sign' }).click();
    const sign = owner.getByRole('dialog');
    await sign.getByText('10% of each referred customer').waitFor();
    await sign.getByRole('button', { name: 'Sign agreement' }).click();
    await sign.getByText('Type your full name to sign.').waitFor();
    await sign.getByLabel(/^Your full name/).fill('Opal Owner');
    await sign.getByLabel(/I have read these terms/).check();
    await screenshot(owner, 'program-owner-sign-dialog');
    await sign.getByRole('button', { name: 'Sign agreement' }).click();
    await owner.getByTestId('agreement-awaiting-approval').waitFor();
    await fits(owner, 'owner-agreement-signed');

    // the operator sees what waits and approves
    await op.reload();
    await op.getByTestId('nav-badge-programs').waitFor();
    await op.getByRole('tab', { name: /Agreements/ }).click();
    await op.getByTestId('approvals-waiting').getByRole('button', { name: partner.name }).click();
    await op.getByRole('button', { name: 'Approve version 1' }).click();
    await op.getByTestId('agreement-v1').getByText('In force').waitFor();
    expect(await op.getByTestId('agreement-v1').innerText()).toContain('Signed by Opal Owner');
    await fits(op, 'operator-agreements');

    await owner.reload();
    await owner.getByText('In force', { exact: true }).first().waitFor();
    expect(await owner.getByTestId('nav-badge-agreement').count()).toBe(0);
    await fits(owner, 'owner-agreement-in-force');
  });

  it('earnings from the customer’s paid invoices are approved and paid out by the operator', { timeout: 120_000 }, async () => {
    // The customer pays two invoices this month (the reference resource service's data).
    const { t } = portal;
    const tenant = await t.services.db.kysely.selectFrom('tenants').select(['id']).where('name', '=', customerOrg).executeTakeFirstOrThrow();
    const period = new Date().toISOString().slice(0, 7);
    const [big] = await addInvoices(t, tenant.id, [
      { period, subtotal: 80_000, paid_at: new Date().toISOString() },
      { period, subtotal: 40_000, paid_at: new Date().toISOString() },
    ]);

    await op.getByRole('tab', { name: /Earnings/ }).click();
    await op.getByRole('button', { name: 'Compute earnings now' }).click();
    const rows = op.locator(`[data-testid="op-earnings"] [data-customer="${customerOrg}"][data-state="pending"]`);
    await rows.first().waitFor();
    // 10% of €1,200.00 in commission, plus the €50.00 bounty
    const text = await op.getByTestId('op-earnings').innerText();
    expect(text).toContain('€50.00');
    await op.getByLabel(/^Select all/).check();
    await fits(op, 'operator-earnings');
    await op.getByRole('button', { name: /^Approve \d/ }).click();
    await op.getByText('No earnings wait for approval.').waitFor();

    await op.getByRole('tab', { name: 'Payouts' }).click();
    await choose(op, 'Partner', partner.name);
    await op.getByTestId('payout-due').getByText('€170.00').waitFor();
    await op.getByLabel(/^Payment reference/).fill('SEPA-E2E-0001');
    await op.getByRole('button', { name: 'Record payout' }).click();
    await op.getByRole('dialog').getByRole('button', { name: 'Record payout' }).click();
    await op.locator('[data-testid="payouts-table"] [data-reference="SEPA-E2E-0001"]').first().waitFor();
    expect(await op.getByTestId('payouts-table').innerText()).toContain('€170.00');
    await fits(op, 'operator-payouts');

    // the owner sees line items, paid, and can download them
    await nav(owner, 'partner', 'Earnings');
    await owner.locator(`[data-testid="earnings-table"] [data-customer="${customerOrg}"][data-state="paid"]`).first().waitFor();
    // the totals may first show what was cached on an earlier visit, then the refetched figures
    await owner.getByTestId('earnings-totals').getByText('€170.00').first().waitFor();
    await fits(owner, 'owner-earnings');
    const href = await owner.getByRole('link', { name: 'Download all (CSV)' }).getAttribute('href');
    const csv = await owner.request.get(href!);
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(customerOrg);

    await nav(owner, 'partner', 'Program');
    await owner.getByTestId('stat-paid').getByText('€170.00').waitFor();
    await fits(owner, 'owner-home');

    // one line for the customer's month, on the sum of its two invoices; the owner drills down to them
    await nav(owner, 'partner', 'Earnings');
    const line = owner.locator(`[data-testid="earnings-table"] [data-customer="${customerOrg}"][data-kind="commission"]`).first();
    expect(await line.innerText()).toContain('Commission on 2 paid invoices');
    expect(await line.innerText()).toContain('€120.00');
    await line.getByRole('button', { name: /^Invoices of/ }).click();
    const invoices = owner.getByTestId('earning-invoices');
    await invoices.getByText('€800.00').waitFor();
    await invoices.getByText('€400.00').waitFor();
    await fits(owner, 'owner-earning-invoices');
    await owner.keyboard.press('Escape');

    // the €800.00 invoice is refunded after the payout: the paid line stays, a clawback is shown plainly
    await t.services.db.kysely.updateTable('invoices').set({ status: 'void' }).where('id', '=', big).execute();
    await op.getByRole('tab', { name: /Earnings/ }).click();
    await op.getByRole('button', { name: 'Compute earnings now' }).click();
    await op.locator(`[data-testid="op-earnings"] [data-customer="${customerOrg}"][data-kind="clawback"]`).first().waitFor();
    await owner.reload();
    const claw = owner.locator(`[data-testid="earnings-table"] [data-customer="${customerOrg}"][data-kind="clawback"]`).first();
    await claw.waitFor();
    expect(await claw.innerText()).toMatch(/Refund of invoice INV-\S+ after payout/);
    expect(await claw.innerText()).toContain('-€80.00');
    await fits(owner, 'owner-earnings-clawback');
    // nothing is due until new earnings exceed the refund
    await op.getByRole('tab', { name: 'Payouts' }).click();
    await op.getByTestId('payout-due').getByText(/no approved, unpaid earnings/).waitFor();
  });

  it('staff see the summary without line items, and only their own codes', { timeout: 120_000 }, async () => {
    await login(staff, partner.staff.email, partner.staff.password);
    await nav(staff, 'partner', 'Earnings');
    await staff.getByTestId('earnings-totals').getByText('€170.00').waitFor();
    await staff.getByTestId('owners-only-line-items').waitFor();
    expect(await staff.getByTestId('earnings-table').count()).toBe(0);
    expect(await staff.getByRole('link', { name: 'Download all (CSV)' }).count()).toBe(0);
    await fits(staff, 'staff-earnings');

    await nav(staff, 'partner', 'Referral codes');
    await staff.getByText('No codes yet').waitFor();
    await staff.getByRole('button', { name: 'New code' }).click();
    await staff.getByRole('dialog').getByRole('button', { name: 'Create code' }).click();
    await staff.getByTestId('new-code-link').waitFor();
    await staff.getByRole('dialog').getByRole('button', { name: 'Done' }).click();
    await staff.locator('[data-testid="codes-table"] [data-code]').first().waitFor();
    expect(await staff.getByRole('button', { name: 'Turn off' }).count()).toBe(0);
    await fits(staff, 'staff-codes');

    await nav(staff, 'partner', 'Agreement');
    await staff.getByText('In force', { exact: true }).first().waitFor();
    expect(await staff.getByTestId('agreement-history').count()).toBe(0);
    expect(await staff.getByRole('button', { name: 'Review and sign' }).count()).toBe(0);
    await fits(staff, 'staff-agreement');
  });

  it('the owner turns the code off: its link no longer signs anyone up', { timeout: 60_000 }, async () => {
    const code = new URL(signupLink).searchParams.get('ref')!;
    await nav(owner, 'partner', 'Referral codes');
    const row = owner.locator(`[data-testid="codes-table"] [data-code="${code}"]`);
    await row.getByRole('button', { name: 'Turn off' }).click();
    await row.getByText('Off', { exact: true }).waitFor();
    expect(await row.getByRole('button', { name: /Copy sign-up link/ }).count()).toBe(0);
    await screenshot(owner, 'program-owner-code-off');
    await customer.goto(new URL(signupLink).pathname + new URL(signupLink).search);
    await customer.getByText('We do not know this referral code').waitFor();
    expect(await customer.getByTestId('referred-by').count()).toBe(0);
  });
});
