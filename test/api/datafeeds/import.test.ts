/**
 * CSV import through a data source: a template per kind, a preview (columns matched by header
 * names, the first rows, each bad row's number, field and reason in words) that writes nothing,
 * apply only with confirmation (good rows applied, bad ones skipped and reported, a row for an
 * unknown billing account held), re-applying changes nothing, and `partnergate import` does the same.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REDIS_URL, startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { runCli } from '../../helpers/server-process.ts';

let t: TestApp;
let operator: Client;
let A: TestTenant;
let sourceId: string;
let ban: string;

const invoices = (b: string, tag: string) =>
  [
    'Invoice ID,BAN,Number,Period,Issued at,Due at,Currency,Subtotal (cents),Tax cents,Total cents,Balance cents,Status',
    `${tag}-1,${b},${tag}-1,2026-10,2026-11-01,2026-11-15,eur,10000,2000,12000,12000,open`,
    `${tag}-2,${b},${tag}-2,2026-10,2026-11-01,2026-11-15,EUR,5000,1000,6000,0,Paid`,
    `${tag}-3,${b},${tag}-3,2026-13,2026-11-01,2026-11-15,EUR,ten,0,100,100,open`,
    `${tag}-4,BAN-NOT-YET-${tag},${tag}-4,2026-10,2026-11-01,someday,EUR,100,0,100,100,open`,
    `${tag}-5,BAN-NOT-YET-${tag},${tag}-5,2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,open`,
    `${tag}-6,${b},${tag}-6,2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,pending`,
  ].join('\n') + '\n';

beforeAll(async () => {
  t = await startTestApp({ listen: true });
  operator = await (await t.world.operator()).login();
  A = await t.world.tenant();
  ban = unique('BAN').toUpperCase();
  const src = await operator.post('/api/v1/data-sources', { name: unique('Spreadsheet'), kinds: ['billing_accounts', 'invoices'], scope: { all: true } });
  sourceId = src.body.source.id;
  const acct = await t.services.dataSources.applySyncLines(sourceId, [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: A.slug, name: 'Imported', currency: 'EUR' } }]);
  expect(acct[0].status).toBe('applied');
});
afterAll(() => t.close());

const count = async (prefix: string) => Number((await t.services.db.kysely.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('number', 'like', `${prefix}-%`).executeTakeFirstOrThrow()).n);

describe('CSV import', () => {
  it('gives a template per kind', async () => {
    const r = await operator.get('/api/v1/data-sources/import/templates/invoice');
    expect(r.status).toBe(200);
    expect(String(r.headers['content-type'])).toContain('text/csv');
    const text = typeof r.body === 'string' ? r.body : r.raw.body;
    expect(text.split('\n')[0]).toBe('external_id,ban,number,period,issued_at,due_at,currency,subtotal_cents,tax_cents,total_cents,balance_cents,status,paid_at,credited_cents,version');
    expect((await operator.get('/api/v1/data-sources/import/templates/nonsense')).status).toBe(400);
  });

  it('previews with the columns matched, the first rows and each bad row in words, writing nothing', async () => {
    const tag = unique('IMP');
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import/preview`, { kind: 'invoice', csv: invoices(ban, tag) });
    expect(r.status).toBe(200);
    expect(r.body.mapping).toMatchObject({ external_id: 'Invoice ID', ban: 'BAN', subtotal_cents: 'Subtotal (cents)', tax_cents: 'Tax cents', status: 'Status' });
    expect(r.body).toMatchObject({ rows: 6, valid_rows: 3 });
    expect(r.body.preview).toHaveLength(6);
    expect(r.body.errors).toEqual(
      expect.arrayContaining([
        { row: 4, field: 'period', reason: '“2026-13” is not a month written YYYY-MM.' },
        { row: 4, field: 'subtotal_cents', reason: '“ten” is not a whole number of cents.' },
        { row: 5, field: 'due_at', reason: expect.stringContaining('is not a date') },
        { row: 7, field: 'status', reason: '“pending” is not one of open, paid, overdue, void.' },
      ]),
    );
    expect(await count(tag)).toBe(0);
  });

  it('applies only on confirmation: good rows land, bad ones are reported, an unknown account is held; again changes nothing', async () => {
    const tag = unique('IMP');
    const no = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'invoice', csv: invoices(ban, tag), confirm: false });
    expect(no.status).toBe(400);
    expect(no.body.code).toBe('import_not_confirmed');
    expect(await count(tag)).toBe(0);

    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'invoice', csv: invoices(ban, tag), confirm: true });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: 2, held: 1, rejected: 0, skipped: 3 });
    expect(r.body.results).toEqual([
      { row: 2, status: 'applied' },
      { row: 3, status: 'applied' },
      { row: 6, status: 'held', reason: expect.stringContaining('No billing account') },
    ]);
    expect(await count(tag)).toBe(2);
    const paid = await t.services.db.kysely.selectFrom('invoices').selectAll().where('number', '=', `${tag}-2`).executeTakeFirstOrThrow();
    expect(paid).toMatchObject({ status: 'paid', currency: 'EUR', total_cents: 6000 });
    const held = await operator.get(`/api/v1/data-sources/${sourceId}`);
    expect(held.body.held.some((h: { external_id: string }) => h.external_id === `${tag}-5`)).toBe(true);

    const again = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'invoice', csv: invoices(ban, tag), confirm: true });
    expect(again.body).toMatchObject({ applied: 0, unchanged: 2 });
    expect(await count(tag)).toBe(2);
  });

  it('refuses a mapping to a column that is not there', async () => {
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import/preview`, { kind: 'invoice', csv: invoices(ban, 'X'), mapping: { ban: 'No such column' } });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('import_mapping_invalid');
  });

  it('partnergate import applies a file and lists the bad rows', () => {
    const tag = unique('CLI');
    const dir = mkdtempSync(join(tmpdir(), 'pg-import-'));
    const file = join(dir, 'invoices.csv');
    writeFileSync(file, invoices(ban, tag));
    const r = runCli(['import', 'invoice', file, '--source', sourceId], { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });
    expect(r.err).toBe('');
    expect(r.out).toContain('6 rows: 2 applied, 0 unchanged, 1 held, 0 refused, 3 with errors (not sent)');
    expect(r.out).toContain('row 4 period: “2026-13” is not a month written YYYY-MM.');
    expect(r.code).toBe(1);
    const usage = runCli(['import', 'invoice'], { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });
    expect(usage.code).toBe(2);
  });

  it('counts the applied rows', async () => {
    const tag = unique('CLI2');
    const dir = mkdtempSync(join(tmpdir(), 'pg-import-'));
    const file = join(dir, 'ok.csv');
    writeFileSync(file, `external_id,ban,number,period,issued_at,due_at,currency,subtotal_cents,tax_cents,total_cents,balance_cents,status\n${tag}-1,${ban},${tag}-1,2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,open\n`);
    const r = runCli(['import', 'invoice', file, '--source', sourceId, '--json'], { DATA_DIR: t.testDb.dataDir, PUBLIC_URL: t.url, DATABASE_URL: t.testDb.databaseUrl, REDIS_URL: process.env.REDIS_URL ? REDIS_URL : null });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ applied: 1, skipped: 0 });
    expect(await count(tag)).toBe(1);
  });
});
