/**
 * One alert evaluation over every active link: a customer's overdue invoice opens one alert on its
 * link, recorded in the customer's log and pushed; evaluating again opens nothing and resolves nothing; paying the invoice resolves that alert;
 * ending a link resolves the alerts on it while another link's stay open.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ends } from '../gateway/helpers.ts';
import { invoiceRow } from '../resources/invoice-rows.ts';

let t: TestApp;
let p: TestPartner;
let A: TestTenant, B: TestTenant;
const links = new Map<string, string>();
const ctx = systemContext('alert-evaluation-test');
const evaluate = () => asSystem(() => t.services.alerts.evaluate(ctx));

/** This partner's alerts on A and B, by tenant: kind and status. */
async function alertsOf() {
  const rows = await asSystem(() => t.services.db.kysely.selectFrom('partner_alerts').select(['tenant_id', 'kind', 'status', 'resolution']).where('partner_id', '=', p.id).execute());
  return { A: rows.filter((r) => r.tenant_id === A.id), B: rows.filter((r) => r.tenant_id === B.id) };
}

beforeAll(async () => {
  t = await startTestApp();
  p = await t.world.partner({ capabilities: ['managed_services'] });
  [A, B] = await Promise.all([t.world.tenant(), t.world.tenant()]);
  for (const x of [A, B]) links.set(x.id, (await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' })).id);
  await t.services.feed.drain();
  await asSystem(() => mutate(t.services.db, (trx) => trx.insertInto('invoices').values([invoiceRow(A, 0, '2026-09', 'overdue', 1_200), invoiceRow(B, 0, '2026-09', 'overdue', 3_400)]).execute()));
});
afterAll(() => t.close());

describe('the alert evaluation', () => {
  it('opens one alert per condition, once', async () => {
    await evaluate();
    const first = await alertsOf();
    expect([first.A.map((a) => [a.kind, a.status]), first.B.map((a) => [a.kind, a.status])]).toEqual([[['invoice_overdue', 'open']], [['invoice_overdue', 'open']]]);
    // each opened alert is in its customer's log once, and was pushed
    const opened = await asSystem(() => t.services.db.kysely.selectFrom('partner_alerts').select(['id', 'tenant_id', 'notified_at']).where('partner_id', '=', p.id).execute());
    const events = await asSystem(() => t.services.db.kysely.selectFrom('audit_events').select(['target_id', 'tenant_id']).where('action', '=', 'alert.opened').where('target_id', 'in', opened.map((a) => a.id)).execute());
    expect(events.map((e) => [e.target_id, e.tenant_id]).sort()).toEqual(opened.map((a) => [a.id, a.tenant_id]).sort());
    expect(opened.every((a) => a.notified_at !== null)).toBe(true);
    const again = await evaluate();
    expect([again.opened, again.resolved]).toEqual([0, 0]);
    expect(await alertsOf()).toEqual(first);
  });

  it('resolves an alert whose condition cleared, and the alerts of a link that ended', async () => {
    await asSystem(() => mutate(t.services.db, (trx) => trx.updateTable('invoices').set({ status: 'paid', balance_cents: 0 }).where('tenant_id', '=', A.id).execute()));
    await t.services.delegations.revoke(t.world.ctx, links.get(B.id)!, { side: 'tenant', tenantId: B.id, reason: 'contract ended' });
    await t.services.feed.drain();
    const r = await evaluate();
    expect(r.resolved).toBeGreaterThanOrEqual(2);
    const after = await alertsOf();
    expect([...after.A, ...after.B].map((a) => [a.status, a.resolution])).toEqual([
      ['resolved', 'auto'],
      ['resolved', 'auto'],
    ]);
    expect((await evaluate()).resolved).toBe(0);
  });

  it('leaves another link’s open alert open when one link ends', async () => {
    await asSystem(() => mutate(t.services.db, (trx) => trx.insertInto('invoices').values(invoiceRow(A, 0, '2026-10', 'overdue', 990)).execute()));
    await evaluate();
    const open = (await alertsOf()).A.filter((a) => a.status === 'open');
    expect(open.map((a) => a.kind)).toEqual(['invoice_overdue']);
    expect((await evaluate()).resolved).toBe(0);
    expect((await alertsOf()).A.filter((a) => a.status === 'open')).toHaveLength(1);
  });
});
