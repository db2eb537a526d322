/**
 * The open-ticket counts the MSP dashboard and the customers' figures read are kept by the database
 * as tickets are written: after tickets opened one by one and many at once, moved between statuses
 * and accounts, and deleted, each customer's count per account equals its open tickets; a rolled-back
 * write leaves them as they were; and what a member who sees only one account of a customer is shown
 * leaves out the customer's tickets about no account and about its other accounts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { loginAs, ends } from '../gateway/helpers.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { ticketRow } from './ticket-rows.ts';

let t: TestApp;
let p: TestPartner;
let narrow: TestPartner;
let A: TestTenant, B: TestTenant;

const ticket = ticketRow;

const OPEN = new Set(['open', 'in_progress', 'waiting_on_customer']);

/** Open tickets per customer and account ('' for none), counted here from the tickets. */
async function recounted() {
  const rows = await t.services.db.kysely.selectFrom('support_tickets').select(['tenant_id', 'ban_id', 'status']).where('tenant_id', 'in', [A.id, B.id]).execute();
  const out = new Map<string, number>();
  for (const r of rows) if (OPEN.has(r.status)) out.set(`${r.tenant_id}|${r.ban_id ?? ''}`, (out.get(`${r.tenant_id}|${r.ban_id ?? ''}`) ?? 0) + 1);
  return out;
}

async function kept() {
  const rows = await t.services.db.kysely.selectFrom('ticket_totals').selectAll().where('tenant_id', 'in', [A.id, B.id]).where('open', '>', 0).execute();
  return new Map(rows.map((r) => [`${r.tenant_id}|${r.ban_id}`, Number(r.open)]));
}

const write = <T>(fn: Parameters<typeof mutate<T>>[1]) => asSystem(() => mutate(t.services.db, fn));

beforeAll(async () => {
  t = await startTestApp();
  [p, narrow] = await Promise.all([t.world.partner({ capabilities: ['managed_services'] }), t.world.partner({ capabilities: ['managed_services'] })]);
  [A, B] = await Promise.all([t.world.tenant({ bans: 2 }), t.world.tenant()]);
  for (const x of [A, B]) await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: x.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
  // a link to A's first account only
  await t.services.delegations.create(t.world.ctx, { partnerId: narrow.id, tenantId: A.id, origin: 'link', role: 'MSP_FULL', banIds: [A.bans[0].id], endsAt: ends(), status: 'active' });
  await t.services.feed.drain();
});
afterAll(() => t.close());

describe('open-ticket counts kept by the database', () => {
  it('follow tickets opened one by one and many at once, on accounts and on none', async () => {
    await write(async (trx) => {
      await trx.insertInto('support_tickets').values(ticket(A, 0, 'open')).execute();
      await trx.insertInto('support_tickets').values(ticket(A, null, 'waiting_on_customer')).execute();
      await trx
        .insertInto('support_tickets')
        .values([ticket(A, 0, 'in_progress'), ticket(A, 1, 'open'), ticket(A, 1, 'closed'), ticket(B, 0, 'open'), ticket(B, null, 'resolved')])
        .execute();
    });
    const want = await recounted();
    expect(want).toEqual(new Map([[`${A.id}|${A.bans[0].id}`, 2], [`${A.id}|`, 1], [`${A.id}|${A.bans[1].id}`, 1], [`${B.id}|${B.bans[0].id}`, 1]]));
    expect(await kept()).toEqual(want);
  });

  it('follow tickets resolved, reopened, moved to another account and deleted', async () => {
    const rows = await t.services.db.kysely.selectFrom('support_tickets').select(['id', 'status', 'tenant_id', 'ban_id']).where('tenant_id', 'in', [A.id, B.id]).orderBy('id').execute();
    await write(async (trx) => {
      // one statement resolving every open ticket of A's first account
      await trx.updateTable('support_tickets').set({ status: 'resolved' }).where('tenant_id', '=', A.id).where('ban_id', '=', A.bans[0].id).execute();
      // a closed one reopened and moved to the first account; the customer's own one moved to an account
      await trx.updateTable('support_tickets').set({ status: 'open', ban_id: A.bans[0].id }).where('id', '=', rows.find((r) => r.status === 'closed')!.id).execute();
      await trx.updateTable('support_tickets').set({ ban_id: A.bans[1].id }).where('tenant_id', '=', A.id).where('ban_id', 'is', null).execute();
      // B's open one deleted; a change that moves no count
      await trx.deleteFrom('support_tickets').where('tenant_id', '=', B.id).where('status', '=', 'open').execute();
      await trx.updateTable('support_tickets').set({ priority: 'urgent' }).where('tenant_id', '=', A.id).execute();
    });
    const want = await recounted();
    expect(want).toEqual(new Map([[`${A.id}|${A.bans[0].id}`, 1], [`${A.id}|${A.bans[1].id}`, 2]]));
    expect(await kept()).toEqual(want);
  });

  it('stay as they were when the writing transaction rolls back', async () => {
    const before = await kept();
    await expect(
      write(async (trx) => {
        await trx.insertInto('support_tickets').values([ticket(A, 0, 'open'), ticket(B, null, 'open')]).execute();
        throw new Error('rolled back');
      }),
    ).rejects.toThrow('rolled back');
    expect(await kept()).toEqual(before);
  });

  it('are what the dashboard and the customers’ figures show, as far as each link reaches', async () => {
    await write((trx) => trx.insertInto('support_tickets').values([ticket(A, null, 'open'), ticket(B, null, 'in_progress')]).execute());
    const want = await recounted();
    const perTenant = (id: string) => [...want].filter(([k]) => k.startsWith(`${id}|`)).reduce((a, [, n]) => a + n, 0);
    const staff = await loginAs(t, p.staff);
    const figures = await staff.get('/api/v1/partner/customers/figures');
    expect(figures.status).toBe(200);
    const open = new Map((figures.body.data as { tenant_id: string; open_tickets: number }[]).map((f) => [f.tenant_id, f.open_tickets]));
    expect([open.get(A.id), open.get(B.id)]).toEqual([perTenant(A.id), perTenant(B.id)]);
    const dash = await staff.get('/api/v1/partner/dashboard');
    expect(dash.body.tiles.open_tickets).toBe(perTenant(A.id) + perTenant(B.id));
    // a link to one account: that account's open tickets, not the customer's own nor the other account's
    const one = await loginAs(t, narrow.staff);
    const seen = await one.get('/api/v1/partner/customers/figures');
    expect(seen.status).toBe(200);
    expect((seen.body.data as { tenant_id: string; open_tickets: number }[]).map((f) => [f.tenant_id, f.open_tickets])).toEqual([[A.id, want.get(`${A.id}|${A.bans[0].id}`)]]);
    expect(want.get(`${A.id}|`)).toBe(1);
  });
});
