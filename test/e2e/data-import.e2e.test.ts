/**
 * CSV import in the portal, at a laptop (1366 px) and a phone (390 px) width, by clicking:
 * the operator opens a source on Data sources → Import a file, picks what the file holds, uploads a
 * CSV, checks it (columns matched by their headers), matches the one column the file names its own
 * way, reads the first rows and each bad row's reason — and, at the check already, the row naming a
 * billing account that does not exist is "Held" with why, not "Ready" — then applies after
 * confirming: the good rows are records, the held one waits, the bad ones listed. No id on screen, no sideways scroll, axe finds nothing serious.
 * Screenshots: artifacts/screenshots/data-import-*.png.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { seriousViolations } from './helpers/axe.ts';
import { login, screenshot, startPortal, type Portal } from './helpers/portal.ts';
import { expectNoSidewaysScroll, settled } from './helpers/layout.ts';
import { unique, type TestTenant } from '../helpers/world.ts';


const WIDTHS = [
  { width: 1366, height: 900 },
  { width: 390, height: 844 },
] as const;
const IDS = /\b(?:ptr|tnt|usr|dsrc|hld|ivc|ban)_[0-9a-z]{10,}\b/;

let portal: Portal;
let tenant: TestTenant;

beforeAll(async () => {
  portal = await startPortal();
  tenant = await portal.t.world.tenant();
}, 180_000);
afterAll(() => portal?.close());

async function check(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle');
  await settled(page);
  expect(await seriousViolations(page), `${name}: serious or critical accessibility problems`).toEqual([]);
  await expectNoSidewaysScroll(page, name);
  await screenshot(page, `data-import-${name}`);
  expect(await page.locator('main').first().innerText(), `${name}: an id on screen`).not.toMatch(IDS);
}

describe('importing a CSV file', () => {
  for (const size of WIDTHS) {
    const w = size.width;
    it(`the operator uploads a file, matches a column, reads the row errors and applies it, at ${w}px`, { timeout: 240_000 }, async () => {
      const { t } = portal;
      const name = `Spreadsheet ${unique('e2e').slice(-6)}`;
      const ctx = t.world.ctx;
      const { source } = await t.services.dataSources.create(ctx, { name, kinds: ['billing_accounts', 'invoices'], scope: { all: true, tenant_ids: [], partner_ids: [] } });
      const ban = unique('BAN').toUpperCase();
      await t.services.dataSources.applySyncLines(source.id, [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: tenant.slug, name: 'Head office', currency: 'EUR' } }]);
      const missing = `4711-${w}-${unique('x').slice(-6)}`;
      const tag = `INV${w}${Date.now().toString(36).toUpperCase()}`;
      const csv = [
        'Invoice ID,BAN,Reference no,Period,Issued at,Due at,Currency,Subtotal (cents),Tax cents,Total cents,Balance cents,Status',
        `${tag}-1,${ban},${tag}-1,2026-10,2026-11-01,2026-11-15,EUR,10000,2000,12000,12000,open`,
        `${tag}-2,${ban},${tag}-2,2026-13,2026-11-01,2026-11-15,EUR,ten,0,100,100,open`,
        `${tag}-3,${ban},${tag}-3,2026-10,2026-11-01,2026-11-15,EUR,5000,1000,6000,0,paid`,
        `${tag}-4,${missing},${tag}-4,2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,open`,
      ].join('\n');

      const op = await t.world.operator();
      const page = await portal.newPage();
      await page.setViewportSize(size);
      await login(page, op.email, op.password);
      await page.goto('/operator/data-sources');
      await page.getByRole('button', { name: `Open ${name}` }).click();
      await page.getByRole('link', { name: 'Import a file' }).click();
      await page.getByRole('heading', { name: `Import into ${name}` }).waitFor();
      await check(page, `start-${w}`);

      await page.getByLabel('What the file holds', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Invoices' }).click();
      await page.locator('input[type="file"]').setInputFiles({ name: 'invoices.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) });
      await page.getByRole('button', { name: 'Check the file' }).click();
      await page.getByText('4 rows in the file').waitFor();
      // the file names the invoice number its own way: the operator matches it
      await page.getByLabel('Number (required)', { exact: true }).first().click();
      await page.getByRole('option', { name: 'Reference no' }).click();
      await page.getByText('4 rows in the file: 2 ready, 1 held, 1 with errors.').waitFor();
      // held at the check, before anything is applied: the row's badge and the reason in words
      const firstRows = page.getByRole('region', { name: 'The first rows of the file' });
      expect(await firstRows.getByRole('row').nth(4).textContent()).toContain('Held');
      await page.getByRole('heading', { name: 'Rows that will be held: 1 row' }).waitFor();
      expect(await page.getByTestId('import-held').innerText()).toContain(`Billing account ${missing} does not exist yet and is not created earlier in this file.`);
      const errors = page.getByTestId('import-errors');
      await expect.poll(() => errors.innerText()).toContain('“2026-13” is not a month written YYYY-MM.');
      expect(await errors.innerText()).toContain('“ten” is not a whole number of cents.');
      // one row wrong in two fields: one row, two problems
      await page.getByRole('heading', { name: 'Rows with errors: 1 row, 2 problems' }).waitFor();
      await check(page, `preview-${w}`);
      expect(await t.services.db.kysely.selectFrom('invoices').select('id').where('number', 'like', `${tag}-%`).execute()).toHaveLength(0);

      await page.getByRole('button', { name: 'Apply 3 rows' }).click();
      const dialog = page.getByRole('dialog', { name: 'Apply this file?' });
      await dialog.getByText('1 with errors will be skipped').waitFor();
      await dialog.getByText('1 row names something that does not exist yet: held until it appears.').waitFor();
      await screenshot(page, `data-import-confirm-${w}`);
      await dialog.getByRole('button', { name: 'Apply' }).click();
      await page.getByTestId('import-applied').waitFor();
      expect(await page.getByTestId('import-applied').innerText()).toContain('2 applied, 0 unchanged, 1 waiting');
      await page.getByRole('heading', { name: 'Rows held: 1 row' }).waitFor();
      await check(page, `applied-${w}`);
      expect(await t.services.db.kysely.selectFrom('invoices').select('id').where('number', 'like', `${tag}-%`).execute()).toHaveLength(2);
      await page.close();
    });
  }

  it('a French reader reads held rows in French, whoever applied them: the source’s held lines and the import’s result', { timeout: 240_000 }, async () => {
    const { t } = portal;
    const name = `Feuille ${unique('e2e').slice(-6)}`;
    const { source } = await t.services.dataSources.create(t.world.ctx, { name, kinds: ['billing_accounts', 'invoices'], scope: { all: true, tenant_ids: [], partner_ids: [] } });
    const head = 'Invoice ID,BAN,Number,Period,Issued at,Due at,Currency,Subtotal (cents),Tax cents,Total cents,Balance cents,Status';
    const row = (id: string, ban: string) => `${id},${ban},${id},2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,open`;
    const missing = `BAN-LATER-${unique('x').slice(-6)}`.toUpperCase();
    // one person applies, in English
    const applier = await (await t.world.operator()).login();
    const applied = await applier.post(`/api/v1/data-sources/${source.id}/import`, { kind: 'invoice', csv: [head, row(unique('INV'), missing)].join('\n'), confirm: true }, { 'accept-language': 'en' });
    expect(applied.body).toMatchObject({ held: 1, held_reasons: [{ row: 2, missing: { kind: 'billing_account', key: missing } }] });

    // another reads the source, in French (the person's language)
    const reader = await t.world.operator();
    await t.services.db.kysely.updateTable('users').set({ locale: 'fr' }).where('id', '=', reader.id).execute();
    const page = await portal.newPage();
    await login(page, reader.email, reader.password);
    await page.goto('/operator/data-sources');
    await page.getByRole('button', { name: `Ouvrir ${name}` }).click();
    const held = page.getByTestId('held-lines');
    await held.getByText(`compte de facturation ${missing}`).waitFor();
    expect(await held.innerText()).not.toContain('billing account');
    await check(page, 'held-lines-fr');

    // and applies a file of their own: the result's held rows in French, not the server's English
    const other = `BAN-LATER-${unique('y').slice(-6)}`.toUpperCase();
    await page.goto(`/operator/data-sources/${source.id}/import`);
    await page.getByRole('heading', { name: `Importer dans ${name}` }).waitFor();
    await page.getByLabel('Ce que contient le fichier', { exact: true }).first().click();
    await page.getByRole('option', { name: 'Factures' }).click();
    await page.locator('input[type="file"]').setInputFiles({ name: 'factures.csv', mimeType: 'text/csv', buffer: Buffer.from([head, row(unique('INV'), other)].join('\n')) });
    await page.getByRole('button', { name: 'Vérifier le fichier' }).click();
    await page.getByRole('button', { name: 'Appliquer 1 ligne' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Appliquer', exact: true }).click();
    await page.getByRole('heading', { name: 'Lignes en attente : 1 ligne' }).waitFor();
    const heldRows = await page.getByTestId('import-held').innerText();
    expect(heldRows).toContain(`Le compte de facturation ${other} n’existe pas encore et n’est pas créé plus haut dans ce fichier.`);
    expect(heldRows).not.toMatch(/known yet|waits until/);
    await check(page, 'applied-fr');
    await page.close();
  });
});
