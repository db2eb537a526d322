/**
 * The push sync API: a registered data source sends NDJSON batches of billing accounts, invoices,
 * payments, services, orders, tickets, usage and SLA records; each line gets its own result, lines
 * are idempotent by external id and version, lines naming an unknown billing account are held and
 * applied when it appears, and a source writes only for the customers it is scoped to. What lands
 * shows in the MSP views, the customer's own pages and the referral earnings.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { unique, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import type { Client } from '../../helpers/http.ts';
import { usingPostgres } from '../../helpers/db.ts';
import { loginAs } from '../gateway/helpers.ts';
import { withDbContext } from '../../../src/platform/db/db-context.ts';
import { sourceDbContext } from '../../../src/modules/datasources/index.ts';
import { approvedAgreement, createCode, programWorld, signup } from '../program/program-world.ts';

let t: TestApp;
let operator: Client;
let msp: TestPartner;
let mspStaff: Client;
let A: TestTenant;
let B: TestTenant;
let token: string;
let sourceId: string;

const now = () => new Date().toISOString();
const period = now().slice(0, 7);

async function createSource(body: Record<string, unknown>): Promise<{ token: string; id: string }> {
  const r = await operator.post('/api/v1/data-sources', body);
  if (r.status !== 201) throw new Error(`create source: ${r.status} ${JSON.stringify(r.body)}`);
  return { token: r.body.token, id: r.body.source.id };
}

async function push(tok: string, lines: unknown[] | string) {
  const payload = typeof lines === 'string' ? lines : lines.map((l) => JSON.stringify(l)).join('\n') + '\n';
  const r = await t.app.inject({ method: 'POST', url: '/sync/v1/batches', headers: { authorization: `Bearer ${tok}`, 'content-type': 'application/x-ndjson' }, payload });
  return { status: r.statusCode, headers: r.headers, body: r.json() };
}

const ALL = ['billing_accounts', 'invoices', 'services', 'orders', 'tickets', 'usage', 'sla'];

function invoice(ext: string, ban: string, v: number, over: Record<string, unknown> = {}) {
  return {
    kind: 'invoice',
    external_id: ext,
    version: v,
    data: { ban, number: ext, period, issued_at: now(), due_at: new Date(Date.now() + 14 * 86_400_000).toISOString(), currency: 'EUR', subtotal_cents: 10_000, tax_cents: 2_000, total_cents: 12_000, balance_cents: 12_000, status: 'open', ...over },
  };
}

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  msp = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B] = await Promise.all([t.world.tenant(), t.world.tenant()]);
  await t.services.delegations.create(t.world.ctx, { partnerId: msp.id, tenantId: A.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: new Date(Date.now() + 90 * 86_400_000).toISOString(), status: 'active' });
  await t.services.feed.drain();
  mspStaff = await loginAs(t, msp.staff);
  ({ token, id: sourceId } = await createSource({ name: unique('Billing system'), kinds: ALL, scope: { all: true } }));
});
afterAll(() => t.close());

describe('a batch of each kind', () => {
  const ban = unique('BAN').toUpperCase();
  let sent: unknown[] | null = null;
  /** the same lines each time (times fixed at the first call) */
  const lines = (): any[] => (sent ??= [
    { kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: A.slug, name: 'Synced account', currency: 'EUR' } },
    invoice(`INV-${ban}`, ban, 1),
    { kind: 'payment', external_id: `PAY-${ban}`, version: 1, data: { invoice_external_id: `INV-${ban}`, amount_cents: 2_000, paid_at: now() } },
    { kind: 'service', external_id: `SVC-${ban}`, version: 1, data: { ban, product_code: 'FIBER-1G', name: `Fiber ${ban}`, status: 'active', location: 'Denver, CO', bandwidth_mbps: 1000, monthly_price_cents: 50_000, currency: 'EUR', activated_at: now() } },
    { kind: 'order', external_id: `ORD-${ban}`, version: 1, data: { ban, product_code: 'FIBER-1G', product_name: `Order ${ban}`, quantity: 1, unit_price_cents: 50_000, total_cents: 50_000, currency: 'EUR', status: 'completed', placed_at: now() } },
    { kind: 'ticket', external_id: `TCK-${ban}`, updated_at: now(), data: { tenant_ref: A.slug, subject: `Ticket ${ban}`, description: 'Synced from the help desk', category: 'technical', priority: 'high', status: 'open', opened_at: now() } },
    { kind: 'usage', external_id: `USG-${ban}`, version: 1, data: { ban, period, metric: 'data_gb', quantity: 12.5, amount_cents: 1_250, currency: 'EUR' } },
    { kind: 'sla', external_id: `SLA-${ban}`, version: 1, data: { ban, period, target_pct: 99.9, achieved_pct: 98.5, downtime_minutes: 600, incidents: 2 } },
  ]);

  it('lands, and shows in the MSP view, the customer’s own pages and the freshness line', async () => {
    const r = await push(token, lines());
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(Array(8).fill('applied'));
    expect(r.body).toMatchObject({ lines: 8, applied: 8, unchanged: 0, held: 0, rejected: 0 });

    const inv = await mspStaff.get(`/api/v1/partner/billing/invoices?tenant_id=${A.id}&q=${encodeURIComponent(`INV-${ban}`)}`);
    expect(inv.status).toBe(200);
    expect(inv.body.data).toHaveLength(1);
    // the payment took 20.00 off the balance
    expect(inv.body.data[0]).toMatchObject({ number: `INV-${ban}`, total_cents: 12_000, balance_cents: 10_000, status: 'open' });

    const admin = await loginAs(t, A.admin);
    const find = async (kind: string, pred: (x: Record<string, unknown>) => boolean) => {
      const x = await admin.get(`/api/v1/tenants/${A.id}/self/${kind}?limit=200`);
      expect(x.status).toBe(200);
      return (x.body.data as Record<string, unknown>[]).find(pred);
    };
    expect(await find('invoices', (x) => x.number === `INV-${ban}`)).toBeTruthy();
    expect(await find('services', (x) => x.name === `Fiber ${ban}`)).toBeTruthy();
    expect(await find('orders', (x) => x.product_name === `Order ${ban}`)).toBeTruthy();
    expect(await find('tickets', (x) => x.subject === `Ticket ${ban}`)).toMatchObject({ priority: 'high', status: 'open' });
    expect(await find('usage', (x) => x.amount_cents === 1_250 && x.period === period)).toBeTruthy();
    expect(await find('sla', (x) => x.achieved_pct === 98.5)).toMatchObject({ status: 'breached' });

    const mine = await admin.get(`/api/v1/tenants/${A.id}/data-freshness`);
    expect(mine.status).toBe(200);
    const billing = mine.body.kinds.find((k: { kind: string }) => k.kind === 'invoices');
    expect(billing.sources[0].source_id).toBe(sourceId);
    const theirs = await mspStaff.get('/api/v1/partner/data-freshness');
    expect(theirs.status).toBe(200);
    expect(theirs.body.kinds.find((k: { kind: string }) => k.kind === 'tickets').sources[0].source_id).toBe(sourceId);
    // the other customer's records did not come from it
    const other = await (await loginAs(t, B.admin)).get(`/api/v1/tenants/${B.id}/data-freshness`);
    expect(other.body.kinds).toEqual([]);
  });

  it('sent twice changes nothing', async () => {
    const count = async () => Number((await t.services.db.kysely.selectFrom('invoices').select((eb) => eb.fn.countAll<number>().as('n')).where('tenant_id', '=', A.id).executeTakeFirstOrThrow()).n);
    const before = await count();
    const r = await push(token, lines());
    expect(r.body).toMatchObject({ applied: 0, unchanged: 8, held: 0, rejected: 0 });
    expect(await count()).toBe(before);
    const inv = await t.services.db.kysely.selectFrom('invoices').selectAll().where('number', '=', `INV-${ban}`).executeTakeFirstOrThrow();
    expect(inv.balance_cents).toBe(10_000);
  });

  it('takes a newer version, ignores an older one, and deletes', async () => {
    const paid = await push(token, [invoice(`INV-${ban}`, ban, 3, { status: 'paid', balance_cents: 0, paid_at: now() })]);
    expect(paid.body.results[0]).toMatchObject({ status: 'applied', line: 1 });
    const old = await push(token, [invoice(`INV-${ban}`, ban, 2, { status: 'void' })]);
    expect(old.body.results[0]).toMatchObject({ status: 'unchanged' });
    expect(old.body.results[0].reason).toMatch(/older/);
    const row = await t.services.db.kysely.selectFrom('invoices').selectAll().where('number', '=', `INV-${ban}`).executeTakeFirstOrThrow();
    expect(row.status).toBe('paid');

    const del = await push(token, [{ kind: 'service', external_id: `SVC-${ban}`, version: 2, deleted: true }]);
    expect(del.body.results[0]).toMatchObject({ status: 'applied' });
    expect(await t.services.db.kysely.selectFrom('provisioned_services').select('id').where('name', '=', `Fiber ${ban}`).executeTakeFirst()).toBeUndefined();
    // an older line cannot bring it back
    const back = await push(token, [lines()[3]]);
    expect(back.body.results[0].status).toBe('unchanged');

    const state = await t.app.inject({ method: 'GET', url: '/sync/v1/state', headers: { authorization: `Bearer ${token}` } });
    expect(state.statusCode).toBe(200);
    const kinds = state.json().kinds as { kind: string; last_version: number | string; records: number }[];
    expect(kinds.find((k) => k.kind === 'invoice')).toMatchObject({ last_version: 3 });
    expect(kinds.find((k) => k.kind === 'service')).toMatchObject({ last_version: 2, records: 0 });
    expect(typeof kinds.find((k) => k.kind === 'ticket')!.last_version).toBe('string');
  });
});

