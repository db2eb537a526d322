/**
 * An alert is stored as its kind and figures and said in each reader's language when it is read: the partner
 * owner who reads Partnergate in French is told in French, with money and dates as French writes them, in the
 * bell and in the alerts inbox (the portal sends its language); a reader who asks for nothing reads the
 * English sentence as before; an alert stored before its figures were kept shows its English sentence.
 * An address a link lists that is no one's account is e-mailed in the partner organization's default language;
 * the alerts computed on the fly (the SLA and billing views) are said in the reader's language too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

const clock = new ManualClock(Date.now());
let t: TestApp;
let mail: TestInbox;

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ clock, config: { ...mail.config } });
  t.services.alertScheduler.stop();
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

type Alert = { kind: string; message: string; tenant_name: string };

describe('an alert in its reader’s language', () => {
  it('French figures for a French reader, English for the rest, old rows as they were stored', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await loginAs(t, p.owner);
    expect((await owner.patch('/api/v1/me', { locale: 'fr' })).status).toBe(200);
    const tenant = await t.world.tenant();
    const now = clock.now();
    const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
    const number = `OVD-${newId('n').slice(-8).toUpperCase()}`;
    const dueAt = day(-15);
    await t.services.db.kysely
      .insertInto('invoices')
      .values({ id: newId('ivc'), tenant_id: tenant.id, ban_id: tenant.bans[0].id, period: '2026-10', issued_at: day(-45), currency: 'EUR', tax_cents: 0, paid_at: null, created_at: day(-45), number, due_at: dueAt, subtotal_cents: 123_456, total_cents: 123_456, balance_cents: 123_456, status: 'overdue' })
      .execute();
    const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, overrides: null, endsAt: ends(), status: 'active' });
    await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: false, receivables_threshold: false, invoice_overdue: true, recipients: [], channels: ['in_app'] } }, { userId: p.owner.id, side: 'partner' });
    await t.services.feed.drain();
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alert-language')));
    await t.services.notifications.worker.tick();

    const amount = new Intl.NumberFormat('fr', { style: 'currency', currency: 'EUR' }).format(1234.56);
    expect(amount).toMatch(/^1\s234,56\s€$/);
    const due = new Intl.DateTimeFormat('fr', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(dueAt));
    const bell = (await owner.get('/api/v1/me/notifications?limit=20')).body.data as { title: string; body: string }[];
    const n = bell.find((x) => x.title.includes(tenant.name))!;
    expect(n.title).toBe(`Alerte : Critique : facture en retard — ${tenant.name}`);
    expect(n.body).toBe(`La facture ${number} (${amount}) était due le ${due} et n’est pas payée. (gravité : critique)`);

    const fr = await owner.get('/api/v1/partner/alerts', { 'accept-language': 'fr' });
    const mine = (fr.body.data as Alert[]).find((a) => a.tenant_name === tenant.name)!;
    expect(mine.message).toBe(`La facture ${number} (${amount}) était due le ${due} et n’est pas payée.`);
    expect(mine).not.toHaveProperty('facts');
    const en = (await owner.get('/api/v1/partner/alerts')).body.data as Alert[];
    expect(en.find((a) => a.tenant_name === tenant.name)!.message).toBe(`Invoice ${number} (EUR 1,234.56) was due ${dueAt.slice(0, 10)} and is unpaid.`);

    // an alert stored before its figures were kept: its English sentence, in any language
    await t.services.db.kysely.updateTable('partner_alerts').set({ facts: null, message: 'An old sentence, stored in English.' }).where('tenant_id', '=', tenant.id).execute();
    const old = (await owner.get('/api/v1/partner/alerts', { 'accept-language': 'de' })).body.data as Alert[];
    expect(old.find((a) => a.tenant_name === tenant.name)!.message).toBe('An old sentence, stored in English.');
  });

  it('an address of no account is e-mailed in the partner’s default language; the computed views speak the reader’s', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    await t.services.db.kysely.updateTable('partners').set({ locale: 'de' }).where('id', '=', p.id).execute();
    const tenant = await t.world.tenant();
    const now = clock.now();
    const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
    const number = `OVD-${newId('n').slice(-8).toUpperCase()}`;
    const dueAt = day(-20);
    await t.services.db.kysely
      .insertInto('invoices')
      .values({ id: newId('ivc'), tenant_id: tenant.id, ban_id: tenant.bans[0].id, period: '2026-10', issued_at: day(-50), currency: 'EUR', tax_cents: 0, paid_at: null, created_at: day(-50), number, due_at: dueAt, subtotal_cents: 765_432, total_cents: 765_432, balance_cents: 765_432, status: 'overdue' })
      .execute();
    const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, overrides: null, endsAt: ends(), status: 'active' });
    const noc = `noc-${newId('n').slice(-6).toLowerCase()}@outside.example`;
    await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: false, receivables_threshold: false, invoice_overdue: true, recipients: [noc], channels: ['email'] } }, { userId: p.owner.id, side: 'partner' });
    await t.services.feed.drain();
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alert-language')));
    await t.services.notifications.worker.tick();
    await t.services.notifications.worker.deliverDue();
    const de = (locale: string) => new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }).format(7654.32);
    const dueIn = (locale: string) => new Intl.DateTimeFormat(locale, { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: 'UTC' }).format(new Date(dueAt));
    const sent = mail.inbox.filter((m) => m.to.includes(noc));
    expect(sent).toHaveLength(1);
    expect(sent[0].subject).toContain(`Kritisch: Rechnung überfällig — ${tenant.name}`);
    const text = sent[0].text.replace(/\s+/g, ' ');
    expect(text).toContain(`Die Rechnung ${number} (${de('de').replace(/\s/g, ' ')}) war am ${dueIn('de')} fällig und ist unbezahlt.`);
    expect(text).not.toContain('is unpaid');

    // the billing view, computed when asked: the organization's default before the browser's, the person's own choice first
    const owner = await loginAs(t, p.owner);
    const view = async (headers: Record<string, string>) => ((await owner.get(`/api/v1/partner/alerts/billing?tenant_id=${tenant.id}`, headers)).body.data as Alert[]).find((a) => a.kind === 'invoice_overdue')!.message;
    expect(await view({ 'accept-language': 'fr' })).toBe(`Die Rechnung ${number} (${de('de')}) war am ${dueIn('de')} fällig und ist unbezahlt.`);
    expect((await owner.patch('/api/v1/me', { locale: 'fr' })).status).toBe(200);
    expect(await view({ 'accept-language': 'de' })).toBe(`La facture ${number} (${de('fr')}) était due le ${dueIn('fr')} et n’est pas payée.`);
    expect((await owner.patch('/api/v1/me', { locale: 'en' })).status).toBe(200);
    expect(await view({})).toBe(`Invoice ${number} (EUR 7,654.32) was due ${dueAt.slice(0, 10)} and is unpaid.`);
  });
});
