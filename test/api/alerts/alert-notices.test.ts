/**
 * Alert notices are decided per recipient, as an API read of the same figures by the same
 * recipient answers: for each alert kind × member role × link role, the bell item and the e-mail
 * (received by an SMTP server in this test) carry the figure exactly when that person's API read of
 * it answers 200, the notice exists exactly when their read of the alert answers 200, and each
 * person and listed address is told once per alert per channel. An address the link lists that is
 * no member, and the partner's webhook endpoint, get what the partner's own API read shows (its
 * link role). The computed alert views and the inbox agree under per-link thresholds and
 * commitments.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

const hooks: { path: string; body: string }[] = [];
let mail: TestInbox;
let receiver: Server;
let hookBase: string;
const clock = new ManualClock(Date.now());
let t: TestApp;

beforeAll(async () => {
  mail = await startInbox();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      hooks.push({ path: req.url ?? '/', body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  hookBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  t = await startTestApp({ clock, config: { ...mail.config, WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' } });
  // this file evaluates alerts itself
  t.services.alertScheduler.stop();
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
  receiver.closeAllConnections();
  receiver.close();
});

type Kind = 'sla_breach' | 'invoice_overdue' | 'receivables_threshold';
const KINDS: Kind[] = ['sla_breach', 'invoice_overdue', 'receivables_threshold'];
/** how each kind reads in a notice's title */
const WORDS: Record<Kind, string> = { sla_breach: 'availability below the SLA', invoice_overdue: 'invoice overdue', receivables_threshold: 'receivables above the threshold' };
/** the alert's own read (its existence) and the read of its figures, as a partner member makes them */
const alertRead = (k: Kind, tenantId: string) => (k === 'sla_breach' ? `/api/v1/partner/alerts/sla?tenant_id=${tenantId}` : `/api/v1/partner/alerts/billing?tenant_id=${tenantId}`);
const figureRead = (k: Kind, tenantId: string) =>
  k === 'sla_breach' ? `/api/v1/partner/reports/sla?tenant_id=${tenantId}` : k === 'invoice_overdue' ? `/api/v1/partner/billing/invoices?tenant_id=${tenantId}` : `/api/v1/partner/billing/summary?tenant_id=${tenantId}`;