describe('held and rejected lines', () => {
  it('holds a line for an unknown billing account, lists it, and applies it when the account appears', async () => {
    const ban = unique('BAN').toUpperCase();
    const r = await push(token, [invoice(`INV-${ban}`, ban, 1)]);
    expect(r.body.results[0]).toMatchObject({ status: 'held', line: 1 });
    const detail = await operator.get(`/api/v1/data-sources/${sourceId}`);
    expect(detail.body.held.find((h: { external_id: string }) => h.external_id === `INV-${ban}`)).toMatchObject({ waiting_for: `billing account ${ban}`, kind: 'invoice' });

    const r2 = await push(token, [{ kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: A.slug, name: 'Late account', currency: 'EUR' } }]);
    expect(r2.body.results[0].status).toBe('applied');
    expect(await t.services.db.kysely.selectFrom('invoices').select('tenant_id').where('number', '=', `INV-${ban}`).executeTakeFirst()).toEqual({ tenant_id: A.id });
    const after = await operator.get(`/api/v1/data-sources/${sourceId}`);
    expect(after.body.held.find((h: { external_id: string }) => h.external_id === `INV-${ban}`)).toBeUndefined();
  });

  it('applies a held line when the operator tries again after the account was opened elsewhere', async () => {
    const ban = unique('BAN').toUpperCase();
    expect((await push(token, [invoice(`INV-${ban}`, ban, 1)])).body.results[0].status).toBe('held');
    await t.services.tenants.createBillingAccount(t.world.ctx, B.id, { name: 'Opened by hand', account_number: ban, currency: 'EUR' });
    const r = await operator.post(`/api/v1/data-sources/${sourceId}/held/retry`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ applied: 1, still_held: 0 });
    expect(await t.services.db.kysely.selectFrom('invoices').select('tenant_id').where('number', '=', `INV-${ban}`).executeTakeFirst()).toEqual({ tenant_id: B.id });
  });

  it('rejects a malformed line with its line number while the others apply', async () => {
    const ban = A.bans[0].account_number;
    const x = unique('INV');
    const body = [JSON.stringify(invoice(`${x}-1`, ban, 1)), '{"kind":"invoice", not json', JSON.stringify({ kind: 'invoice', external_id: `${x}-3`, version: 1, data: { ban } }), '', JSON.stringify({ kind: 'spaceship', external_id: 'x', version: 1, data: {} }), JSON.stringify(invoice(`${x}-6`, ban, 1))].join('\n');
    const r = await push(token, body);
    expect(r.status).toBe(200);
    expect(r.body.results.map((l: { line: number; status: string }) => [l.line, l.status])).toEqual([
      [1, 'applied'],
      [2, 'rejected'],
      [3, 'rejected'],
      [5, 'rejected'],
      [6, 'applied'],
    ]);
    const p3 = r.body.results[2].problem;
    expect(p3).toMatchObject({ code: 'line_malformed', status: 400, line: 3 });
    expect(p3.type).toMatch(/^https:\/\//);
    expect(p3.errors.map((e: { pointer: string }) => e.pointer)).toContain('/data');
    const detail = await operator.get(`/api/v1/data-sources/${sourceId}`);
    expect(detail.body.batches[0]).toMatchObject({ lines: 5, applied: 2, rejected: 3 });
    expect(detail.body.batches[0].rejections.map((j: { line: number }) => j.line)).toEqual([2, 3, 5]);
  });
});

