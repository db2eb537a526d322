/**
 * The access requests' sweep, driven by a manual clock (no sleeps): an unanswered request expires
 * at the end of the tenant's waiting time, and before that the admins who may still answer it are
 * reminded by e-mail, once, through the real SMTP server of this test. The bell counts each waiting
 * request once for each admin who may answer it, and not for its requester.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { startInbox, type TestInbox } from '../../helpers/smtp.ts';
import { askAccess, platformTemplate, setPolicy } from './helpers.ts';

const DAY = 86_400_000;
let t: TestApp;
let mail: TestInbox;
const clock = new ManualClock();

beforeAll(async () => {
  mail = await startInbox();
  t = await startTestApp({ clock, config: mail.config });
});
afterAll(async () => {
  await t?.close();
  await mail?.close();
});

async function waitingCount(login: () => Promise<import('../../helpers/http.ts').Client>, tenantId: string): Promise<number> {
  const c = await (await login()).get<'/api/v1/me/notifications/counts'>('/api/v1/me/notifications/counts');
  return c.body.waiting.filter((w) => w.kind === 'access_requests' && w.tenant_id === tenantId).reduce((n, w) => n + w.count, 0);
}

describe('access request sweep', () => {
  it('an unanswered request expires after the policy’s days and can no longer be approved', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await setPolicy(await tenant.admin.login(), tenant.id, { expiry_days: 3, reminder_days: 0 });
    const req = await askAccess(await partner.owner.login(), partner, tenant, tpl.id);
    clock.advance(3 * DAY - 60_000);
    expect((await t.services.accessRequests.sweep.runOnce()).expired).toBe(0);
    clock.advance(60_000);
    expect((await t.services.accessRequests.sweep.runOnce()).expired).toBeGreaterThanOrEqual(1);
    expect((await t.services.accessRequests.sweep.runOnce()).expired).toBe(0);
    const admin = await tenant.admin.login();
    const r = await admin.get<'/api/v1/tenants/{tenant_id}/access-requests'>(`/api/v1/tenants/${tenant.id}/access-requests`);
    expect(r.body.data.find((x) => x.id === req.id)?.status).toBe('expired');
    const late = await admin.post<Problem>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect([late.status, late.body.code]).toEqual([409, 'access_request_closed']);
    const audit = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', req.id).execute();
    expect(audit.map((a) => a.action)).toContain('access_request.expired');
  });

  it('reminds the admins who may still answer, once, by e-mail before expiry; the bell counts each waiting request once', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const second = await t.world.user();
    await t.world.joinTenant(tenant.id, second.id, 'TENANT_ADMIN');
    // the partner's owner is also an admin of the tenant: the requester is never reminded or counted
    await t.world.joinTenant(tenant.id, partner.owner.id, 'TENANT_ADMIN');
    await setPolicy(await tenant.admin.login(), tenant.id, { approvals_required: 2, expiry_days: 5, reminder_days: 2 });
    const owner = await partner.owner.login();
    const req = await askAccess(owner, partner, tenant, tpl.id);
    await askAccess(owner, partner, tenant, tpl.id, { duration_days: 10 });
    expect(await waitingCount(() => tenant.admin.login(), tenant.id)).toBe(2);
    expect(await waitingCount(() => second.login(), tenant.id)).toBe(2);
    expect(await waitingCount(() => partner.owner.login(), tenant.id)).toBe(0);
    // the first admin approves one: it still waits, for the second admin only
    const first = await (await tenant.admin.login()).post(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect(first.status).toBe(200);
    expect(await waitingCount(() => tenant.admin.login(), tenant.id)).toBe(1);
    expect(await waitingCount(() => second.login(), tenant.id)).toBe(2);

    clock.advance(2 * DAY);
    expect((await t.services.accessRequests.sweep.runOnce()).reminded).toBe(0);
    clock.advance(DAY);
    expect((await t.services.accessRequests.sweep.runOnce()).reminded).toBe(2);
    expect((await t.services.accessRequests.sweep.runOnce()).reminded).toBe(0);
    await t.services.notifications.worker.tick();
    const reminders = (address: string) => mail.to(address).filter((m) => m.subject.startsWith('Reminder:'));
    const toSecond = reminders(second.email);
    expect(toSecond).toHaveLength(2);
    expect(toSecond[0].subject).toBe(`Reminder: ${partner.name} is waiting for your answer`);
    expect(toSecond[0].text).toContain(`${partner.name} asks to read invoices and open support tickets on BAN ${tenant.bans[0].account_number}`);
    expect(toSecond[0].text).toContain(`/tenant/${tenant.id}/access-requests`);
    // the admin who approved is reminded only of the request still waiting for them; the requester never
    expect(reminders(tenant.admin.email)).toHaveLength(1);
    expect(reminders(partner.owner.email)).toHaveLength(0);
  });
});
