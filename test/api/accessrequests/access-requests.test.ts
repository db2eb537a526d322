/**
 * Access templates and approval policies over HTTP: templates by the operator and by a partner,
 * a partner's request with a template, the tenant's two-approver policy (the first approval leaves
 * it pending, the second creates the delegation through the delegations module), self-approval
 * refused, and the refusals' codes. Expiry and reminders are in request-sweep.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Problem } from '../../helpers/http.ts';
import { requestLink } from '../delegations/helpers.ts';
import { askAccess, platformTemplate, setPolicy } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(async () => {
  await t?.close();
});

describe('access templates', () => {
  it('the operator defines one for every partner, a partner one of its own; both read their permissions as sentences', async () => {
    const tpl = await platformTemplate(t);
    expect(tpl.owner).toBe('platform');
    expect(tpl.permissions.map((p) => p.sentence)).toEqual(['read invoices', 'open support tickets']);
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const own = await owner.post<'/api/v1/partners/{partner_id}/access-templates'>(`/api/v1/partners/${partner.id}/access-templates`, { name: 'Support desk', description: 'Tickets and services.', role: 'MSP_SUPPORT', max_days: 60 });
    expect(own.status, JSON.stringify(own.body)).toBe(201);
    expect(own.body).toMatchObject({ owner: 'partner', partner_id: partner.id, default_days: 60 });
    const list = await owner.get<'/api/v1/partners/{partner_id}/access-templates'>(`/api/v1/partners/${partner.id}/access-templates`);
    const ids = list.body.data.map((x) => x.id);
    expect(ids).toEqual(expect.arrayContaining([tpl.id, own.body.id]));
    // another partner sees the operator's template, not this partner's own
    const other = await t.world.partner({ capabilities: ['managed_services'] });
    const theirs = await (await other.owner.login()).get<'/api/v1/partners/{partner_id}/access-templates'>(`/api/v1/partners/${other.id}/access-templates`);
    expect(theirs.body.data.map((x) => x.id)).toContain(tpl.id);
    expect(theirs.body.data.map((x) => x.id)).not.toContain(own.body.id);
    // and cannot change it: the same answer as a missing one
    const edit = await (await other.owner.login()).patch<Problem>(`/api/v1/partners/${other.id}/access-templates/${own.body.id}`, { name: 'Mine now' });
    expect([edit.status, edit.body.code]).toEqual([404, 'access_template_not_found']);
  });

  it('refuses a role a partner cannot ask for, an unknown permission and a default longer than the maximum', async () => {
    const op = await (await t.world.operator()).login();
    const base = { name: 'X', description: 'Y', role: 'MSP_SUPPORT', max_days: 30 };
    const role = await op.post<Problem>('/api/v1/access-templates', { ...base, role: 'WHOLESALE' });
    expect([role.status, role.body.code]).toEqual([400, 'access_template_invalid']);
    const perm = await op.post<Problem>('/api/v1/access-templates', { ...base, grants: ['billing.nothing.here'] });
    expect([perm.status, perm.body.code]).toEqual([400, 'invalid_permission']);
    const days = await op.post<Problem>('/api/v1/access-templates', { ...base, default_days: 31 });
    expect([days.status, days.body.code]).toEqual([400, 'access_template_invalid']);
    const tooLong = await op.post<Problem>('/api/v1/access-templates', { ...base, max_days: 5000 });
    expect([tooLong.status, tooLong.body.code]).toEqual([400, 'validation_failed']);
  });
});

describe('access requests', () => {
  it('under a two-approver policy the first approval leaves the request pending and the second creates the delegation', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const admin = await tenant.admin.login();
    const second = await t.world.user();
    await t.world.joinTenant(tenant.id, second.id, 'TENANT_ADMIN');
    await setPolicy(admin, tenant.id, { approvals_required: 2 });
    const owner = await partner.owner.login();
    const req = await askAccess(owner, partner, tenant, tpl.id);
    expect(req.status).toBe('pending');
    expect(req.approvals_required).toBe(2);
    expect(req.sentence).toBe(`${partner.name} asks to read invoices and open support tickets on BAN ${tenant.bans[0].account_number} for 30 days because we handle their billing disputes.`);

    const first = await admin.post<'/api/v1/tenants/{tenant_id}/access-requests/{request_id}/approve'>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ status: 'pending', delegation_id: null });
    expect(first.body.approvals.map((a) => a.user_id)).toEqual([tenant.admin.id]);
    const again = await admin.post<Problem>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect([again.status, again.body.code]).toEqual([409, 'already_approved']);
    const before = await owner.get<'/api/v1/partners/{partner_id}/delegations'>(`/api/v1/partners/${partner.id}/delegations`);
    expect(before.body.data).toHaveLength(0);

    const last = await (await second.login()).post<'/api/v1/tenants/{tenant_id}/access-requests/{request_id}/approve'>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect(last.status, JSON.stringify(last.body)).toBe(200);
    expect(last.body.status).toBe('approved');
    expect(last.body.approvals).toHaveLength(2);
    const dlg = await owner.get<'/api/v1/partners/{partner_id}/delegations/{delegation_id}'>(`/api/v1/partners/${partner.id}/delegations/${last.body.delegation_id}`);
    expect(dlg.status).toBe(200);
    expect(dlg.body).toMatchObject({ status: 'active', origin: 'link', role: 'DELEGATE', ban_ids: [tenant.bans[0].id], requested_by: partner.owner.id, decided_by: second.id, justification: 'We handle their billing disputes' });
    expect(dlg.body.overrides.grant).toEqual(['billing.invoices.read', 'support.tickets.create']);
    const days = (Date.parse(dlg.body.ends_at) - Date.parse(dlg.body.starts_at)) / 86_400_000;
    expect(Math.round(days)).toBe(30);
    // answered requests cannot be answered again
    const late = await admin.post<Problem>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/reject`, {});
    expect([late.status, late.body.code]).toEqual([409, 'access_request_closed']);
    // both sides' audit logs hold every step
    const audit = await t.services.db.kysely.selectFrom('audit_events').select('action').where('target_id', '=', req.id).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['access_request.approved', 'access_request.approved', 'access_request.created', 'access_request.granted']);
  });

  it('a high-risk role needs two approvers even when the policy asks for one', async () => {
    const tpl = await platformTemplate(t, { role: 'MSP_FULL', grants: [] });
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const admin = await tenant.admin.login();
    await setPolicy(admin, tenant.id, { approvals_required: 1, high_risk_roles: ['MSP_FULL'] });
    const req = await askAccess(await partner.owner.login(), partner, tenant, tpl.id, { ban_ids: null });
    expect(req.approvals_required).toBe(2);
    expect(req.sentence).toContain('on all billing accounts');
  });

  it('whoever asked cannot approve their own request, even as an admin of the tenant', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    await t.world.joinTenant(tenant.id, partner.owner.id, 'TENANT_ADMIN');
    const both = await partner.owner.login();
    const req = await askAccess(both, partner, tenant, tpl.id);
    const self = await both.post<Problem>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect([self.status, self.body.code]).toEqual([403, 'self_approval']);
    expect(self.headers['content-type']).toContain('application/problem+json');
    // another admin may; the one approval the policy needs creates the delegation
    const ok = await (await tenant.admin.login()).post<'/api/v1/tenants/{tenant_id}/access-requests/{request_id}/approve'>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect(ok.body.status).toBe('approved');
  });

  it('refuses a duration past the template, an account of no such tenant, another partner’s template, and reads across tenants as missing', async () => {
    const tpl = await platformTemplate(t, { max_days: 10, default_days: 10 });
    const tenant = await t.world.tenant();
    const other = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const path = `/api/v1/partners/${partner.id}/access-requests`;
    const body = { template_id: tpl.id, tenant_slug: tenant.slug, duration_days: 10, justification: 'support contract' };
    const long = await owner.post<Problem>(path, { ...body, duration_days: 11 });
    expect([long.status, long.body.code]).toEqual([400, 'access_duration_too_long']);
    const ban = await owner.post<Problem>(path, { ...body, ban_ids: [other.bans[0].account_number] });
    expect([ban.status, ban.body.code]).toEqual([400, 'delegation_ban_invalid']);
    const rival = await t.world.partner({ capabilities: ['managed_services'] });
    const theirs = await (await rival.owner.login()).post<'/api/v1/partners/{partner_id}/access-templates'>(`/api/v1/partners/${rival.id}/access-templates`, { name: 'Rival', description: 'r', role: 'AUDITOR', max_days: 5 });
    const foreign = await owner.post<Problem>(path, { ...body, template_id: theirs.body.id });
    expect([foreign.status, foreign.body.code]).toEqual([404, 'access_template_not_found']);
    const req = await askAccess(owner, partner, tenant, tpl.id, { duration_days: 10 });
    const elsewhere = await (await other.admin.login()).post<Problem>(`/api/v1/tenants/${other.id}/access-requests/${req.id}/approve`);
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'access_request_not_found']);
    // the tenant's plain member reads but may not answer
    const member = await (await tenant.user.login()).post<Problem>(`/api/v1/tenants/${tenant.id}/access-requests/${req.id}/approve`);
    expect(member.status).toBe(403);
    // an archived template takes no new request
    const op = await (await t.world.operator()).login();
    await op.patch(`/api/v1/access-templates/${tpl.id}`, { status: 'archived' });
    const archived = await owner.post<Problem>(path, { ...body, tenant_slug: other.slug });
    expect([archived.status, archived.body.code]).toEqual([409, 'access_template_archived']);
  });

  it('the simple link request still works, and a template request to a tenant the partner already links to is refused', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const link = await requestLink(owner, partner.id, { tenant_slug: tenant.slug });
    expect(link.status).toBe('requested');
    const dup = await owner.post<Problem>(`/api/v1/partners/${partner.id}/access-requests`, { template_id: tpl.id, tenant_slug: tenant.slug, duration_days: 5, justification: 'more access' });
    expect([dup.status, dup.body.code]).toEqual([409, 'delegation_exists']);
  });

  it('the tenant rejects a request as a whole; the partner withdraws one that waits', async () => {
    const tpl = await platformTemplate(t);
    const tenant = await t.world.tenant();
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = await partner.owner.login();
    const admin = await tenant.admin.login();
    const a = await askAccess(owner, partner, tenant, tpl.id);
    const no = await admin.post<'/api/v1/tenants/{tenant_id}/access-requests/{request_id}/reject'>(`/api/v1/tenants/${tenant.id}/access-requests/${a.id}/reject`, { reason: 'Not this quarter' });
    expect(no.body).toMatchObject({ status: 'rejected', decision_reason: 'Not this quarter', delegation_id: null });
    const b = await askAccess(owner, partner, tenant, tpl.id);
    const back = await owner.post<'/api/v1/partners/{partner_id}/access-requests/{request_id}/withdraw'>(`/api/v1/partners/${partner.id}/access-requests/${b.id}/withdraw`);
    expect(back.body.status).toBe('withdrawn');
    const list = await admin.get<'/api/v1/tenants/{tenant_id}/access-requests'>(`/api/v1/tenants/${tenant.id}/access-requests`);
    expect(list.body.data.map((r) => [r.id, r.status])).toEqual([
      [b.id, 'withdrawn'],
      [a.id, 'rejected'],
    ]);
  });

  it('refuses a policy whose reminder would come after expiry', async () => {
    const tenant = await t.world.tenant();
    const admin = await tenant.admin.login();
    const r = await admin.put<Problem>(`/api/v1/tenants/${tenant.id}/approval-policy`, { approvals_required: 1, high_risk_roles: [], expiry_days: 3, reminder_days: 3 });
    expect([r.status, r.body.code]).toEqual([400, 'approval_policy_invalid']);
    const role = await admin.put<Problem>(`/api/v1/tenants/${tenant.id}/approval-policy`, { approvals_required: 1, high_risk_roles: ['NOPE'], expiry_days: 3, reminder_days: 1 });
    expect([role.status, role.body.code]).toEqual([400, 'approval_policy_invalid']);
    const def = await admin.get<'/api/v1/tenants/{tenant_id}/approval-policy'>(`/api/v1/tenants/${tenant.id}/approval-policy`);
    expect(def.body).toMatchObject({ approvals_required: 1, expiry_days: 7, customized: false });
  });
});