describe('scope', () => {
  it('a source scoped to one customer cannot write another’s records', async () => {
    const scoped = await createSource({ name: unique('Scoped'), kinds: ['invoices'], scope: { all: false, tenant_ids: [A.id] } });
    const x = unique('INV');
    const r = await push(scoped.token, [invoice(`${x}-a`, A.bans[0].account_number, 1), invoice(`${x}-b`, B.bans[0].account_number, 1), { kind: 'ticket', external_id: x, version: 1, data: { tenant_ref: A.slug, subject: 's', description: '', category: 'other', priority: 'low', status: 'open', opened_at: now() } }]);
    expect(r.body.results.map((l: { status: string }) => l.status)).toEqual(['applied', 'rejected', 'rejected']);
    expect(r.body.results[1].problem.code).toBe('tenant_out_of_scope');
    expect(r.body.results[2].problem.code).toBe('kind_not_owned');
    expect(await t.services.db.kysely.selectFrom('invoices').select('id').where('number', '=', `${x}-b`).executeTakeFirst()).toBeUndefined();
  });

  // SQLite (the embedded single-user mode) has no row-level security: the application's check above is its one wall
  it('on PostgreSQL, a write for another customer under the source’s context is refused by row-level security', async () => {
    if (!usingPostgres) return;
    const ctx = sourceDbContext({ id: 'dsrc_test', tenantIds: new Set([A.id]) });
    const row = { id: `ivc_${unique('x')}`, tenant_id: B.id, ban_id: B.bans[0].id, number: unique('RLS'), period, issued_at: now(), due_at: now(), currency: 'EUR', subtotal_cents: 1, tax_cents: 0, total_cents: 1, balance_cents: 1, status: 'open' as const, paid_at: null, created_at: now() };
    await expect(withDbContext(ctx, () => t.services.db.kysely.transaction().execute((trx) => trx.insertInto('invoices').values(row).execute()))).rejects.toThrow(/row-level security/);
    // and the same write for its own customer passes
    await withDbContext(ctx, () => t.services.db.kysely.transaction().execute((trx) => trx.insertInto('invoices').values({ ...row, tenant_id: A.id, ban_id: A.bans[0].id }).execute()));
  });
});

