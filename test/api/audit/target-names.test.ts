/**
 * The audit log names an event's target in words a person knows — a ticket by its number and
 * subject, a voucher by its code, an order by what was ordered — and only to a reader who may know
 * it: another tenant's admin never learns the name, and a record nobody may name keeps none.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('audit targets in words', () => {
  it('a tenant reads its ticket, voucher and order by name; another tenant learns nothing', async () => {
    const tenant = await t.world.tenant();
    const s = t.services;
    await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, t.world.ctx, { id: tenant.id, userIds: [tenant.user.id] });
    const [ticket, order] = await asSystem(() =>
      Promise.all([
        s.db.kysely.selectFrom('support_tickets').select(['id', 'number', 'subject']).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow(),
        s.db.kysely.selectFrom('orders').select(['id', 'product_name']).where('tenant_id', '=', tenant.id).executeTakeFirstOrThrow(),
      ]),
    );
    const voucher = await asSystem(() => s.db.kysely.selectFrom('vouchers').select(['id', 'code']).where('tenant_id', '=', tenant.id).executeTakeFirst());
    await asSystem(() =>
      mutate(s.db, async (trx) => {
        await s.audit.record(trx, t.world.ctx, { action: 'ticket.updated', tenantId: tenant.id, targetType: 'ticket', targetId: ticket.id, details: {} });
        await s.audit.record(trx, t.world.ctx, { action: 'order.cancelled', tenantId: tenant.id, targetType: 'order', targetId: order.id, details: {} });
        if (voucher) await s.audit.record(trx, t.world.ctx, { action: 'voucher.voided', tenantId: tenant.id, targetType: 'voucher', targetId: voucher.id, details: {} });
      }),
    );
    const admin = await tenant.admin.login();
    const read = async (id: string) => (await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?target_id=${id}`)).body.data[0]?.target;
    expect(await read(ticket.id)).toMatchObject({ type: 'ticket', id: ticket.id, name: `Ticket ${ticket.number}: ${ticket.subject}` });
    expect(await read(order.id)).toMatchObject({ type: 'order', name: `Order of ${order.product_name}` });
    if (voucher) expect(await read(voucher.id)).toMatchObject({ type: 'voucher', name: `Voucher ${voucher.code}` });

    // the operator's log names them too; another tenant's admin cannot read this tenant's log at all
    const op = await (await t.world.operator()).login();
    const all = await op.get(`/api/v1/audit-events?target_id=${ticket.id}`);
    expect(all.body.data[0].target.name).toBe(`Ticket ${ticket.number}: ${ticket.subject}`);
    const other = await t.world.tenant();
    const stranger = await other.admin.login();
    expect([403, 404]).toContain((await stranger.get(`/api/v1/tenants/${tenant.id}/audit-events?target_id=${ticket.id}`)).status);
  });
});
