/**
 * The CSV import's check says what applying would do, with the applier's own checks and nothing
 * written: a row naming a billing account that does not exist (and that no earlier row creates) is
 * held at the check with the reason in words, not "ready" until Apply; a row made wrong only by an
 * earlier row of the same file (an account number it already gave another customer) is refused at
 * the check; a row naming a customer reference that does not exist is held. The check-only path
 * behind it takes a batch in order, as the sync API sends one: a billing account created on an earlier
 * line makes a later line naming it ready. Whatever the check says, applying the same lines agrees.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';

let t: TestApp;
let operator: Client;
let A: TestTenant;
let B: TestTenant;
let sourceId: string;
let ban: string;

const INVOICE_HEAD = 'Invoice ID,BAN,Number,Period,Issued at,Due at,Currency,Subtotal (cents),Tax cents,Total cents,Balance cents,Status';
const invoiceRow = (id: string, b: string) => `${id},${b},${id},2026-10,2026-11-01,2026-11-15,EUR,100,0,100,100,open`;
const accountLine = (number: string, tenantRef: string, externalId = `acct-${number}`) => ({ kind: 'billing_account', external_id: externalId, version: 1, data: { account_number: number, tenant_ref: tenantRef, name: 'Head office', currency: 'EUR' } });
const invoiceLine = (id: string, b: string) => ({ kind: 'invoice', external_id: id, version: 1, data: { ban: b, number: id, period: '2026-10', issued_at: '2026-11-01T00:00:00Z', due_at: '2026-11-15T00:00:00Z', currency: 'EUR', subtotal_cents: 100, tax_cents: 0, total_cents: 100, balance_cents: 100, status: 'open' } });

const written = async () => ({
  invoices: Number((await t.services.db.kysely.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  accounts: Number((await t.services.db.kysely.selectFrom('billing_accounts').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  syncRecords: Number((await t.services.db.kysely.selectFrom('sync_records').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
  held: Number((await t.services.db.kysely.selectFrom('sync_held_lines').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n),
});

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  A = await t.world.tenant();
  B = await t.world.tenant();
  ban = unique('BAN').toUpperCase();
  const src = await operator.post('/api/v1/data-sources', { name: unique('Spreadsheet'), kinds: ['billing_accounts', 'invoices'], scope: { all: true } });
  sourceId = src.body.source.id;
  const acct = await t.services.dataSources.applySyncLines(sourceId, [accountLine(ban, A.slug)]);
  expect(acct[0].status).toBe('applied');
}, 60_000);
afterAll(() => t.close());

describe('the CSV import check', () => {
  it('holds a row whose billing account does not exist, at the check, with the reason and the count', async () => {
    const tag = unique('CHK');
    const unknown = `BAN-4711-${tag}`;
    const csv = [INVOICE_HEAD, invoiceRow(`${tag}-1`, ban), invoiceRow(`${tag}-2`, unknown), invoiceRow(`${tag}-3`, ban)].join('\n');
    const before = await written();
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import/preview`, { kind: 'invoice', csv });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rows: 3, valid_rows: 3, ready_rows: 2, held_rows: 1, errors: [] });
    expect(r.body.preview.map((p: { row: number; status: string }) => [p.row, p.status])).toEqual([
      [2, 'ready'],
      [3, 'held'],
      [4, 'ready'],
    ]);
    expect(r.body.held_reasons).toEqual([{ row: 3, reason: `Billing account ${unknown} does not exist yet and is not created earlier in this file.`, missing: { kind: 'billing_account', key: unknown } }]);
    expect(await written()).toEqual(before);

    // applying the same file does what the check said
    const applied = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'invoice', csv, confirm: true });
    expect(applied.body.results.map((x: { row: number; status: string }) => [x.row, x.status])).toEqual([
      [2, 'applied'],
      [3, 'held'],
      [4, 'applied'],
    ]);
    // held once applied: what it waits for as data too, so each reader's portal says it in their language
    expect(applied.body).toMatchObject({ held_rows: 1, held_reasons: [{ row: 3, reason: expect.stringContaining(unknown), missing: { kind: 'billing_account', key: unknown } }] });
    // and so does the source's list of held lines, which another person reads later
    const detail = await operator.get(`/api/v1/data-sources/${sourceId}`);
    expect(detail.body.held).toContainEqual(expect.objectContaining({ external_id: `${tag}-2`, missing: { kind: 'billing_account', key: unknown } }));
  });

  it('reads the file in order: a row made wrong by an earlier row is refused, a customer that does not exist is held', async () => {
    const n = unique('BAN').toUpperCase();
    const ghost = unique('no-such-customer');
    const csv = ['External ID,Account number,Customer,Name,Currency', `a-${n},${n},${A.slug},Head office,EUR`, `b-${n},${n},${B.slug},Branch,EUR`, `c-${n},${n}-2,${ghost},Branch,EUR`].join('\n');
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/import/preview`, { kind: 'billing_account', csv });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ rows: 3, ready_rows: 1, held_rows: 1 });
    expect(r.body.preview.map((p: { status: string }) => p.status)).toEqual(['ready', 'error', 'held']);
    // row 3 is refused only because row 2 gives the number to customer A first
    expect(r.body.errors).toEqual([{ row: 3, field: null, reason: `Billing account ${n} belongs to another customer.` }]);
    expect(r.body.held_reasons).toEqual([{ row: 4, reason: expect.stringContaining(ghost), missing: { kind: 'customer', key: ghost } }]);
    expect(await t.services.db.kysely.selectFrom('billing_accounts').select('id').where('account_number', '=', n).execute()).toHaveLength(0);

    const applied = await operator.post(`/api/v1/data-sources/${sourceId}/import`, { kind: 'billing_account', csv, confirm: true });
    expect(applied.body.results.map((x: { status: string }) => x.status)).toEqual(['applied', 'rejected', 'held']);
  });
});

describe('the check-only path', () => {
  it('counts a billing account created on an earlier line: the line naming it is ready, one naming none is held', async () => {
    const s = await t.services.dataSources.require(sourceId);
    const made = unique('BAN').toUpperCase();
    const tag = unique('MIX');
    const lines = [invoiceLine(`${tag}-early`, made), accountLine(made, A.slug), invoiceLine(`${tag}-late`, made), invoiceLine(`${tag}-none`, `${made}-X`), invoiceLine(`${tag}-known`, ban)];
    const before = await written();
    const checked = await t.services.dataSources.checkSyncLines(s, lines, 'req-check');
    expect(checked.map((c) => c.status)).toEqual(['held', 'ready', 'ready', 'held', 'ready']);
    expect(checked[0]).toMatchObject({ reason: `Billing account ${made} does not exist yet and is not created earlier in this file.`, missing: { kind: 'billing_account', key: made } });
    expect(checked[3].missing).toEqual({ kind: 'billing_account', key: `${made}-X` });
    expect(await written()).toEqual(before);

    // the applier decides each line the same way
    const applied = await t.services.dataSources.applySyncLines(s, lines);
    expect(applied.map((a) => a.status)).toEqual(['held', 'applied', 'applied', 'held', 'applied']);
    // and checked again, the same lines are now unchanged
    expect((await t.services.dataSources.checkSyncLines(s, lines.slice(1, 3), 'req-check')).map((c) => c.status)).toEqual(['unchanged', 'unchanged']);
  });

  it('refuses what the source may not write, and holds a payment whose invoice no line creates', async () => {
    const scoped = await operator.post('/api/v1/data-sources', { name: unique('Scoped'), kinds: ['billing_accounts', 'invoices'], scope: { all: false, tenant_ids: [A.id] } });
    expect(scoped.status).toBe(201);
    const s = await t.services.dataSources.require(scoped.body.source.id);
    const tag = unique('SCP');
    const other = unique('BAN').toUpperCase();
    const lines = [
      accountLine(other, B.slug),
      invoiceLine(`${tag}-1`, ban),
      { kind: 'payment', external_id: `${tag}-p1`, version: 1, data: { invoice_external_id: `${tag}-1`, amount_cents: 100, paid_at: '2026-11-10T09:30:00Z' } },
      { kind: 'payment', external_id: `${tag}-p2`, version: 1, data: { invoice_external_id: `${tag}-nowhere`, amount_cents: 100, paid_at: '2026-11-10T09:30:00Z' } },
      { kind: 'service', external_id: `${tag}-s`, version: 1, data: {} },
    ];
    const checked = await t.services.dataSources.checkSyncLines(s, lines, 'req-check');
    expect(checked.map((c) => c.status)).toEqual(['rejected', 'ready', 'ready', 'held', 'rejected']);
    expect(checked[0].problem).toMatchObject({ code: 'tenant_out_of_scope', line: 1 });
    expect(checked[3]).toMatchObject({ reason: `Invoice ${tag}-nowhere does not exist yet and is not created earlier in this file.`, missing: { kind: 'invoice', key: `${tag}-nowhere` } });
    const applied = await t.services.dataSources.applySyncLines(s, lines);
    expect(applied.map((a) => a.status)).toEqual(['rejected', 'applied', 'applied', 'held', 'rejected']);
  });
});