describe('bounds and credentials', () => {
  it('answers 413 to a batch over the byte or line bound', async () => {
    const big = await push(token, 'x'.repeat(8 * 1024 * 1024 + 10));
    expect(big.status).toBe(413);
    expect(big.body.code).toBe('sync_batch_too_large');
    const many = await push(token, Array.from({ length: 10_001 }, () => '{}').join('\n'));
    expect(many.status).toBe(413);
    expect(many.body.code).toBe('sync_batch_too_large');
  });

  it('answers 429 beyond the batches a source may send in a minute, with Retry-After', async () => {
    const s = await createSource({ name: unique('Chatty'), kinds: ['tickets'], scope: { all: true } });
    const line = [{ kind: 'ticket', external_id: 'gone', version: 1, deleted: true }];
    for (let i = 0; i < 60; i++) expect((await push(s.token, line)).status).toBe(200);
    const r = await push(s.token, line);
    expect(r.status).toBe(429);
    expect(r.body.code).toBe('rate_limited');
    expect(Number(r.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('refuses an unknown, rotated or revoked token, and keeps the token only as a hash', async () => {
    const s = await createSource({ name: unique('Rotating'), kinds: ['tickets'], scope: { all: true } });
    const row = await t.services.db.kysely.selectFrom('data_sources').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
    expect(row.token_hash).not.toContain(s.token);
    expect(row.token_hash).toBe(t.services.hasher.hash(s.token));
    expect((await push('pgsync_nope', [{}])).status).toBe(401);
    const rot = await operator.post(`/api/v1/data-sources/${s.id}/token`);
    expect(rot.status).toBe(201);
    expect((await push(s.token, [{}])).status).toBe(401);
    expect((await push(rot.body.token, [{ kind: 'ticket', external_id: 'g', version: 1, deleted: true }])).status).toBe(200);
    const rev = await operator.delete(`/api/v1/data-sources/${s.id}/token`);
    expect(rev.body.status).toBe('revoked');
    expect((await push(rot.body.token, [{}])).status).toBe(401);
  });

  it('audits each batch by its counts, never its contents', async () => {
    const rows = await t.services.db.kysely.selectFrom('audit_events').selectAll().where('action', '=', 'data_source.batch_applied').where('target_id', '=', sourceId).execute();
    expect(rows.length).toBeGreaterThan(3);
    for (const r of rows) expect(r.details ?? '').not.toMatch(/INV-|BAN-/);
  });

  it('is the operator’s alone', async () => {
    const staff = await loginAs(t, msp.owner);
    expect((await staff.get('/api/v1/data-sources')).status).toBe(403);
    const list = await operator.get('/api/v1/data-sources');
    expect(list.body.data[0]).toMatchObject({ name: 'Demo data', built_in: true });
    expect((await operator.post(`/api/v1/data-sources/${list.body.data[0].id}/token`)).status).toBe(409);
  });
});

describe('downstream', () => {
  it('a paid invoice through sync earns the referring partner its commission', async () => {
    const w = await programWorld(t);
    const customer = await signup(t, await createCode(w.owner, w.p.id));
    await approvedAgreement(w, { percent_bps: 1_000, bounty_minor: null, months: 12 });
    const slug = (await t.services.tenants.getTenant(customer.id))!.slug;
    const ban = unique('BAN').toUpperCase();
    const ext = unique('INV');
    const r = await push(token, [
      { kind: 'billing_account', external_id: `acct-${ban}`, version: 1, data: { account_number: ban, tenant_ref: slug, name: 'Referred', currency: 'EUR' } },
      invoice(ext, ban, 1, { subtotal_cents: 25_000, tax_cents: 0, total_cents: 25_000, balance_cents: 25_000 }),
    ]);
    expect(r.body.applied).toBe(2);
    const none = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200`);
    expect(none.body.items).toEqual([]);
    // the provider records the payment: the partner earns 10 % of 250.00
    const paid = await push(token, [{ kind: 'payment', external_id: `pay-${ext}`, version: 1, data: { invoice_external_id: ext, amount_cents: 25_000, paid_at: now() } }]);
    expect(paid.body.applied).toBe(1);
    const lines = await w.owner.get(`/api/v1/partners/${w.p.id}/program/earnings?limit=200`);
    expect(lines.body.items).toHaveLength(1);
    expect(lines.body.items[0]).toMatchObject({ kind: 'commission', amount_minor: 2_500, base_minor: 25_000, state: 'pending' });
  });
});
