/**
 * The partner program's world: a referral partner with an owner and a staff member, the operator,
 * referred tenants with invoices in the reference resource data, an approved agreement.
 */
import type { TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique, type TestPartner } from '../../helpers/world.ts';
import { newId } from '../../../src/platform/ids.ts';

export interface ProgramWorld {
  p: TestPartner;
  operator: Client;
  owner: Client;
  staff: Client;
}

export async function programWorld(t: TestApp): Promise<ProgramWorld> {
  const p = await t.world.partner({ capabilities: ['referral'] });
  const op = await t.world.operator();
  return { p, operator: await op.login(), owner: await p.owner.login(), staff: await p.staff.login() };
}

export async function createCode(c: Client, partnerId: string, body: Record<string, unknown> = {}): Promise<string> {
  const r = await c.post(`/api/v1/partners/${partnerId}/program/codes`, body);
  if (r.status !== 201) throw new Error(`code: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body.code as string;
}

/** A customer signs up through the public form with `code`; returns the tenant id. */
export async function signup(t: TestApp, code: string | undefined, opts: { ip?: string } = {}): Promise<{ id: string; name: string; email: string; password: string }> {
  const anon = t.client();
  anon.ip = opts.ip ?? `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`;
  const name = unique('Customer');
  const email = `${unique('admin')}@example.test`;
  const password = 'a long enough passphrase 42';
  const r = await anon.post('/api/v1/signup', { organization_name: name, admin_name: 'Ada Admin', email, password, ...(code ? { referral_code: code } : {}) });
  if (r.status !== 201) throw new Error(`signup: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.tenant.id, name, email, password };
}

/** Draft (operator), sign (owner) and approve (operator) an agreement; returns its id. */
export async function approvedAgreement(w: ProgramWorld, commission: Record<string, unknown>, effective_date = '2020-01-01'): Promise<string> {
  const d = await w.operator.post(`/api/v1/program/partners/${w.p.id}/agreements`, {
    title: 'Referral programme',
    terms_markdown: '# Terms\n\nYou refer, we pay.',
    commission: { months: 24, payout_threshold_minor: 0, currency: 'EUR', ...commission },
    effective_date,
  });
  if (d.status !== 201) throw new Error(`draft: ${d.status} ${JSON.stringify(d.body)}`);
  const s = await w.owner.post(`/api/v1/partners/${w.p.id}/program/agreements/${d.body.id}/sign`, { full_name: 'Olivia Owner', accept: true });
  if (s.status !== 200) throw new Error(`sign: ${s.status} ${JSON.stringify(s.body)}`);
  const a = await w.operator.post(`/api/v1/program/agreements/${d.body.id}/approve`);
  if (a.status !== 200) throw new Error(`approve: ${a.status} ${JSON.stringify(a.body)}`);
  return d.body.id as string;
}

/** Invoices of a tenant in the reference resource data (a billing account is opened for them). */
export async function addInvoices(t: TestApp, tenantId: string, invoices: { period: string; subtotal: number; status?: 'paid' | 'open' | 'void'; currency?: string; paid_at?: string; number?: string }[]): Promise<string[]> {
  const s = t.services;
  const ban = await s.tenants.createBillingAccount(t.world.ctx, tenantId, { name: 'Main' });
  const ids: string[] = [];
  const rows = invoices.map((i) => {
    const id = newId('inv');
    ids.push(id);
    const status = i.status ?? 'paid';
    return {
      id,
      tenant_id: tenantId,
      ban_id: ban.id,
      number: i.number ?? unique('INV'),
      period: i.period,
      issued_at: `${i.period}-28T00:00:00.000Z`,
      due_at: `${i.period}-28T00:00:00.000Z`,
      currency: i.currency ?? 'EUR',
      subtotal_cents: i.subtotal,
      tax_cents: Math.floor(i.subtotal / 5),
      total_cents: i.subtotal + Math.floor(i.subtotal / 5),
      balance_cents: status === 'paid' ? 0 : i.subtotal,
      status,
      paid_at: status === 'paid' ? (i.paid_at ?? `${i.period}-28T00:00:00.000Z`) : null,
      created_at: `${i.period}-28T00:00:00.000Z`,
    };
  });
  await s.db.kysely.insertInto('invoices').values(rows).execute();
  return ids;
}

/**
 * Program rows about a tenant, written directly (world building): a referral code of `partnerId`,
 * the tenant's attribution to it, an approved agreement and one earnings line with its invoice. For tests that need
 * every tenant table to hold rows of a tenant (rls.test.ts).
 */
export async function programRowsFor(db: import('../../../src/platform/db/database.ts').Db, partnerId: string, tenantId: string): Promise<void> {
  const now = new Date().toISOString();
  const code = `RLS-${tenantId.slice(-6).toUpperCase()}`;
  const k = db.kysely;
  await k.insertInto('referral_codes').values({ code, partner_id: partnerId, label: null, landing_note: null, status: 'active', created_by: null, created_at: now, updated_at: now }).execute();
  await k.insertInto('referral_attributions').values({ tenant_id: tenantId, partner_id: partnerId, code, attributed_at: now, source: 'operator' }).execute();
  const agr = newId('agr');
  await k
    .insertInto('program_agreements')
    .values({ id: agr, partner_id: partnerId, version: Number.parseInt(tenantId.slice(-4), 36), title: 'T', terms_markdown: 'T', percent_bps: 1000, bounty_minor: null, months: 12, payout_threshold_minor: 0, currency: 'EUR', effective_date: '2020-01-01', status: 'approved', created_by: null, created_at: now, signed_by: null, signed_full_name: null, signed_at: null, signed_ip: null, signed_user_agent: null, signed_sha256: null, approved_by: null, approved_at: now, superseded_at: null })
    .execute();
  const ern = newId('ern');
  await k
    .insertInto('program_earnings')
    .values({ id: ern, partner_id: partnerId, tenant_id: tenantId, agreement_id: agr, period: '2026-01', kind: 'commission', source_key: `${tenantId}:2026-01:0`, base_minor: 100, amount_minor: 10, currency: 'EUR', invoice_count: 1, state: 'pending', payout_id: null, clawback_of: null, refund_invoice_id: null, refund_invoice_number: null, created_at: now, updated_at: now, approved_at: null, approved_by: null, reversed_at: null })
    .execute();
  await k.insertInto('program_earning_invoices').values({ earning_id: ern, invoice_id: `inv_${tenantId}`, invoice_number: `RLS-${tenantId.slice(-6)}`, paid_at: now, base_minor: 100, partner_id: partnerId, tenant_id: tenantId }).execute();
}
