/**
 * Customers act on their own records (tenant-self-records.routes.ts): a tenant's people open a
 * ticket and read its conversation, reply (a ticket waiting on them goes back to whoever handles
 * it), open a new ticket, open an invoice (lines, totals, account, payment) and download it as a
 * PDF whose text names the invoice, the customer and the total. Every change is audited; bad
 * input answers problem+json with a stable code; another tenant's ticket or invoice answers 404;
 * a person whose role only reads is refused with 403.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { link, loginAs } from '../gateway/helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import type { ResourceCaller } from '../../../src/modules/resources/index.ts';

let t: TestApp;
let A: TestTenant;
let B: TestTenant;
let P: TestPartner;
let aAdmin: Client;
let aUser: Client;
let bAdmin: Client;
let pStaff: Client;

type OwnTicket = { id: string; status: string; comments: { at: string; by: string; by_name?: string; by_partner_name?: string | null; text: string }[]; provider_name: string; opened_by_person?: { name: string } | null; ban_id: string | null; category: string; priority: string };

beforeAll(async () => {
  t = await startTestApp();
  [A, B] = [await t.world.tenant({ bans: 2 }), await t.world.tenant()];
  P = await t.world.partner({ capabilities: ['managed_services'] });
  await link(t, P, A);
  const s = t.services;
  for (const x of [A, B]) await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: x.id, userIds: [x.user.id] });
  [aAdmin, aUser, bAdmin, pStaff] = [await loginAs(t, A.admin), await loginAs(t, A.user), await loginAs(t, B.admin), await loginAs(t, P.staff)];
});
afterAll(async () => {
  await t?.close();
});

/** The name the world gives a person: their e-mail's local part. */
const nameOf = (u: TestUser) => u.email.split('@')[0];
const self = (tenantId: string, rest: string) => `/api/v1/tenants/${tenantId}/self/${rest}`;

/** The provider's own support desk, acting on a ticket outside any partner (as the reference service's staff). */
function providerDesk(tenantId: string): ResourceCaller {
  return { tenantId, bans: null, partnerId: null, userId: null, clientId: null, delegationId: null, persona: null, billTo: null };
}

