/**
 * The MSP link lifecycle over HTTP, from both sides: request (by slug or invite code) →
 * approve / reject → context switching with X-Active-Tenant-Id → overrides → renewal → revoke /
 * relinquish → break-glass, each step audited for both sides and enforced on the next request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { activeLink, inDays, problemShape, requestLink } from './helpers.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface Cast {
  tenant: TestTenant;
  partner: TestPartner;
  admin: Client;
  owner: Client;
  staff: Client;
}

async function cast(capabilities: ('managed_services' | 'delegated' | 'wholesale' | 'referral')[] = ['managed_services']): Promise<Cast> {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities });
  return { tenant, partner, admin: await tenant.admin.login(), owner: await partner.owner.login(), staff: await partner.staff.login() };
}

const ctx = (c: Client, tenantId?: string) => c.get('/api/v1/partner/context', tenantId ? { 'x-active-tenant-id': tenantId } : {});

describe('requesting a link', () => {
  it('is pending until the tenant admin approves it, then the partner can switch to the tenant', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug, role: 'MSP_BILLING' });
    expect(d.status).toBe('requested');

    let r = await ctx(staff, tenant.id);
    expect([r.status, r.body.code]).toEqual([403, 'delegation_pending']);

    const pending = await admin.get(`/api/v1/tenants/${tenant.id}/delegations?status=requested`);
    expect(pending.status).toBe(200);
    expect(pending.body.data.map((x: { id: string }) => x.id)).toEqual([d.id]);
    expect(pending.body.data[0].partner.name).toBe(partner.name);

    const a = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/approve`, {});
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'active', role: 'MSP_BILLING', decided_by: tenant.admin.id });

    r = await ctx(staff, tenant.id);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ tenant_id: tenant.id, via: 'delegation', delegation_id: d.id, role: 'MSP_BILLING', ban_ids: null });
    expect(r.body.permissions).toContain('billing.invoices.read');
    expect(r.body.permissions).not.toContain('orders.create');
    expect(r.body.permissions).not.toContain('tenant.members.manage');

    // both sides see every step in their audit log
    const tenantAudit = await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.*`);
    expect(tenantAudit.body.data.map((e: { action: string }) => e.action)).toEqual(['delegation.approved', 'delegation.requested']);
    const partnerAudit = await owner.get(`/api/v1/partners/${partner.id}/audit-events?action=delegation.*`);
    expect(partnerAudit.body.data.map((e: { action: string }) => e.action)).toEqual(['delegation.approved', 'delegation.requested']);
    for (const e of tenantAudit.body.data) expect([e.tenant_id, e.partner_id, e.target.id]).toEqual([tenant.id, partner.id, d.id]);
  });

  it('can name the tenant by an invite code the tenant admin generates and rotates', async () => {
    const { tenant, partner, admin, owner } = await cast();
    expect((await admin.get(`/api/v1/tenants/${tenant.id}/invite-code`)).body).toEqual({ invite_code: null });
    const first = (await admin.post(`/api/v1/tenants/${tenant.id}/invite-code`)).body.invite_code as string;
    expect(first).toMatch(/^LINK-[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}$/);
    const second = (await admin.post(`/api/v1/tenants/${tenant.id}/invite-code`)).body.invite_code as string;
    expect(second).not.toBe(first);

    const stale = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { invite_code: first, role: 'AUDITOR', justification: 'audit', ends_at: inDays(30) });
    expect([stale.status, stale.body.code]).toEqual([404, 'invite_code_not_found']);
    const d = await requestLink(owner, partner.id, { invite_code: second, role: 'AUDITOR' });
    expect(d.tenant.id).toBe(tenant.id);

    expect((await admin.delete(`/api/v1/tenants/${tenant.id}/invite-code`)).status).toBe(204);
    const cleared = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { invite_code: second, role: 'AUDITOR', justification: 'audit', ends_at: inDays(30) });
    expect([cleared.status, cleared.body.code]).toEqual([404, 'invite_code_not_found']);
  });

  it('validates role, dates, billing accounts and permission overrides — never silently', async () => {
    const { tenant, partner, owner } = await cast();
    const base = { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'x', ends_at: inDays(30) };
    const cases: [Record<string, unknown>, number, string][] = [
      [{ role: 'GOD_MODE' }, 400, 'delegation_role_invalid'],
      [{ role: 'TENANT_ADMIN' }, 400, 'delegation_role_invalid'],
      [{ ends_at: inDays(731) }, 400, 'delegation_too_long'],
      [{ ends_at: inDays(-1) }, 400, 'delegation_window_invalid'],
      [{ starts_at: inDays(10), ends_at: inDays(5) }, 400, 'delegation_window_invalid'],
      [{ ends_at: undefined }, 400, 'validation_failed'],
      [{ ban_ids: ['BAN-0000000000'] }, 400, 'delegation_ban_invalid'],
      [{ overrides: { grant: ['Billing.Read'] } }, 400, 'invalid_permission'],
      [{ overrides: { deny: ['billing.invoice.read'] } }, 400, 'invalid_permission'],
      [{ overrides: { grant: ['tenant.members.manage'] } }, 400, 'invalid_permission'],
      [{ overrides: { grant: ['*'] } }, 400, 'invalid_permission'],
      [{ tenant_slug: undefined }, 400, 'tenant_reference_required'],
      [{ invite_code: 'LINK-AAAA-BBBB-CCCC' }, 400, 'tenant_reference_required'],
      [{ tenant_slug: 'no-such-tenant-anywhere' }, 404, 'tenant_not_found'],
      [{ extra: 1 }, 400, 'validation_failed'],
    ];
    for (const [patch, status, code] of cases) {
      const r = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { ...base, ...patch });
      expect([JSON.stringify(patch), r.status, r.body.code]).toEqual([JSON.stringify(patch), status, code]);
    }
    const ok = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { ...base, ban_ids: [tenant.bans[0].account_number], overrides: { deny: ['billing.invoices.export'] } });
    expect(ok.status).toBe(201);
    expect(ok.body.ban_ids).toEqual([tenant.bans[0].id]);
    const dup = await owner.post(`/api/v1/partners/${partner.id}/delegations`, base);
    expect([dup.status, dup.body.code]).toEqual([409, 'delegation_exists']);
    // nothing half-written: exactly one delegation exists
    const list = await owner.get(`/api/v1/partners/${partner.id}/delegations`);
    expect(list.body.data).toHaveLength(1);
  });

  it('needs the managed_services capability and the partner.delegations.manage permission', async () => {
    const { tenant, partner, owner, staff } = await cast(['delegated']);
    const r = await owner.post(`/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'x', ends_at: inDays(30) });
    expect([r.status, r.body.code]).toEqual([403, 'partner_capability_missing']);
    const s = await staff.post(`/api/v1/partners/${partner.id}/delegations`, { tenant_slug: tenant.slug, role: 'MSP_FULL', justification: 'x', ends_at: inDays(30) });
    expect([s.status, s.body.code]).toEqual([403, 'permission_denied']);
  });

  it('lets the tenant reject a request, which then refuses as rejected', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const d = await requestLink(owner, partner.id, { tenant_slug: tenant.slug });
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/reject`, { reason: 'we do not know you' });
    expect(r.body).toMatchObject({ status: 'rejected', revoke_reason: 'we do not know you' });
    const again = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/approve`, {});
    expect([again.status, again.body.code]).toEqual([409, 'invalid_delegation_transition']);
    expect((await ctx(staff, tenant.id)).body.code).toBe('delegation_rejected');
    // a new request is possible after a rejection
    await requestLink(owner, partner.id, { tenant_slug: tenant.slug });
  });
});

describe('context switching (X-Active-Tenant-Id)', () => {
  it('requires the header, and answers an unknown tenant exactly like a tenant without a delegation', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const other = await t.world.tenant();
    await activeLink(owner, admin, partner.id, tenant);

    const none = await ctx(staff);
    expect([none.status, none.body.code]).toEqual([400, 'tenant_context_required']);

    const unknown = await ctx(staff, 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9e');
    const unlinked = await ctx(staff, other.id);
    const garbage = await ctx(staff, '../../etc/passwd');
    expect(unknown.status).toBe(404);
    expect(unknown.body.code).toBe('delegation_not_found');
    expect(problemShape(unlinked.body)).toEqual(problemShape(unknown.body));
    expect(problemShape(garbage.body)).toEqual(problemShape(unknown.body));
    expect(unlinked.status).toBe(unknown.status);
    expect(unlinked.raw.body.length).toBe(unknown.raw.body.length);

    // the same for the MSP's customer view
    const cu = await staff.get(`/api/v1/partner/customers/tnt_01jd9x0a8q4m7w2k3v5b6c8d9e`);
    const cl = await staff.get(`/api/v1/partner/customers/${other.id}`);
    expect([cu.status, cu.body.code]).toEqual([404, 'delegation_not_found']);
    expect(problemShape(cl.body)).toEqual(problemShape(cu.body));

    // a tenant's own member resolves its own tenant without any delegation
    const own = await ctx(admin, tenant.id);
    expect(own.body).toMatchObject({ tenant_id: tenant.id, via: 'membership', delegation_id: null, role: 'TENANT_ADMIN' });
  });

  it('lists the customers a partner manages with the limited tenant view, and one customer in detail', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const second = await t.world.tenant();
    const d1 = await activeLink(owner, admin, partner.id, tenant, { ban_ids: [tenant.bans[1].id] });
    const d2 = await requestLink(owner, partner.id, { tenant_slug: second.slug, role: 'AUDITOR' });

    const list = await staff.get('/api/v1/partner/customers');
    expect(list.status).toBe(200);
    const byTenant = Object.fromEntries(list.body.data.map((c: { tenant: { id: string }; delegation: { id: string; status: string } }) => [c.tenant.id, c.delegation]));
    expect(byTenant[tenant.id]).toMatchObject({ id: d1, status: 'active' });
    expect(byTenant[second.id]).toMatchObject({ id: d2.id, status: 'requested' });
    expect(Object.keys(list.body.data[0].tenant).sort()).toEqual(['created_at', 'id', 'name', 'slug', 'status', 'tier']);

    const detail = await staff.get(`/api/v1/partner/customers/${tenant.id}`);
    expect(detail.status).toBe(200);
    expect(detail.body.billing_accounts.map((b: { id: string }) => b.id)).toEqual([tenant.bans[1].id]);
    expect(detail.body.permissions).toContain('orders.create');
    expect(detail.body.delegation.id).toBe(d1);

    const pending = await staff.get(`/api/v1/partner/customers/${second.id}`);
    expect([pending.status, pending.body.code]).toEqual([403, 'delegation_pending']);

    // someone in no partner organization
    const outsider = await second.user.login();
    const o = await outsider.get('/api/v1/partner/customers');
    expect([o.status, o.body.code]).toEqual([403, 'not_partner_member']);
  });
});

describe('changing, renewing and ending a delegation', () => {
  it('applies tenant overrides at once: deny wins over the role, grant widens it', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const id = await activeLink(owner, admin, partner.id, tenant, { role: 'MSP_SUPPORT' });
    const check = (action: string) => staff.post('/api/v1/authz/check', { action, tenant_id: tenant.id });
    expect((await check('support.tickets.create')).body).toMatchObject({ allow: true, via: 'delegation', delegation_id: id });
    expect((await check('billing.invoices.read')).body).toMatchObject({ allow: false, code: 'permission_denied' });

    const bad = await admin.patch(`/api/v1/tenants/${tenant.id}/delegations/${id}`, { overrides: { deny: ['support..tickets'] } });
    expect([bad.status, bad.body.code]).toEqual([400, 'invalid_permission']);

    const p = await admin.patch(`/api/v1/tenants/${tenant.id}/delegations/${id}`, { overrides: { grant: ['billing.invoices.read'], deny: ['support.tickets.create'] } });
    expect(p.status).toBe(200);
    expect(p.body.overrides).toEqual({ grant: ['billing.invoices.read'], deny: ['support.tickets.create'] });
    expect((await check('support.tickets.create')).body).toMatchObject({ allow: false, code: 'permission_denied', matched: { source: 'override_deny', grant: 'support.tickets.create' } });
    expect((await check('billing.invoices.read')).body).toMatchObject({ allow: true, matched: { source: 'override_grant', grant: 'billing.invoices.read' } });

    const ex = await staff.post('/api/v1/authz/explain', { action: 'support.tickets.create', tenant_id: tenant.id });
    expect(ex.status).toBe(200);
    expect(ex.body.checks.map((c: { check: string }) => c.check)).toEqual([
      'user_active',
      'tenant_context',
      'partner_membership_active',
      'mfa',
      'partner_active',
      'delegation_found',
      'delegation_state',
      'delegation_approver',
      'partner_capability',
      'tenant_active',
      'feature_toggle',
      'override_deny',
    ]);
    expect(ex.body.checks.at(-1)).toMatchObject({ check: 'override_deny', passed: false });
    expect(ex.body.effective_permissions).toContain('billing.invoices.read');
    expect(ex.body.effective_permissions).not.toContain('support.tickets.create');

    const audit = await owner.get(`/api/v1/partners/${partner.id}/audit-events?action=delegation.access_changed`);
    expect(audit.body.data).toHaveLength(1);
    expect(audit.body.data[0].details.overrides.to).toEqual({ grant: ['billing.invoices.read'], deny: ['support.tickets.create'] });
  });

  it('restricts billing accounts: a covered BAN is allowed, another is ban_not_covered', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    await activeLink(owner, admin, partner.id, tenant, { ban_ids: [tenant.bans[0].account_number] });
    const yes = await staff.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id, ban: tenant.bans[0].account_number });
    const no = await staff.post('/api/v1/authz/check', { action: 'billing.invoices.read', tenant_id: tenant.id, ban: tenant.bans[1].id });
    expect(yes.body).toMatchObject({ allow: true, ban_ids: [tenant.bans[0].id] });
    expect(no.body).toMatchObject({ allow: false, code: 'ban_not_covered' });
  });

  it('renews on the partner request once the tenant approves the new end date', async () => {
    const { tenant, partner, admin, owner } = await cast();
    const id = await activeLink(owner, admin, partner.id, tenant);
    const before = (await admin.get(`/api/v1/tenants/${tenant.id}/delegations/${id}`)).body.ends_at;
    const tooFar = await owner.post(`/api/v1/partners/${partner.id}/delegations/${id}/renew`, { ends_at: inDays(800) });
    expect([tooFar.status, tooFar.body.code]).toEqual([400, 'delegation_too_long']);
    const shorter = await owner.post(`/api/v1/partners/${partner.id}/delegations/${id}/renew`, { ends_at: inDays(10) });
    expect([shorter.status, shorter.body.code]).toEqual([400, 'delegation_window_invalid']);
    const none = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/renewal/approve`);
    expect([none.status, none.body.code]).toEqual([409, 'renewal_not_requested']);

    const target = inDays(365);
    const r = await owner.post(`/api/v1/partners/${partner.id}/delegations/${id}/renew`, { ends_at: target });
    expect(r.body).toMatchObject({ ends_at: before, renewal_ends_at: target });
    const ok = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/renewal/approve`);
    expect(ok.body).toMatchObject({ ends_at: target, renewal_ends_at: null, status: 'active' });

    await owner.post(`/api/v1/partners/${partner.id}/delegations/${id}/renew`, { ends_at: inDays(500) });
    const declined = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/renewal/reject`);
    expect(declined.body).toMatchObject({ ends_at: target, renewal_ends_at: null });
    const actions = (await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.*`)).body.data.map((e: { action: string }) => e.action);
    expect(actions.slice(0, 4)).toEqual(['delegation.renewal_rejected', 'delegation.renewal_requested', 'delegation.renewed', 'delegation.renewal_requested']);
  });

  it('refuses the next request after the tenant revokes, and after the partner relinquishes', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    const id = await activeLink(owner, admin, partner.id, tenant);
    expect((await ctx(staff, tenant.id)).status).toBe(200);
    const noReason = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/revoke`, {});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'validation_failed']);
    const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/revoke`, { reason: 'contract ended' });
    expect(r.body).toMatchObject({ status: 'revoked', revoked_by: tenant.admin.id, revoke_reason: 'contract ended' });
    const after = await ctx(staff, tenant.id);
    expect([after.status, after.body.code]).toEqual([403, 'delegation_revoked']);
    const twice = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/${id}/revoke`, { reason: 'again' });
    expect([twice.status, twice.body.code]).toEqual([409, 'invalid_delegation_transition']);

    const id2 = await activeLink(owner, admin, partner.id, tenant);
    expect((await ctx(staff, tenant.id)).body.delegation_id).toBe(id2);
    const rel = await owner.post(`/api/v1/partners/${partner.id}/delegations/${id2}/relinquish`, { reason: 'no longer needed' });
    expect(rel.body).toMatchObject({ status: 'revoked', revoked_by: partner.owner.id });
    expect((await ctx(staff, tenant.id)).body.code).toBe('delegation_revoked');
    const events = (await admin.get(`/api/v1/tenants/${tenant.id}/audit-events?action=delegation.revoked`)).body.data;
    expect(events.map((e: { details: { side: string } }) => e.details.side)).toEqual(['partner', 'tenant']);
  });

  it('refuses as soon as the partner is suspended, and again allows after reactivation', async () => {
    const { tenant, partner, admin, owner, staff } = await cast();
    await activeLink(owner, admin, partner.id, tenant);
    const op = await (await t.world.operator()).login();
    expect((await op.post(`/api/v1/partners/${partner.id}/suspend`, { reason: 'audit' })).status).toBe(200);
    await t.services.feed.drain();
    const c = await staff.post('/api/v1/authz/check', { action: 'orders.read', tenant_id: tenant.id });
    expect(c.body).toMatchObject({ allow: false, code: 'partner_inactive' });
    await op.post(`/api/v1/partners/${partner.id}/reactivate`, {});
    await t.services.feed.drain();
    expect((await staff.post('/api/v1/authz/check', { action: 'orders.read', tenant_id: tenant.id })).body.allow).toBe(true);
  });
});

describe('break-glass and the operator view', () => {
  it("lets a tenant admin revoke all of one partner's delegations on its tenant in one action", async () => {
    const { tenant, partner, admin, owner, staff } = await cast(['managed_services', 'delegated']);
    const link = await activeLink(owner, admin, partner.id, tenant);
    const consent = await t.services.delegations.create(t.world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'consent', role: 'DELEGATE', scopes: ['billing.*'], overrides: { grant: ['billing.invoices.read'] }, endsAt: inDays(30), clientId: 'client-x' });
    const elsewhere = await t.world.tenant();
    const otherLink = await activeLink(owner, await elsewhere.admin.login(), partner.id, elsewhere);

    const other = await t.world.tenant();
    const wrong = await (await other.admin.login()).post(`/api/v1/tenants/${tenant.id}/delegations/break-glass`, { partner_id: partner.id, reason: 'x' });
    expect([wrong.status, wrong.body.code]).toEqual([404, 'tenant_not_found']);

    const r = await admin.post(`/api/v1/tenants/${tenant.id}/delegations/break-glass`, { partner_id: partner.id, reason: 'suspected compromise' });
    expect(r.status).toBe(200);
    expect([...r.body.revoked].sort()).toEqual([link, consent.id].sort());
    expect((await ctx(staff, tenant.id)).body.code).toBe('delegation_revoked');
    expect((await ctx(staff, elsewhere.id)).body.delegation_id).toBe(otherLink);
    const bg = (await owner.get(`/api/v1/partners/${partner.id}/audit-events?action=delegation.break_glass`)).body.data;
    expect(bg).toHaveLength(1);
    expect(bg[0]).toMatchObject({ tenant_id: tenant.id, partner_id: partner.id });
  });

  it("lets the operator see every delegation, filter it, and break glass on a partner everywhere", async () => {
    const a = await cast();
    const b = await cast();
    const op = await (await t.world.operator()).login();
    const la = await activeLink(a.owner, a.admin, a.partner.id, a.tenant);
    const lb = await requestLink(b.owner, b.partner.id, { tenant_slug: b.tenant.slug });
    const second = await t.world.tenant();
    const la2 = await activeLink(a.owner, await second.admin.login(), a.partner.id, second);

    const byPartner = await op.get(`/api/v1/delegations?partner_id=${a.partner.id}`);
    expect(byPartner.body.data.map((x: { id: string }) => x.id).sort()).toEqual([la, la2].sort());
    const pending = await op.get(`/api/v1/delegations?partner_id=${b.partner.id}&status=requested&origin=link`);
    expect(pending.body.data.map((x: { id: string }) => x.id)).toEqual([lb.id]);
    const byTenant = await op.get(`/api/v1/delegations?tenant_id=${second.id}`);
    expect(byTenant.body.data.map((x: { id: string }) => x.id)).toEqual([la2]);
    const paged = await op.get(`/api/v1/delegations?partner_id=${a.partner.id}&limit=1`);
    expect(paged.body.data).toHaveLength(1);
    const next = await op.get(`/api/v1/delegations?partner_id=${a.partner.id}&limit=1&cursor=${paged.body.next_cursor}`);
    expect(next.body.data).toHaveLength(1);
    expect(next.body.data[0].id).not.toBe(paged.body.data[0].id);

    // not for anyone else
    const denied = await a.admin.get('/api/v1/delegations');
    expect([denied.status, denied.body.code]).toEqual([403, 'permission_denied']);

    const bg = await op.post('/api/v1/delegations/break-glass', { partner_id: a.partner.id, reason: 'partner compromised' });
    expect([...bg.body.revoked].sort()).toEqual([la, la2].sort());
    expect((await ctx(a.staff, a.tenant.id)).body.code).toBe('delegation_revoked');
    expect((await ctx(a.staff, second.id)).body.code).toBe('delegation_revoked');
    // The all-tenants summary event has no tenant (the operator's), but each tenant sees the
    // revocation of its own delegation in its audit log, with the break-glass reason.
    for (const [admin, tenantId, id] of [[a.admin, a.tenant.id, la], [await second.admin.login(), second.id, la2]] as const) {
      const seen = (await admin.get(`/api/v1/tenants/${tenantId}/audit-events?action=delegation.revoked`)).body.data;
      expect(seen, tenantId).toHaveLength(1);
      expect(seen[0]).toMatchObject({ tenant_id: tenantId, partner_id: a.partner.id, target: { type: 'delegation', id }, details: { side: 'operator', reason: 'break-glass: partner compromised' } });
      expect((await admin.get(`/api/v1/tenants/${tenantId}/audit-events?action=delegation.break_glass`)).body.data).toHaveLength(0);
    }
    const summary = (await op.get(`/api/v1/audit-events?action=delegation.break_glass&partner_id=${a.partner.id}`)).body.data;
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ tenant_id: null, details: { side: 'operator', revoked: expect.arrayContaining([la, la2]) } });

    const rv = await op.post(`/api/v1/delegations/${lb.id}/revoke`, { reason: 'cleanup' });
    expect(rv.body.status).toBe('revoked');
  });

  it('answers another tenant or partner on delegation routes like a missing delegation', async () => {
    const a = await cast();
    const b = await cast();
    const la = await activeLink(a.owner, a.admin, a.partner.id, a.tenant);
    // b's admin addresses a's delegation under b's own tenant: absent
    const r = await b.admin.post(`/api/v1/tenants/${b.tenant.id}/delegations/${la}/revoke`, { reason: 'x' });
    expect([r.status, r.body.code]).toEqual([404, 'delegation_not_found']);
    const g = await b.owner.get(`/api/v1/partners/${b.partner.id}/delegations/${la}`);
    expect([g.status, g.body.code]).toEqual([404, 'delegation_not_found']);
    const rn = await b.owner.post(`/api/v1/partners/${b.partner.id}/delegations/${la}/relinquish`, { reason: 'x' });
    expect([rn.status, rn.body.code]).toEqual([404, 'delegation_not_found']);
    // still active
    expect((await ctx(a.staff, a.tenant.id)).status).toBe(200);
  });
});
