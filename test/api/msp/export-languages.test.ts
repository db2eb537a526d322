/**
 * The invoice export in the reader's language: the CSV's headings and statuses in the requesting
 * person's language (their choice, else their organization's, else the browser's), its cells the same
 * machine-readable days and decimals in every language; a job that runs as a job writes the language
 * it was started in. A failed export keeps a stable code and its figures, and says why in the language
 * of whoever reads it (the job and the download's problem `detail`); a job that failed before codes
 * were kept shows its stored English sentence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { INVOICE_EXPORT_COLUMNS } from '../../../src/modules/resources/invoice-csv.ts';
import { failureRecord } from '../../../src/modules/resources/export-job-words.ts';
import * as jobsRepo from '../../../src/modules/resources/export-jobs.repo.ts';
import { newId } from '../../../src/platform/ids.ts';

let t: TestApp;
let p: TestPartner;
let A: TestTenant;
let staff: Client;

const FR_HEADINGS = ['Client', 'Numéro de facture', 'Compte de facturation', 'Nom du compte de facturation', 'Période', 'Émise le', 'Échéance', 'Statut', 'Devise', 'Sous-total', 'Taxes', 'Total', 'Solde', 'Payée le'];
const DE_HEADINGS = ['Kunde', 'Rechnungsnummer', 'Rechnungskonto', 'Name des Rechnungskontos', 'Zeitraum', 'Ausgestellt am', 'Fällig am', 'Status', 'Währung', 'Zwischensumme', 'Steuer', 'Gesamt', 'Saldo', 'Bezahlt am'];

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  A = await t.world.tenant();
  await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: A.id, userIds: [A.user.id] });
  await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: A.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
  staff = await loginAs(t, p.staff);
});
afterAll(async () => {
  await t.close();
});

const setPersonLocale = (locale: string | null) => t.services.db.kysely.updateTable('users').set({ locale }).where('id', '=', p.staff.id).execute();
const setPartnerLocale = (locale: string | null) => t.services.db.kysely.updateTable('partners').set({ locale }).where('id', '=', p.id).execute();
const lines = (body: unknown) => String(body).trimEnd().split('\r\n');

describe('the invoice CSV in the reader’s language', () => {
  it('headings and statuses in French from the browser, German once the person chooses it; days and amounts the same in every language', async () => {
    const en = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: A.id }, { 'accept-language': 'en' });
    const fr = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: A.id }, { 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(en.status).toBe(200);
    expect(fr.status).toBe(200);
    expect(fr.headers['content-language']).toBe('fr');
    expect(lines(en.body)[0].split(',')).toEqual([...INVOICE_EXPORT_COLUMNS]);
    expect(lines(fr.body)[0].split(',')).toEqual(FR_HEADINGS);
    const inv = await t.services.db.kysely.selectFrom('invoices').selectAll().where('tenant_id', '=', A.id).orderBy('id', 'desc').execute();
    const rowOf = (body: unknown) => lines(body).find((l) => l.includes(inv[0].number))!.split(',');
    const [enRow, frRow] = [rowOf(en.body), rowOf(fr.body)];
    const status = (locale: 'en' | 'fr' | 'de', s: string) => ({ en: { open: 'Open', paid: 'Paid', overdue: 'Overdue', void: 'Void' }, fr: { open: 'Ouverte', paid: 'Payée', overdue: 'En retard', void: 'Annulée' }, de: { open: 'Offen', paid: 'Bezahlt', overdue: 'Überfällig', void: 'Storniert' } })[locale][s as 'open'];
    const col = (row: string[], heading: number) => row[row.length - FR_HEADINGS.length + heading];
    expect(col(frRow, 7)).toBe(status('fr', inv[0].status));
    expect(col(enRow, 7)).toBe(status('en', inv[0].status));
    // everything but the status word is the same cell in both languages: ISO days, decimals with a dot
    expect(frRow.filter((_, i) => i !== frRow.length - FR_HEADINGS.length + 7)).toEqual(enRow.filter((_, i) => i !== enRow.length - FR_HEADINGS.length + 7));
    expect(col(frRow, 5)).toBe(inv[0].issued_at.slice(0, 10));
    expect(col(frRow, 11)).toBe((inv[0].total_cents / 100).toFixed(2));

    await setPersonLocale('de');
    try {
      const de = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: A.id }, { 'accept-language': 'fr' });
      expect(de.headers['content-language']).toBe('de');
      expect(lines(de.body)[0].split(',')).toEqual(DE_HEADINGS);
      expect(col(rowOf(de.body), 7)).toBe(status('de', inv[0].status));
      expect(String(de.headers['content-disposition'])).toMatch(/-rechnungen-\d{4}-\d{2}-\d{2}\.csv/);
    } finally {
      await setPersonLocale(null);
    }
  });

  it('the organization’s language when the person chose none; a job’s file is in the language it was started in', async () => {
    await setPartnerLocale('fr');
    try {
      const r = await staff.post('/api/v1/partner/billing/invoices/export', { format: 'csv', tenant_id: A.id, mode: 'job' }, { 'accept-language': 'de' });
      expect(r.status).toBe(202);
      await t.services.invoiceExports.settle();
      const job = await staff.get(`/api/v1/partner/exports/${r.body.job.id}`);
      expect(job.body).toMatchObject({ status: 'done', error: null, error_code: null });
      const file = await staff.get(job.body.download_url, { 'accept-language': 'en' });
      expect(file.status).toBe(200);
      expect(lines(file.body)[0].split(',')).toEqual(FR_HEADINGS);
    } finally {
      await setPartnerLocale(null);
    }
  });
});

describe('a failed export says why in the reader’s language', () => {
  /** A job as the export stores it when writing its file failed (export_write_failed and its figures). */
  const failedJob = async (error: { error: string; error_code?: string; error_values?: string }) => {
    const id = newId('exp', Date.now());
    const now = new Date().toISOString();
    await jobsRepo.insertJob(t.services.db.kysely, { id, partner_id: p.id, user_id: p.staff.id, format: 'csv', filters: '{}', status: 'failed', total_rows: 1200, rows_done: 1000, file_path: null, token_hash: null, created_at: now, finished_at: now, expires_at: null, tenant_ids: JSON.stringify([A.id]), ...error });
    return id;
  };

  it('the code and its figures are stored, not a sentence for one language; the job and the download’s detail are said in each reader’s language', async () => {
    const stored = failureRecord('export_write_failed', { done: 1000, total: 1200 });
    expect(stored).toMatchObject({ error_code: 'export_write_failed', error_values: '{"done":1000,"total":1200}' });
    const id = await failedJob(stored);
    const en = await staff.get(`/api/v1/partner/exports/${id}`, { 'accept-language': 'en' });
    expect(en.body).toMatchObject({ status: 'failed', error_code: 'export_write_failed', error: 'The export stopped after 1,000 of 1,200 invoices and could not be written; start it again.' });
    const fr = await staff.get(`/api/v1/partner/exports/${id}`, { 'accept-language': 'fr' });
    expect(fr.body.error).toBe('L’export s’est arrêté après 1\u202f000 sur 1\u202f200 factures et n’a pas pu être écrit ; relancez-le.');
    await setPersonLocale('de');
    try {
      const list = await staff.get('/api/v1/partner/exports', { 'accept-language': 'fr' });
      expect(list.body.data.find((j: { id: string }) => j.id === id)).toMatchObject({ error_code: 'export_write_failed', error: 'Der Export brach nach 1.000 von 1.200 Rechnungen ab und konnte nicht geschrieben werden; starten Sie ihn erneut.' });
      // the download's refusal: the problem's detail in the person's language
      const dl = await staff.get(`/api/v1/partner/exports/${id}/download?token=${'x'.repeat(32)}`, { 'accept-language': 'de' });
      expect([dl.status, dl.body.code]).toEqual([409, 'export_not_ready']);
      expect(dl.body.detail).toMatch(/^Der Export brach nach 1\.000 von 1\.200 Rechnungen ab/);
      expect(dl.body.title).toBe('Der Export ist noch nicht fertig');
    } finally {
      await setPersonLocale(null);
    }
  });

  it('a job that failed before codes were kept shows its stored English sentence', async () => {
    const id = await failedJob({ error: 'The export could not be written; start it again.' });
    const fr = await staff.get(`/api/v1/partner/exports/${id}`, { 'accept-language': 'fr' });
    expect(fr.body).toMatchObject({ status: 'failed', error_code: null, error: 'The export could not be written; start it again.' });
    const dl = await staff.get(`/api/v1/partner/exports/${id}/download?token=${'x'.repeat(32)}`, { 'accept-language': 'fr' });
    expect([dl.status, dl.body.detail]).toEqual([409, 'The export could not be written; start it again.']);
  });
});
