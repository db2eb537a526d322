/**
 * Browser journey of access templates at 1366 px and 390 px: a partner asks a customer for access
 * with the operator's template (template picker, customer, billing account, days, why); the
 * customer's admin finds it under Access requests with a badge, reads it as one sentence and
 * approves it; the partner's delegation is active on the server. The operator's templates and the
 * tenant's approval policy pages are walked too. Every screen passes walkPage (axe, no sideways
 * scroll, no ids or permission codes on screen).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPortal, type Portal } from './helpers/portal.ts';
import { clickSidebar, signedIn, walkPage, WIDTHS } from './helpers/walk.ts';
import { askAccess, platformTemplate } from '../api/accessrequests/helpers.ts';

let portal: Portal;
beforeAll(async () => {
  portal = await startPortal();
});
afterAll(async () => {
  await portal?.close();
});

describe('access requests with a template', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;

    it(`at ${w}px: a partner requests access with a template and the customer's admin approves it`, { timeout: 300_000 }, async () => {
      const { t } = portal;
      const templateName = `Billing and tickets ${w}`;
      await platformTemplate(t, { name: templateName });
      const tenant = await t.world.tenant();
      const partner = await t.world.partner({ capabilities: ['managed_services'] });

      const operator = await t.world.operator();
      const op = await signedIn(portal, operator.email, operator.password, size);
      await clickSidebar(op, phone, 'nav-operator', /^Access templates/);
      await op.getByTestId('operator-access-templates').getByText(templateName).waitFor();
      expect(await walkPage(op, `access-templates-operator-${w}`)).toContain('Read invoices');

      // the partner asks
      const p = await signedIn(portal, partner.owner.email, partner.owner.password, size);
      await clickSidebar(p, phone, 'nav-partner', /^Access requests/);
      const form = p.getByTestId('request-access-form');
      await form.waitFor();
      await walkPage(p, `access-requests-partner-empty-${w}`);
      await form.getByLabel('Template', { exact: true }).click();
      await p.getByRole('option', { name: templateName }).click();
      await form.getByText('It lets you:').waitFor();
      await form.getByLabel("Customer's short name").fill(tenant.slug);
      const bans = form.getByLabel('Billing accounts (BANs)');
      await bans.fill(tenant.bans[0].account_number);
      await bans.press('Enter');
      await form.getByLabel('For how many days').fill('30');
      await form.getByLabel('Why you need it').fill('We handle their billing disputes');
      await walkPage(p, `access-requests-partner-form-${w}`);
      await form.getByRole('button', { name: 'Send request' }).click();
      const sent = p.getByTestId('partner-access-requests').getByText(`${partner.name} asks to read invoices and open support tickets`);
      await sent.first().waitFor();
      await walkPage(p, `access-requests-partner-sent-${w}`);

      // the customer's admin answers
      const a = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await phoneMenu(a, phone);
      await a.getByTestId('nav-badge-access-requests').waitFor();
      await clickSidebar(a, phone, 'nav-tenant', /^Access requests/);
      const card = a.getByTestId('access-request').first();
      await card.waitFor();
      const sentence = await card.getByTestId('access-request-sentence').innerText();
      expect(sentence).toBe(`${partner.name} asks to read invoices and open support tickets on BAN ${tenant.bans[0].account_number} for 30 days because we handle their billing disputes.`);
      await walkPage(a, `access-requests-tenant-waiting-${w}`);
      await card.getByRole('button', { name: 'Approve' }).click();
      await a.getByText('No request waits for an answer.').waitFor();
      await a.locator('label.mantine-SegmentedControl-label', { hasText: /^All$/ }).click();
      await a.locator('[data-testid="access-request"][data-status="approved"]').first().waitFor();
      await walkPage(a, `access-requests-tenant-approved-${w}`);

      // the delegation is active on the server, with the template's access
      const list = await (await partner.owner.login()).get(`/api/v1/partners/${partner.id}/delegations`);
      expect(list.body.data).toHaveLength(1);
      expect(list.body.data[0]).toMatchObject({ status: 'active', role: 'DELEGATE', ban_ids: [tenant.bans[0].id] });

      // the approval policy
      await clickSidebar(a, phone, 'nav-tenant', /^Settings/);
      await a.getByTestId('approval-policy').waitFor();
      expect(await walkPage(a, `access-requests-tenant-policy-${w}`)).toContain('Approval policy');
    });
  }
});

describe('a request under a template with many permissions', () => {
  for (const size of WIDTHS) {
    const phone = size.width === 390;
    const w = size.width;
    it(`at ${w}px: the approver opens "and N more" and reads every permission as a sentence before approving`, { timeout: 300_000 }, async () => {
      const { t } = portal;
      const grants = ['billing.invoices.read', 'billing.invoices.export', 'billing.accounts.read', 'support.tickets.read', 'support.tickets.create', 'support.tickets.update', 'services.read'];
      const template = await platformTemplate(t, { name: `Everything for support ${w}`, grants });
      const tenant = await t.world.tenant();
      const partner = await t.world.partner({ capabilities: ['managed_services'] });
      const req = (await askAccess(await partner.owner.login(), partner, tenant, template.id)) as { permissions: { sentence: string }[] };
      const more = `and ${req.permissions.length - 5} more`;
      expect(req.permissions.length).toBeGreaterThan(5);

      const a = await signedIn(portal, tenant.admin.email, tenant.admin.password, size);
      await clickSidebar(a, phone, 'nav-tenant', /^Access requests/);
      const card = a.getByTestId('access-request').first();
      await card.waitFor();
      expect(await card.getByTestId('access-request-sentence').innerText()).toContain(more);
      await card.getByRole('button', { name: more, exact: true }).click();
      const items = await card.getByRole('listitem').allInnerTexts();
      expect(items).toHaveLength(req.permissions.length);
      expect(items).toContain('Read invoices');
      expect(await card.getByRole('button', { name: more, exact: true }).count()).toBe(0);
      await walkPage(a, `access-requests-tenant-every-permission-${w}`);
      await card.getByRole('button', { name: 'Approve' }).click();
      await a.getByText('No request waits for an answer.').waitFor();
    });
  }
});

/** On a phone the badge sits in the sidebar, which is closed until the menu opens. */
async function phoneMenu(page: import('playwright-core').Page, phone: boolean): Promise<void> {
  if (!phone) return;
  await page.getByRole('button', { name: 'Toggle navigation' }).click();
}
