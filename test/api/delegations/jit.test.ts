/**
 * Eligible (just-in-time) access, auto-extend and expiry notices, over HTTP with a
 * manual clock: a tenant admin makes a link eligible; a partner member's activation is refused
 * without a fresh second factor, admitted with one for exactly the window asked, refused after;
 * the approval path; auto-extend skips privileged roles; two sweeps racing (two connection pools
 * on PostgreSQL) never both send a notice or extend a link.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { openDatabase } from '../../../src/platform/db/database.ts';
import { asSystem } from '../../../src/platform/db/db-context.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { LifecycleSweep } from '../../../src/modules/delegations/index.ts';
import type { TestPartner, TestTenant, TestUser } from '../../helpers/world.ts';
import { loginAs } from '../gateway/helpers.ts';
import { activeLink, DAY } from './helpers.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';

let t: TestApp;
const clock = new ManualClock(new Date().toISOString());
const MIN = 60_000;

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

const codeFor = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: clock.nowMs() });

async function enrolTotp(c: Client): Promise<string> {
  const start = await c.post<'/api/v1/me/mfa/totp'>('/api/v1/me/mfa/totp');
  expect(start.status).toBe(201);
  const confirm = await c.post<'/api/v1/me/mfa/totp/confirm'>('/api/v1/me/mfa/totp/confirm', { code: codeFor(start.body.secret) });
  expect(confirm.status).toBe(200);
  clock.advance(30_000);
  return start.body.secret;
}

interface Setup {
  tenant: TestTenant;
  partner: TestPartner;
  admin: Client;
  member: Client;
  memberUser: TestUser;
  delegationId: string;
}

async function setup(settings: Record<string, unknown> | null, role?: string): Promise<Setup> {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities: ['managed_services'] });
  const owner = await loginAs(t, partner.owner);
  const admin = await loginAs(t, tenant.admin);
  const delegationId = await activeLink(owner, admin, partner.id, tenant, { ends_at: new Date(clock.nowMs() + 90 * DAY).toISOString(), ...(role ? { role } : {}) });
  if (settings) {
    const put = await admin.put<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/access-settings'>(`/api/v1/tenants/${tenant.id}/delegations/${delegationId}/access-settings`, settings);
    expect(put.status, JSON.stringify(put.body)).toBe(200);
  }
  await t.services.feed.drain();
  const member = await loginAs(t, partner.staff);
  return { tenant, partner, admin, member, memberUser: partner.staff, delegationId };
}

const canAct = (s: Setup) => t.services.authz.decide({ type: 'user', userId: s.memberUser.id }, null, { tenantId: s.tenant.id });

async function activate(s: Setup, body: Record<string, unknown>) {
  return s.member.post<Problem & Record<string, unknown>>(`/api/v1/partners/${s.partner.id}/delegations/${s.delegationId}/activate`, body);
}

describe('eligible access', () => {
  it('grants nothing until activated; activation needs a fresh second factor and lasts exactly the window', async () => {
    const s = await setup({ eligible: true, max_activation_minutes: 480, approval_required: false });
    expect(canAct(s)).toMatchObject({ allow: false, code: 'activation_required' });

    // no second factor at all
    const noMfa = await activate(s, { minutes: 120, justification: 'ticket 4711: mailbox restore' });
    expect([noMfa.status, noMfa.body.code]).toEqual([403, 'activation_step_up_required']);

    const secret = await enrolTotp(s.member);
    clock.advance(11 * MIN); // the enrolment's proof is no longer fresh
    const stale = await activate(s, { minutes: 120, justification: 'ticket 4711: mailbox restore' });
    expect([stale.status, stale.body.code]).toEqual([403, 'activation_step_up_required']);
    expect((await s.member.post('/api/v1/me/step-up', { code: codeFor(secret) })).status).toBe(200);

    // bad input: too long, no reason
    const tooLong = await activate(s, { minutes: 600, justification: 'ticket 4711: mailbox restore' });
    expect([tooLong.status, tooLong.body.code]).toEqual([400, 'activation_too_long']);
    const noReason = await activate(s, { minutes: 120, justification: '  ' });
    expect([noReason.status, noReason.body.code]).toEqual([400, 'justification_required']);

    const ok = await activate(s, { minutes: 120, justification: 'ticket 4711: mailbox restore' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    expect(ok.body.status).toBe('active');
    const start = clock.nowMs();
    expect(Date.parse(String(ok.body.ends_at))).toBe(start + 120 * MIN);
    expect(canAct(s)).toMatchObject({ allow: true });
    const again = await activate(s, { minutes: 60, justification: 'ticket 4711: mailbox restore' });
    expect([again.status, again.body.code]).toEqual([409, 'activation_open']);

    // exactly the window: admitted a millisecond before its end, refused at it
    expect(t.services.authz.decide({ type: 'user', userId: s.memberUser.id }, null, { tenantId: s.tenant.id }, start + 120 * MIN - 1)).toMatchObject({ allow: true });
    clock.advance(120 * MIN);
    expect(canAct(s)).toMatchObject({ allow: false, code: 'activation_required' });

    // both sides see the history (signed in again: the sessions idled out); the event is in the outbox; the activation is audited
    s.admin = await loginAs(t, s.tenant.admin);
    const partnerOwner = await loginAs(t, s.partner.owner);
    const tenantSide = await s.admin.get<'/api/v1/tenants/{tenant_id}/activations'>(`/api/v1/tenants/${s.tenant.id}/activations`);
    expect(tenantSide.body.data.map((a) => [a.status, a.user.name !== null, a.justification])).toEqual([['ended', true, 'ticket 4711: mailbox restore']]);
    const partnerSide = await partnerOwner.get<'/api/v1/partners/{partner_id}/activations'>(`/api/v1/partners/${s.partner.id}/activations`);
    expect(partnerSide.body.data).toHaveLength(1);
    const events = await t.services.db.kysely.selectFrom('domain_events').select(['type', 'payload']).where('tenant_id', '=', s.tenant.id).where('type', '=', 'delegation.activated').execute();
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0].payload).reason).toBe('ticket 4711: mailbox restore');
    const audit = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', s.delegationId).execute();
    expect(audit.map((a) => a.action)).toContain('delegation.activated');
  });

  it('with approval required, the activation waits for a tenant admin and its window starts at approval', async () => {
    const s = await setup({ eligible: true, max_activation_minutes: 240, approval_required: true });
    const secret = await enrolTotp(s.member);
    expect((await s.member.post('/api/v1/me/step-up', { code: codeFor(secret) })).status).toBe(200);
    const req = await activate(s, { minutes: 120, justification: 'quarterly licence review' });
    expect(req.status).toBe(201);
    expect(req.body.status).toBe('waiting');
    expect(canAct(s)).toMatchObject({ allow: false, code: 'activation_required' });
    const list = await s.admin.get<'/api/v1/tenants/{tenant_id}/activations'>(`/api/v1/tenants/${s.tenant.id}/activations`);
    expect(list.body.waiting).toBe(1);

    // the partner cannot approve its own; another tenant's admin does not even see it
    const other = await t.world.tenant();
    const otherAdmin = await loginAs(t, other.admin);
    const foreign = await otherAdmin.post<Problem>(`/api/v1/tenants/${other.id}/activations/${String(req.body.id)}/approve`, {});
    expect([foreign.status, foreign.body.code]).toEqual([404, 'activation_not_found']);

    clock.advance(10 * MIN);
    const ok = await s.admin.post<'/api/v1/tenants/{tenant_id}/activations/{activation_id}/approve'>(`/api/v1/tenants/${s.tenant.id}/activations/${String(req.body.id)}/approve`, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('active');
    expect(Date.parse(ok.body.ends_at!)).toBe(clock.nowMs() + 120 * MIN);
    expect(ok.body.decided_by?.name).toBeTruthy();
    await t.services.feed.drain();
    expect(canAct(s)).toMatchObject({ allow: true });
    const twice = await s.admin.post<Problem>(`/api/v1/tenants/${s.tenant.id}/activations/${String(req.body.id)}/approve`, {});
    expect([twice.status, twice.body.code]).toEqual([409, 'activation_not_pending']);
    clock.advance(120 * MIN);
    expect(canAct(s)).toMatchObject({ allow: false, code: 'activation_required' });
  });

  it('a standing link cannot be activated, and settings reject unknown roles', async () => {
    const s = await setup({ eligible: false });
    expect(canAct(s)).toMatchObject({ allow: true });
    const secret = await enrolTotp(s.member);
    expect((await s.member.post('/api/v1/me/step-up', { code: codeFor(secret) })).status).toBe(200);
    const r = await activate(s, { minutes: 60, justification: 'nothing to activate' });
    expect([r.status, r.body.code]).toEqual([409, 'not_eligible']);
    const bad = await s.admin.put<Problem>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`, { privileged_roles: ['NO_SUCH_ROLE'] });
    expect([bad.status, bad.body.code]).toEqual([400, 'role_invalid']);
  });
});

describe('eligible roles beside standing ones', () => {
  const can = (s: Setup, action: string, at?: number) => t.services.authz.decide({ type: 'user', userId: s.memberUser.id }, action, { tenantId: s.tenant.id }, at);
  const tenantsOf = (rows: { tenant_id: string }[]) => [...new Set(rows.map((r) => r.tenant_id))];

  it('the standing role always works; an eligible role only inside the activation window — in decide() and the partner-wide views', async () => {
    const s = await setup({ eligible_roles: ['MSP_BILLING'], max_activation_minutes: 240 }, 'MSP_SUPPORT');
    await seedResourceData({ db: t.services.db, clock: t.services.clock, audit: t.services.audit, listBillingAccounts: (id) => t.services.tenants.listBillingAccounts(id) }, t.world.ctx, { id: s.tenant.id, userIds: [s.tenant.user.id] });
    const settings = await s.admin.get<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/access-settings'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`);
    expect(settings.body).toMatchObject({ eligible: false, eligible_roles: ['MSP_BILLING'], auto_extend: true, auto_extend_days: 180 });

    // not activated: support (standing) yes, billing (eligible) asks for an activation
    expect(canAct(s)).toMatchObject({ allow: true });
    expect(can(s, 'support.tickets.read')).toMatchObject({ allow: true, role: 'MSP_SUPPORT' });
    expect(can(s, 'billing.invoices.read')).toMatchObject({ allow: false, code: 'activation_required' });
    expect(can(s, 'partner.members.manage')).toMatchObject({ allow: false, code: 'permission_denied' });
    const tickets0 = await s.member.get<'/api/v1/partner/support/tickets'>('/api/v1/partner/support/tickets?limit=100');
    expect(tenantsOf(tickets0.body.data)).toContain(s.tenant.id);
    const billing0 = await s.member.get<'/api/v1/partner/billing/summary'>('/api/v1/partner/billing/summary');
    expect(billing0.status).toBe(200);
    expect(tenantsOf(billing0.body.tenants)).not.toContain(s.tenant.id);
    const one = await s.member.get<Problem>(`/api/v1/partner/billing/summary?tenant_id=${s.tenant.id}`);
    expect([one.status, one.body.code]).toEqual([403, 'activation_required']);

    // the partner member sees what an activation turns on
    const eligible = await s.member.get<'/api/v1/partners/{partner_id}/eligible-access'>(`/api/v1/partners/${s.partner.id}/eligible-access`);
    expect(eligible.body.data.map((e) => [e.delegation_id, e.role, e.standing, e.eligible_roles])).toEqual([[s.delegationId, 'MSP_SUPPORT', true, ['MSP_BILLING']]]);

    const secret = await enrolTotp(s.member);
    expect((await s.member.post('/api/v1/me/step-up', { code: codeFor(secret) })).status).toBe(200);
    const ok = await activate(s, { minutes: 120, justification: 'month-end invoice check' });
    expect(ok.status, JSON.stringify(ok.body)).toBe(201);
    const start = clock.nowMs();
    await t.services.feed.drain();
    expect(can(s, 'billing.invoices.read')).toMatchObject({ allow: true, role: 'MSP_BILLING' });
    const billing1 = await s.member.get<'/api/v1/partner/billing/summary'>('/api/v1/partner/billing/summary');
    expect(tenantsOf(billing1.body.tenants)).toContain(s.tenant.id);

    // the window's edges: a millisecond before its end billing works, at its end it does not; support always does
    expect(can(s, 'billing.invoices.read', start + 120 * MIN - 1)).toMatchObject({ allow: true });
    expect(can(s, 'billing.invoices.read', start + 120 * MIN)).toMatchObject({ allow: false, code: 'activation_required' });
    clock.advance(120 * MIN);
    expect(can(s, 'support.tickets.read')).toMatchObject({ allow: true });
    // (the session idled out over the two hours; the views themselves, as the route calls them)
    const who = { userId: s.memberUser.id, partnerId: s.partner.id };
    const billing2 = await t.services.msp.billingSummary(t.world.ctx, who, {});
    expect(tenantsOf(billing2.tenants)).not.toContain(s.tenant.id);
    const tickets2 = await t.services.msp.tickets(t.world.ctx, who, { limit: 100 });
    expect(tenantsOf(tickets2.data)).toContain(s.tenant.id);
  });

  it('refuses an eligible role that is not a link role, and an activation of a link with nothing eligible', async () => {
    const s = await setup(null, 'MSP_SUPPORT');
    const bad = await s.admin.put<Problem>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`, { eligible_roles: ['TENANT_ADMIN'] });
    expect([bad.status, bad.body.code, bad.body.errors?.[0]?.pointer]).toEqual([400, 'role_invalid', '/eligible_roles/0']);
    const malformed = await s.admin.put<Problem>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`, { eligible_roles: 'MSP_BILLING' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'validation_failed']);
    expect((await s.admin.get<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/access-settings'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`)).body.eligible_roles).toEqual([]);
  });
});

describe('auto-extend and expiry notices', () => {
  const ctx = systemContext('test-lifecycle');

  it('auto-extends a link at its end date by the set period, but never a privileged role', async () => {
    const plain = await setup({ auto_extend: true, auto_extend_days: 180 });
    const privileged = await setup({ auto_extend: true, auto_extend_days: 180, privileged_roles: ['MSP_FULL'] });
    const before = await t.services.db.kysely.selectFrom('delegations').select(['id', 'ends_at']).where('id', 'in', [plain.delegationId, privileged.delegationId]).execute();
    clock.advance(90 * DAY);
    await asSystem(() => t.services.lifecycle.autoExtend(ctx));
    await asSystem(() => t.services.delegations.expireLapsed(ctx));
    const after = await t.services.db.kysely.selectFrom('delegations').select(['id', 'ends_at', 'status']).where('id', 'in', [plain.delegationId, privileged.delegationId]).execute();
    const p = after.find((d) => d.id === plain.delegationId)!;
    expect(p.status).toBe('active');
    expect(Date.parse(p.ends_at)).toBe(Date.parse(before.find((d) => d.id === plain.delegationId)!.ends_at) + 180 * DAY);
    expect(after.find((d) => d.id === privileged.delegationId)!.status).toBe('expired');
    const ev = await t.services.db.kysely.selectFrom('domain_events').select('type').where('tenant_id', '=', plain.tenant.id).where('type', '=', 'delegation.extended').execute();
    expect(ev).toHaveLength(1);
  });

  it('auto-extends every link by 180 days by default, without a settings row, unless the tenant opts out or an eligible role is privileged', async () => {
    const plain = await setup(null);
    const optedOut = await setup({ auto_extend: false });
    const eligiblePrivileged = await setup({ eligible_roles: ['MSP_BILLING'], privileged_roles: ['MSP_BILLING'] }, 'MSP_SUPPORT');
    const ids = [plain.delegationId, optedOut.delegationId, eligiblePrivileged.delegationId];
    const before = new Map((await t.services.db.kysely.selectFrom('delegations').select(['id', 'ends_at']).where('id', 'in', ids).execute()).map((d) => [d.id, d.ends_at]));
    clock.advance(90 * DAY);
    await asSystem(() => t.services.lifecycle.autoExtend(ctx));
    await asSystem(() => t.services.delegations.expireLapsed(ctx));
    const after = new Map((await t.services.db.kysely.selectFrom('delegations').select(['id', 'ends_at', 'status']).where('id', 'in', ids).execute()).map((d) => [d.id, d]));
    expect(after.get(plain.delegationId)!.status).toBe('active');
    expect(Date.parse(after.get(plain.delegationId)!.ends_at)).toBe(Date.parse(before.get(plain.delegationId)!) + 180 * DAY);
    expect(after.get(optedOut.delegationId)!.status).toBe('expired');
    expect(after.get(eligiblePrivileged.delegationId)!.status).toBe('expired');
    const audit = await t.services.db.kysely.selectFrom('audit_events').select(['target_id', 'details']).where('action', '=', 'delegation.auto_extended').where('target_id', 'in', ids).execute();
    expect(audit.map((a) => a.target_id)).toEqual([plain.delegationId]);
    const ev = await t.services.db.kysely.selectFrom('domain_events').select('type').where('tenant_id', '=', plain.tenant.id).where('type', '=', 'delegation.extended').execute();
    expect(ev).toHaveLength(1);
  });

  it('two sweeps racing send each 30/7/1-day notice once and extend a link once', async () => {
    const second = openDatabase({ databaseUrl: t.testDb.databaseUrl, dataDir: t.testDb.dataDir, ambientContext: null });
    const s1 = t.services.lifecycle;
    const s2 = t.testDb.databaseUrl ? new LifecycleSweep({ db: second, audit: t.services.audit, feed: t.services.feed, clock, roles: t.services.roles, maxDays: 730, events: t.services.notifications.outbox, mfa: t.services.identity.mfa }) : s1;
    try {
      const links = await Promise.all([1, 2, 3].map(() => setup({ auto_extend: true, auto_extend_days: 180 })));
      const ids = links.map((l) => l.delegationId);
      // notices for these three links (other tests' links, auto-extended by default, may be due too)
      const noticeRows = async () => (await t.services.db.kysely.selectFrom('delegation_notices').select('delegation_id').where('delegation_id', 'in', ids).execute()).length;
      const sentAt = async () => {
        const before = await noticeRows();
        const [a, b] = await Promise.all([asSystem(() => s1.sendExpiryNotices(ctx)), asSystem(() => s2.sendExpiryNotices(ctx))]);
        const added = (await noticeRows()) - before;
        expect(a + b).toBeGreaterThanOrEqual(added);
        return added;
      };
      clock.advance(61 * DAY); // 29 days left: the 30-day notice
      expect(await sentAt()).toBe(3);
      expect(await sentAt()).toBe(0);
      clock.advance(23 * DAY); // 6 days left
      expect(await sentAt()).toBe(3);
      clock.advance(5.5 * DAY); // half a day left
      expect(await sentAt()).toBe(3);
      expect(await sentAt()).toBe(0);
      const notices = await t.services.db.kysely.selectFrom('delegation_notices').select(['delegation_id', 'threshold_days']).where('delegation_id', 'in', ids).execute();
      expect(notices.map((n) => n.threshold_days).sort((a, b) => a - b)).toEqual([1, 1, 1, 7, 7, 7, 30, 30, 30]);
      const expiring = await t.services.db.kysely.selectFrom('domain_events').select('partner_id').where('type', '=', 'delegation.expiring').where('tenant_id', 'in', links.map((l) => l.tenant.id)).execute();
      expect(expiring).toHaveLength(9);

      clock.advance(1 * DAY); // past the end: both sweeps try to extend
      // (other tests' links, auto-extended by default, may be due as well: count only these three)
      const [x, y] = await Promise.all([asSystem(() => s1.autoExtend(ctx)), asSystem(() => s2.autoExtend(ctx))]);
      expect(x + y).toBeGreaterThanOrEqual(3);
      const extended = await t.services.db.kysely.selectFrom('audit_events').select('target_id').where('action', '=', 'delegation.auto_extended').where('target_id', 'in', ids).execute();
      expect(extended.map((e) => e.target_id).sort()).toEqual([...ids].sort());
      const [x2, y2] = await Promise.all([asSystem(() => s1.autoExtend(ctx)), asSystem(() => s2.autoExtend(ctx))]);
      expect(x2 + y2).toBe(0);
      // the new end date gets its own notices later, none now
      expect(await sentAt()).toBe(0);
    } finally {
      if (t.testDb.databaseUrl) await second.close();
    }
  });
});
