/**
 * E-mail notices through a real SMTP server in this test (smtp-server): the invitation carries a
 * working one-time link, a tenant admin is e-mailed when a partner asks for access (with a link
 * to the page where they answer), preferences turn a channel off, and without SMTP the operator
 * reads the same messages in the local outbox.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SMTPServer } from 'smtp-server';
import { simpleParser } from 'mailparser';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { requestLink } from '../delegations/helpers.ts';

interface Delivered {
  to: string[];
  subject: string;
  text: string;
  html: string;
}
const delivered: Delivered[] = [];
let smtp: SMTPServer;
let t: TestApp;

beforeAll(async () => {
  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      simpleParser(stream)
        .then((m) => {
          delivered.push({ to: session.envelope.rcptTo.map((r) => r.address), subject: m.subject ?? '', text: m.text ?? '', html: typeof m.html === 'string' ? m.html : '' });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', r));
  t = await startTestApp({ config: { SMTP_URL: `smtp://127.0.0.1:${(smtp.server.address() as AddressInfo).port}`, MAIL_FROM: 'Partnergate <no-reply@partners.example.com>' } });
});
afterAll(async () => {
  await t?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const to = (email: string) => delivered.filter((d) => d.to.includes(email));

describe('e-mail over SMTP', () => {
  it('an invitation e-mail names the organization and the inviter, and its link opens the invitation', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const email = `new-${Date.now()}@example.com`;
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_USER' });
    expect(r.status, JSON.stringify(r.body)).toBeLessThan(300);
    expect(await t.services.notifications.worker.tick()).toMatchObject({ mails: 1 });
    const [m] = to(email);
    expect(m.subject).toBe(`You are invited to join ${tenant.name} on Partnergate`);
    expect(m.text).toContain(`invited you to join ${tenant.name} as a member`);
    const link = /Accept the invitation: (\S+)/.exec(m.text)?.[1] ?? '';
    expect(link).toMatch(/^http:\/\/localhost:8080\/invite\/pginv_/);
    expect(m.html).toContain(link);
    // the link works: the invitation it names is this one
    const token = link.split('/invite/')[1];
    const inv = await t.client().get(`/api/v1/invitations/${token}`);
    expect(inv.status).toBe(200);
    expect(JSON.stringify(inv.body)).toContain(tenant.name);
    // the link is never in the invitation.sent event a webhook would carry
    const ev = await t.services.db.kysely.selectFrom('domain_events').selectAll().where('type', '=', 'invitation.sent').execute();
    expect(ev.length).toBeGreaterThan(0);
    for (const e of ev) expect(e.payload).not.toContain(token);
  });

  it('a tenant admin is e-mailed when a partner asks for access, with a link to answer; one who turned e-mail off is not', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const quiet = await t.world.user();
    await t.world.joinTenant(tenant.id, quiet.id, 'TENANT_ADMIN');
    const q = await quiet.login();
    const prefs = await q.put('/api/v1/me/notification-preferences', { events: [{ type: 'delegation.requested', in_app: true, email: false }] });
    expect(prefs.status).toBe(200);
    expect(prefs.body.events.find((e: { type: string }) => e.type === 'delegation.requested')).toMatchObject({ in_app: true, email: false, label: 'A partner asks for access' });

    await requestLink(await partner.owner.login(), partner.id, { tenant_slug: tenant.slug, justification: 'quarterly network review' });
    await t.services.notifications.worker.tick();
    const [m] = to(tenant.admin.email);
    expect(m.subject).toBe(`${partner.name} asks for access to ${tenant.name}`);
    expect(m.text).toContain('quarterly network review');
    expect(m.text).toContain(`Open in Partnergate: http://localhost:8080/tenant/${tenant.id}/partners`);
    expect(to(quiet.email)).toHaveLength(0);
    // …but the quiet admin still sees it in the portal
    expect((await q.get('/api/v1/me/notifications/counts')).body.unread).toBeGreaterThanOrEqual(1);
  });

  it('the access-expiring and alert templates: both sides of an access are e-mailed, in words', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const s = t.services;
    const endsAt = new Date(Date.now() + 7 * 86400_000).toISOString();
    const base = { tenant: { id: tenant.id, name: tenant.name }, partner: { id: partner.id, name: partner.name }, actor: { user_id: null, name: null }, reason: null };
    const delegation = { id: 'dlg_01jd9x0a8q4m7w2k3v5b6c8d9e', origin: 'link', role: 'MSP_SUPPORT', role_name: 'MSP — support', status: 'active', starts_at: new Date().toISOString(), ends_at: endsAt };
    await asSystem(() =>
      mutate(s.db, async (trx) => {
        await s.notifications.outbox.emit(trx, { type: 'delegation.expiring', tenantId: tenant.id, partnerId: partner.id, data: { ...base, delegation, days_left: 7 } });
        await s.notifications.outbox.emit(trx, { type: 'alert.raised', tenantId: tenant.id, partnerId: partner.id, data: { tenant: base.tenant, partner: base.partner, alert: { id: 'alr_1', kind: 'billing_threshold', severity: 'warning', title: 'Monthly spend above 5,000.00 EUR', detail: 'Spend this month: 5,210.40 EUR.' } } });
      }),
    );
    await s.notifications.worker.tick();
    const admin = to(tenant.admin.email);
    expect(admin.map((m) => m.subject)).toEqual(expect.arrayContaining([`Access of ${partner.name} to ${tenant.name} ends in 7 days`, `Alert from ${partner.name}: Monthly spend above 5,000.00 EUR at ${tenant.name}`]));
    const expiring = admin.find((m) => m.subject.includes('ends in 7 days'))!;
    expect(expiring.text).toContain('The “MSP — support” access ends on');
    expect(expiring.text).toContain(`Open in Partnergate: http://localhost:8080/tenant/${tenant.id}/partners`);
    // the partner side gets them too, with its own page
    const owner = to(partner.owner.email).find((m) => m.subject.includes('ends in 7 days'));
    expect(owner?.text).toContain('Open in Partnergate: http://localhost:8080/partner/customers');
  });

  it('unknown event types in preferences are refused with a stable code', async () => {
    const u = await (await t.world.user()).login();
    const r = await u.put('/api/v1/me/notification-preferences', { events: [{ type: 'nothing.happened', in_app: true, email: true }] });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('webhook_event_type_unknown');
  });
});

describe('the local outbox (no SMTP server)', () => {
  let local: TestApp;
  beforeAll(async () => {
    local = await startTestApp();
  });
  afterAll(async () => {
    await local?.close();
  });

  it('the operator reads queued messages in the outbox; nobody else can', async () => {
    const tenant = await local.world.tenant();
    const admin = await tenant.admin.login();
    const email = `outbox-${Date.now()}@example.com`;
    await admin.post(`/api/v1/tenants/${tenant.id}/members`, { email, role: 'TENANT_ADMIN' });
    await local.services.notifications.worker.tick();
    const op = await (await local.world.user({ platformRole: 'SUPER_ADMIN' })).login();
    const list = await op.get('/api/v1/mail-outbox');
    expect(list.status).toBe(200);
    expect(list.body.via).toBe('outbox');
    const item = list.body.data.find((m: { to: string }) => m.to.includes(email));
    expect(item.subject).toBe(`You are invited to join ${tenant.name} on Partnergate`);
    const one = await op.get(`/api/v1/mail-outbox/${item.name}`);
    expect(one.body.text).toMatch(/Accept the invitation: http:\/\/localhost:8080\/invite\/pginv_/);
    expect((await admin.get('/api/v1/mail-outbox')).status).toBe(403);
    expect((await op.get('/api/v1/mail-outbox/..%2Fsecret.key')).status).toBe(400);
    expect((await op.get('/api/v1/mail-outbox/nothing-here.eml')).status).toBe(404);
  });
});