const lastMonth = () => {
  const n = clock.now();
  return new Date(Date.UTC(n.getUTCFullYear(), n.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
};

/** A customer owing USD 80,418.42 (one invoice of USD 79,418.42 overdue) whose availability last month was 97.125 %. */
async function customerData(x: TestTenant, number: string) {
  const db = t.services.db.kysely;
  const now = clock.now();
  const day = (d: number) => new Date(now.getTime() + d * 86_400_000).toISOString();
  const inv = { tenant_id: x.id, ban_id: x.bans[0].id, period: lastMonth(), issued_at: day(-45), currency: 'USD', tax_cents: 0, paid_at: null, created_at: day(-45) };
  await db
    .insertInto('invoices')
    .values([
      { ...inv, id: newId('ivc'), number, due_at: day(-15), subtotal_cents: 7_941_842, total_cents: 7_941_842, balance_cents: 7_941_842, status: 'overdue' },
      { ...inv, id: newId('ivc'), number: `${number}-B`, due_at: day(15), subtotal_cents: 100_000, total_cents: 100_000, balance_cents: 100_000, status: 'open' },
    ])
    .execute();
  await db.insertInto('sla_records').values({ id: newId('sla'), tenant_id: x.id, ban_id: x.bans[0].id, service_id: null, period: lastMonth(), target_pct: 99.9, achieved_pct: 97.125, downtime_minutes: 1242, incidents: 3, status: 'breached', recorded_at: now.toISOString() }).execute();
}

const FIGURE: Record<Kind, (invoiceNumber: string) => string[]> = {
  sla_breach: () => ['97.125%'],
  invoice_overdue: (n) => ['79,418.42', n],
  receivables_threshold: () => ['80,418.42'],
};

async function evaluateAndSend() {
  await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
  await t.services.notifications.worker.tick();
}

describe('alert notices, per recipient', () => {
  let p: TestPartner;
  const links: Record<string, { tenant: TestTenant; invoice: string }> = {};
  const people: Record<string, { user: TestUser; c: Client }> = {};
  const noc = `noc-${newId('x').slice(-8)}@fabrikam.example`;

  beforeAll(async () => {
    p = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await loginAs(t, p.owner);
    people.owner = { user: p.owner, c: owner };
    for (const role of ['partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor']) {
      const u = await t.world.user({ label: role });
      await t.world.joinPartner(p.id, u.id, 'PARTNER_STAFF');
      const r = await owner.put(`/api/v1/partners/${p.id}/members/${u.id}/member-role`, { member_role: role });
      expect([r.status, r.body.member_role]).toEqual([200, role]);
      people[role] = { user: u, c: await loginAs(t, u) };
    }
    // the partner's own endpoint: an organization, not a person
    const hook = await owner.post(`/api/v1/partners/${p.id}/webhooks`, { url: `${hookBase}/${p.id}`, description: 'NOC', event_types: ['alert.raised'] });
    expect(hook.status, JSON.stringify(hook.body)).toBe(201);
    // MASKED: a full link whose customer took the figures' reads away (it still shares that alerts exist)
    const roles: [string, string, { grant: string[]; deny: string[] } | null][] = [
      ['MSP_FULL', 'MSP_FULL', null],
      ['MSP_BILLING', 'MSP_BILLING', null],
      ['MSP_SUPPORT', 'MSP_SUPPORT', null],
      ['MASKED', 'MSP_FULL', { grant: [], deny: ['billing.invoices.read', 'billing.summary.read', 'reports.sla.read'] }],
    ];
    for (const [name, role, overrides] of roles) {
      const tenant = await t.world.tenant();
      const invoice = `OVD-${newId('n').slice(-8).toUpperCase()}`;
      await customerData(tenant, invoice);
      const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role, banIds: null, overrides, endsAt: ends(), status: 'active' });
      // told in the bell and by e-mail; the billing and the support member are also listed by address, and so is an outside NOC
      await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: true, recipients: [people.partner_msp_billing.user.email.toUpperCase(), people.partner_msp_support.user.email, noc], channels: ['in_app', 'email'] } }, { userId: p.owner.id, side: 'partner' });
      links[name] = { tenant, invoice };
    }
    await t.services.feed.drain();
    await evaluateAndSend();
    // a second evaluation and dispatch tell nobody again
    await evaluateAndSend();
  });

  const who = ['owner', 'partner_msp_full', 'partner_msp_billing', 'partner_msp_support', 'partner_auditor'];
  for (const person of who) {
    for (const link of ['MSP_FULL', 'MSP_BILLING', 'MSP_SUPPORT', 'MASKED']) {
      it(`${person} on a ${link} link: the bell and the e-mail carry what their API read shows, once`, async () => {
        const { user, c } = people[person];
        const { tenant, invoice } = links[link];
        const bell = (await c.get('/api/v1/me/notifications?limit=100')).body.data as { type: string; title: string; body: string; link: string }[];
        const mailbox = mail.inbox.filter((m) => m.to.includes(user.email.toLowerCase()));
        for (const k of KINDS) {
          const seesAlert = await c.get(alertRead(k, tenant.id));
          const seesFigure = await c.get(figureRead(k, tenant.id));
          for (const r of [seesAlert, seesFigure]) expect([r.status, r.status === 200 ? null : r.body.code], `${k}: ${r.status}`).toEqual(r.status === 200 ? [200, null] : [403, 'permission_denied']);
          const about = (title: string) => title.includes(WORDS[k]) && title.endsWith(`— ${tenant.name}`);
          const items = bell.filter((n) => n.type === 'alert.raised' && about(n.title));
          const sent = mailbox.filter((m) => about(m.subject));
          const told = seesAlert.status === 200 ? 1 : 0;
          expect([items.length, sent.length], `${k}: told in the bell and by e-mail`).toEqual([told, told]);
          if (!told) continue;
          for (const text of [items[0].body, sent[0].text]) {
            for (const f of FIGURE[k](invoice)) expect(text.includes(f), `${k}: ${f} in "${text}"`).toBe(seesFigure.status === 200);
            if (seesFigure.status !== 200) expect(text).toContain(`An alert was raised for ${tenant.name}; open Alerts to see it.`);
          }
          expect(items[0].link).toBe('/partner/alerts');
          // the alert's own reads (the computed view and the inbox) show its figures on the same terms
          const inbox = await c.get(`/api/v1/partner/alerts?tenant_id=${tenant.id}&kind=${k}`);
          expect([inbox.status, inbox.body.total]).toEqual([200, 1]);
          const view = (seesAlert.body.data as { kind: string }[]).filter((a) => a.kind === k);
          expect(view).toHaveLength(1);
          for (const shown of [JSON.stringify(view[0]), JSON.stringify(inbox.body.data[0])]) for (const f of FIGURE[k](invoice)) expect(shown.includes(f), `${k}: ${f} in ${shown}`).toBe(seesFigure.status === 200);
          // …and a search does not find an alert by a figure it does not show
          const found = await c.get(`/api/v1/partner/alerts?tenant_id=${tenant.id}&kind=${k}&q=${encodeURIComponent(FIGURE[k](invoice)[0])}`);
          expect([found.status, found.body.total]).toEqual([200, seesFigure.status === 200 ? 1 : 0]);
        }
      });
    }
  }

  it('an address the link lists that is no member, and the partner’s endpoint, get what the partner’s own read shows (its link role), once', async () => {
    await t.services.notifications.worker.deliverDue();
    const owner = people.owner.c;
    const outside = mail.inbox.filter((m) => m.to.includes(noc));
    const payloads = hooks.filter((h) => h.path === `/${p.id}`).map((h) => JSON.parse(h.body) as { type: string; data: { alert: { title: string; detail: string | null; kind: string } } });
    for (const [name, { tenant, invoice }] of Object.entries(links)) {
      for (const k of KINDS) {
        // the owner has no member role: their reads are the link's
        const seesAlert = (await owner.get(alertRead(k, tenant.id))).status === 200;
        const seesFigure = (await owner.get(figureRead(k, tenant.id))).status === 200;
        const about = (title: string) => title.includes(WORDS[k]) && title.includes(`— ${tenant.name}`);
        const sent = outside.filter((m) => about(m.subject));
        const posted = payloads.filter((x) => x.type === 'alert.raised' && about(x.data.alert.title));
        expect([sent.length, posted.length], `${name} ${k}`).toEqual(seesAlert ? [1, 1] : [0, 0]);
        if (!seesAlert) continue;
        expect(posted[0].data.alert.kind).toBe(k);
        for (const f of FIGURE[k](invoice)) {
          expect(sent[0].text.includes(f), `${name} ${k}: ${f} in the e-mail`).toBe(seesFigure);
          expect(JSON.stringify(posted[0]).includes(f), `${name} ${k}: ${f} in the webhook`).toBe(seesFigure);
        }
      }
    }
  });

  it('a link whose channels name only the bell e-mails nobody; turning a kind off tells nobody of it', async () => {
    const tenant = await t.world.tenant();
    const invoice = `OVD-${newId('n').slice(-8).toUpperCase()}`;
    await customerData(tenant, invoice);
    const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.alerts.setCommitments(t.world.ctx, dlg.id, { alerts: { sla_breach: false, receivables_threshold: true, invoice_overdue: true, recipients: [noc], channels: ['in_app'] } }, { userId: p.owner.id, side: 'partner' });
    await t.services.feed.drain();
    const before = mail.inbox.length;
    await evaluateAndSend();
    // (the customer's own admins hear of alerts on their own data as their preferences say)
    const partnerSide = [noc, ...Object.values(people).map((x) => x.user.email.toLowerCase())];
    expect(mail.inbox.slice(before).filter((m) => m.subject.includes(tenant.name) && m.to.some((a) => partnerSide.includes(a)))).toEqual([]);
    const bell = (await people.owner.c.get('/api/v1/me/notifications?limit=100')).body.data as { title: string; body: string }[];
    const mine = bell.filter((n) => n.title.endsWith(`— ${tenant.name}`));
    expect(mine.map((n) => KINDS.find((k) => n.title.includes(WORDS[k]))).sort()).toEqual(['invoice_overdue', 'receivables_threshold']);
  });
});