async function newTicket(c: Client, tenantId: string, body: Record<string, unknown> = {}): Promise<OwnTicket> {
  const r = await c.post(self(tenantId, 'tickets'), { subject: 'Fiber down at the warehouse', description: 'No light on the ONT since 8:00.', ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body as OwnTicket;
}

async function waitingOnCustomer(tenantId: string): Promise<string> {
  const tk = await newTicket(aAdmin, tenantId);
  await t.services.resources.updateTicket(t.world.ctx, providerDesk(tenantId), tk.id, { status: 'waiting_on_customer', comment: 'Can you send a photo of the ONT lights?' }, 'support');
  return tk.id;
}

async function audits(targetId: string) {
  return t.services.db.kysely.selectFrom('audit_events').select(['action', 'actor_user_id', 'details']).where('target_id', '=', targetId).orderBy('seq').execute();
}

describe('tickets', () => {
  it('a new ticket is the customer’s, about the account it names, and audited', async () => {
    const ban = A.bans[1];
    const tk = await newTicket(aUser, A.id, { category: 'billing', priority: 'high', ban_id: ban.id });
    expect(tk).toMatchObject({ status: 'open', category: 'billing', priority: 'high', ban_id: ban.id, comments: [], provider_name: 'Partnergate' });
    expect(tk.opened_by_person?.name).toBe(nameOf(A.user));
    const list = await aAdmin.get(self(A.id, 'tickets?limit=200'));
    expect(list.body.data.map((x: { id: string }) => x.id)).toContain(tk.id);
    expect((await audits(tk.id)).map((e) => e.action)).toEqual(['ticket.opened']);
  });

  it('the conversation reads in order, each message with who wrote it; a reply moves a ticket waiting on the customer back to open', async () => {
    const id = await waitingOnCustomer(A.id);
    const partnerSays = await pStaff.post(`/api/v1/partner/support/tickets/${id}/comments`, { text: 'We dispatched a technician.' });
    expect(partnerSays.status, JSON.stringify(partnerSays.body)).toBe(201);
    const r = await aAdmin.post(self(A.id, `tickets/${id}/comments`), { text: '  Photo attached: the LOS light is red.  ' });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const tk = r.body as OwnTicket;
    expect(tk.status).toBe('open');
    expect(tk.comments.map((c) => c.text)).toEqual(['Can you send a photo of the ONT lights?', 'We dispatched a technician.', 'Photo attached: the LOS light is red.']);
    expect(tk.comments[1]).toMatchObject({ by: P.staff.id, by_name: nameOf(P.staff), by_partner_name: P.name });
    expect(tk.comments[2]).toMatchObject({ by: A.admin.id, by_name: nameOf(A.admin), by_partner_name: null });
    const times = tk.comments.map((c) => c.at);
    expect([...times].sort()).toEqual(times);
    const again = await aUser.get(self(A.id, `tickets/${id}`));
    expect(again.status).toBe(200);
    expect(again.body.comments).toHaveLength(3);
    const reply = (await audits(id)).find((e) => e.actor_user_id === A.admin.id && e.action === 'ticket.updated');
    expect(reply, 'the reply is audited').toBeDefined();
    expect(JSON.parse(String(reply!.details))).toMatchObject({ status: { from: 'waiting_on_customer', to: 'open' }, comment_added: true });
  });

  it('a reply to an open or in-progress ticket keeps its status; a closed ticket refuses it with 409', async () => {
    const id = await waitingOnCustomer(A.id);
    await t.services.resources.updateTicket(t.world.ctx, providerDesk(A.id), id, { status: 'in_progress' }, 'support');
    const kept = await aAdmin.post(self(A.id, `tickets/${id}/comments`), { text: 'Any news?' });
    expect(kept.body.status).toBe('in_progress');
    await t.services.resources.updateTicket(t.world.ctx, providerDesk(A.id), id, { status: 'closed' }, 'support');
    const closed = await aAdmin.post<Problem>(self(A.id, `tickets/${id}/comments`), { text: 'Still broken.' });
    expect(closed.status).toBe(409);
    expect(closed.body.code).toBe('invalid_ticket_transition');
    expect(String(closed.headers['content-type'])).toContain('application/problem+json');
  });

  it('bad input answers 400 with a stable code, and changes nothing', async () => {
    const id = await waitingOnCustomer(A.id);
    for (const [url, body] of [
      [self(A.id, `tickets/${id}/comments`), { text: '   ' }],
      [self(A.id, `tickets/${id}/comments`), { text: 'x', status: 'closed' }],
      [self(A.id, 'tickets'), { subject: '', description: 'd' }],
      [self(A.id, 'tickets'), { subject: 's', description: 'd', priority: 'whenever' }],
      [self(A.id, 'tickets'), { subject: 's', description: 'd', tenant_id: B.id }],
    ] as const) {
      const r = await aAdmin.post<Problem>(url, body);
      expect(r.status, `${url} ${JSON.stringify(body)}`).toBe(400);
      expect(r.body.code).toBe('validation_failed');
    }
    const other = await aAdmin.post<Problem>(self(A.id, 'tickets'), { subject: 's', description: 'd', ban_id: B.bans[0].id });
    expect(other.status).toBe(403);
    expect(other.body.code).toBe('ban_not_covered');
    expect((await aAdmin.get(self(A.id, `tickets/${id}`))).body.status).toBe('waiting_on_customer');
  });

  it('another tenant’s ticket answers 404 to read and to reply, through either tenant’s path', async () => {
    const id = await waitingOnCustomer(A.id);
    for (const r of [
      await bAdmin.get<Problem>(self(B.id, `tickets/${id}`)),
      await bAdmin.post<Problem>(self(B.id, `tickets/${id}/comments`), { text: 'hello' }),
    ]) {
      expect(r.status).toBe(404);
      expect(r.body.code).toBe('ticket_not_found');
    }
    const viaA = await bAdmin.post<Problem>(self(A.id, `tickets/${id}/comments`), { text: 'hello' });
    expect(viaA.status).toBe(404);
    expect(viaA.body.code).toBe('tenant_not_found');
    expect((await aAdmin.get(self(A.id, `tickets/${id}`))).body.comments).toHaveLength(1);
  });

  it('a person whose role only reads tickets is refused a reply and a new ticket with 403, and still reads', async () => {
    const id = await waitingOnCustomer(A.id);
    // The role catalog is data: a provider may make its tenant users readers only.
    const role = t.services.roles.get('TENANT_USER')!;
    const before = role.grants;
    role.grants = before.filter((g) => g !== 'support.tickets.create' && g !== 'support.tickets.update');
    try {
      const me = await aUser.get('/api/v1/me');
      const mine = me.body.tenants.find((x: { tenant_id: string }) => x.tenant_id === A.id);
      expect(mine.permissions).toContain('support.tickets.read');
      expect(mine.permissions).not.toContain('support.tickets.update');
      for (const r of [await aUser.post<Problem>(self(A.id, `tickets/${id}/comments`), { text: 'hello' }), await aUser.post<Problem>(self(A.id, 'tickets'), { subject: 's', description: 'd' })]) {
        expect(r.status).toBe(403);
        expect(r.body.code).toBe('permission_denied');
      }
      expect((await aUser.get(self(A.id, `tickets/${id}`))).status).toBe(200);
    } finally {
      role.grants = before;
    }
    expect((await aAdmin.get(self(A.id, `tickets/${id}`))).body.status).toBe('waiting_on_customer');
  });
});

describe('invoices', () => {
  async function anInvoice(c: Client, tenantId: string, status: string) {
    const r = await c.get(self(tenantId, `invoices?status=${status}&limit=1`));
    expect(r.status).toBe(200);
    return r.body.data[0] as { id: string; number: string; total_cents: number; currency: string; ban_account_number: string };
  }

  it('an invoice opens with lines that add up to its subtotal, its tax, account and payment', async () => {
    const paid = await anInvoice(aUser, A.id, 'paid');
    const r = await aUser.get(self(A.id, `invoices/${paid.id}`));
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    const inv = r.body;
    expect(inv).toMatchObject({ number: paid.number, tenant_name: A.name, ban_account_number: paid.ban_account_number, status: 'paid' });
    expect(inv.ban_name).toBeTruthy();
    expect(inv.lines.length).toBeGreaterThan(1);
    expect(inv.lines.reduce((n: number, l: { amount_cents: number }) => n + l.amount_cents, 0)).toBe(inv.subtotal_cents);
    expect(inv.subtotal_cents + inv.tax_cents).toBe(inv.total_cents);
    expect(inv.payments).toEqual([{ paid_at: inv.paid_at, amount_cents: inv.total_cents }]);
    const open = await anInvoice(aUser, A.id, 'open');
    expect((await aUser.get(self(A.id, `invoices/${open.id}`))).body.payments).toEqual([]);
  });

  it('the PDF is named in words and its text holds the provider, the invoice number, the customer and the total', async () => {
    const inv = await anInvoice(aAdmin, A.id, 'open');
    const r = await aAdmin.get(self(A.id, `invoices/${inv.id}/pdf`));
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/pdf');
    expect(String(r.headers['content-disposition'])).toBe(`attachment; filename="Invoice ${inv.number}.pdf"`);
    const dir = mkdtempSync(path.join(tmpdir(), 'invoice-'));
    try {
      const file = path.join(dir, 'invoice.pdf');
      writeFileSync(file, r.raw.rawPayload);
      const text = spawnSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }).stdout;
      expect(text).toContain('Partnergate');
      expect(text).toContain(inv.number);
      expect(text).toContain(A.name);
      expect(text).toContain(inv.ban_account_number);
      expect(text).toContain(new Intl.NumberFormat('en-US', { style: 'currency', currency: inv.currency }).format(inv.total_cents / 100));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the PDF is in the reader’s language: French from the browser, German once the person chose it, with their money and date formats', async () => {
    const inv = await anInvoice(aAdmin, A.id, 'open');
    const read = async (headers: Record<string, string>) => {
      const r = await aAdmin.get(self(A.id, `invoices/${inv.id}/pdf`), headers);
      expect(r.status).toBe(200);
      const dir = mkdtempSync(path.join(tmpdir(), 'invoice-'));
      try {
        writeFileSync(path.join(dir, 'i.pdf'), r.raw.rawPayload);
        return { disposition: String(r.headers['content-disposition']), language: r.headers['content-language'], text: spawnSync('pdftotext', ['-layout', path.join(dir, 'i.pdf'), '-'], { encoding: 'utf8' }).stdout.replace(/\s+/g, ' ') };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    };
    const detail = (await aAdmin.get(self(A.id, `invoices/${inv.id}`))).body as { due_at: string; total_cents: number; currency: string };
    // pdftotext gives a narrow no-break space as a plain one
    const money = (locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: detail.currency }).format(detail.total_cents / 100).replace(/\s/g, ' ');
    const fr = await read({ 'accept-language': 'fr-FR,fr;q=0.9' });
    expect(fr.language).toBe('fr');
    expect(fr.disposition).toBe(`attachment; filename="Facture ${inv.number}.pdf"`);
    for (const words of [`Facture ${inv.number}`, 'Facturé à', 'Sous-total', 'Solde à payer', money('fr'), `Échéance : ${new Intl.DateTimeFormat('fr', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(detail.due_at))}`]) expect(fr.text).toContain(words);
    expect(fr.text).not.toContain('Balance due');
    await t.services.db.kysely.updateTable('users').set({ locale: 'de' }).where('id', '=', A.admin.id).execute();
    try {
      const de = await read({ 'accept-language': 'fr' });
      expect(de.language).toBe('de');
      for (const words of [`Rechnung ${inv.number}`, 'Zwischensumme', money('de')]) expect(de.text).toContain(words);
    } finally {
      await t.services.db.kysely.updateTable('users').set({ locale: null }).where('id', '=', A.admin.id).execute();
    }
  });

  it('another tenant’s invoice answers 404, as detail and as PDF', async () => {
    const inv = await anInvoice(aAdmin, A.id, 'paid');
    for (const url of [self(B.id, `invoices/${inv.id}`), self(B.id, `invoices/${inv.id}/pdf`)]) {
      const r = await bAdmin.get<Problem>(url);
      expect(r.status, url).toBe(404);
      expect(r.body.code).toBe('invoice_not_found');
    }
    const missing = await aAdmin.get<Problem>(self(A.id, 'invoices/ivc_00000000000000000000000000'));
    expect(missing.status).toBe(404);
    const malformed = await aAdmin.get<Problem>(self(A.id, 'invoices/not-an-invoice'));
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe('invalid_id');
  });

  it('without a session the routes answer 401', async () => {
    const anon = t.client();
    const inv = await anInvoice(aAdmin, A.id, 'paid');
    expect((await anon.get(self(A.id, `invoices/${inv.id}/pdf`))).status).toBe(401);
    expect((await anon.post(self(A.id, 'tickets'), { subject: 's', description: 'd' })).status).toBe(401);
  });
});