describe('the computed alert views and the inbox', () => {
  it('answer the same alerts under per-link thresholds, commitments and alert settings', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const [T1, T2, T3] = [await t.world.tenant(), await t.world.tenant(), await t.world.tenant()];
    const set = async (x: TestTenant, patch: Parameters<TestApp['services']['alerts']['setCommitments']>[2]) => {
      const dlg = await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
      if (Object.keys(patch).length) await t.services.alerts.setCommitments(t.world.ctx, dlg.id, patch, { userId: p.owner.id, side: 'partner' });
    };
    const sla = (pct: number) => ({ availability_pct: pct, response_minutes: { low: 1440, normal: 480, high: 120, urgent: 30 }, resolution_minutes: { low: 10080, normal: 2880, high: 480, urgent: 240 } });
    for (const x of [T1, T2, T3]) await customerData(x, `OVD-${newId('n').slice(-8).toUpperCase()}`);
    // T1 owes 80,418.42 under a 90,000.00 threshold (no receivables alert) and commits to 99.5 % (a breach)
    await set(T1, { billing_threshold: { amount_cents: 9_000_000, currency: 'USD' } });
    // T2: a 1,000.00 threshold (an alert), 97 % committed (97.125 % is no breach), overdue invoices not alerted
    await set(T2, { billing_threshold: { amount_cents: 100_000, currency: 'USD' }, sla: sla(97), alerts: { sla_breach: true, receivables_threshold: true, invoice_overdue: false, recipients: [], channels: ['in_app'] } });
    // T3: the defaults
    await set(T3, {});
    await t.services.feed.drain();
    const owner = await loginAs(t, p.owner);
    const key = (a: { kind: string; tenant_id: string; subject_id: string | null; amount_cents: number | null; severity: string; message: string }) => `${a.tenant_id} ${a.kind} ${a.subject_id} ${a.amount_cents} ${a.severity} ${a.message}`;
    const billing = await owner.get('/api/v1/partner/alerts/billing?limit=200');
    const slaView = await owner.get('/api/v1/partner/alerts/sla?limit=200');
    expect([billing.status, slaView.status]).toEqual([200, 200]);
    await asSystem(() => t.services.alerts.evaluate(systemContext('test-alerts')));
    const inbox = await owner.get('/api/v1/partner/alerts?limit=200');
    expect(inbox.status).toBe(200);
    const views = [...billing.body.data, ...slaView.body.data].map(key).sort();
    expect(views).toEqual(inbox.body.data.map(key).sort());
    // and what that is, in words
    const kinds = (x: TestTenant) => inbox.body.data.filter((a: { tenant_id: string }) => a.tenant_id === x.id).map((a: { kind: string }) => a.kind).sort();
    expect([kinds(T1), kinds(T2), kinds(T3)]).toEqual([
      ['invoice_overdue', 'sla_breach'],
      ['receivables_threshold'],
      ['invoice_overdue', 'receivables_threshold', 'sla_breach'],
    ]);
  });
});
