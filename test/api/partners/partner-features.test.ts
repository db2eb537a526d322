/**
 * The partner configuration manager, features and roles: the operator's feature catalog (CRUD, bad
 * input, audit), the effective feature (catalog default overlaid by the partner's section) in the
 * decision snapshot, PDF invoice export behind `exports.pdf`, opt-in features switched by the
 * partner's owner (not its staff, not a non-opt-in feature), and allowed roles — refused when a
 * partner requests a delegation role or assigns a member role it may not use, and in decide() for
 * a link or member that already holds one.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { ends, loginAs } from '../gateway/helpers.ts';

let t: TestApp;
let operator: Client;
let n = 0;
const key = (p: string) => `${p}.f${process.pid}x${++n}`;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

const catalog = async (k: string, extra: Record<string, unknown> = {}) => {
  const r = await operator.post('/api/v1/features', { key: k, name: `Feature ${k}`, description: 'A test feature.', default_on: false, opt_in: false, ...extra });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  return r.body;
};

describe('feature catalog (operator)', () => {
  it('lists the seeded PDF export, creates, updates forward only, retires; each change audited and in every snapshot', async () => {
    const list = await operator.get('/api/v1/features');
    expect(list.status).toBe(200);
    expect(list.body.data.find((f: { key: string }) => f.key === 'exports.pdf')).toMatchObject({ name: 'PDF invoice export', lifecycle: 'beta', default_on: false, opt_in: false });

    const k = key('beta');
    expect(await catalog(k)).toMatchObject({ key: k, lifecycle: 'beta', default_on: false, opt_in: false });
    await t.services.feed.drain();
    expect(t.services.authz.snapshot.features.get(k)).toMatchObject({ lifecycle: 'beta', defaultOn: false });

    const general = await operator.patch(`/api/v1/features/${k}`, { lifecycle: 'general', default_on: true });
    expect(general.body).toMatchObject({ lifecycle: 'general', default_on: true });
    const back = await operator.patch(`/api/v1/features/${k}`, { lifecycle: 'beta' });
    expect([back.status, back.body.code]).toEqual([409, 'invalid_lifecycle_transition']);
    const retired = await operator.post(`/api/v1/features/${k}/retire`, {});
    expect(retired.body.lifecycle).toBe('retired');
    await t.services.feed.drain();
    expect(t.services.authz.snapshot.features.get(k)?.lifecycle).toBe('retired');

    const events = await operator.get(`/api/v1/audit-events?target_id=${k}`);
    expect(events.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['feature.created', 'feature.retired', 'feature.updated']);
  });

  it('refuses bad input with a code and writes nothing', async () => {
    const k = key('dup');
    await catalog(k);
    const dup = await operator.post('/api/v1/features', { key: k, name: 'Again', description: 'x', default_on: true, opt_in: false });
    expect([dup.status, dup.body.code]).toEqual([409, 'feature_exists']);
    for (const body of [
      { key: 'Bad Key', name: 'x', description: 'x', default_on: true, opt_in: false },
      { key: 'ok.key', name: '', description: 'x', default_on: true, opt_in: false },
      { key: 'ok.key', name: 'x', description: 'x', default_on: 'yes', opt_in: false },
      { key: 'ok.key', name: 'x', description: 'x', default_on: true, opt_in: false, lifecycle: 'retired' },
      { key: 'ok.key', name: 'x', description: 'x', default_on: true, opt_in: false, colour: 'red' },
    ]) {
      const r = await operator.post('/api/v1/features', body);
      expect([r.status, r.body.code], JSON.stringify(body)).toEqual([400, 'validation_failed']);
    }
    expect((await operator.get('/api/v1/features')).body.data.some((f: { key: string }) => f.key === 'ok.key')).toBe(false);
    const missing = await operator.patch('/api/v1/features/no.such.feature', { name: 'x' });
    expect([missing.status, missing.body.code]).toEqual([404, 'feature_not_found']);
    const p = await t.world.partner();
    const owner = await loginAs(t, p.owner);
    expect((await owner.post('/api/v1/features', { key: key('x'), name: 'x', description: 'x', default_on: true, opt_in: true })).status).toBe(403);
  });
});

describe('effective features', () => {
  it('is the catalog default overlaid by the partner section; unknown keys and retired features are refused', async () => {
    const [a, b] = [await t.world.partner(), await t.world.partner()];
    const k = key('beta');
    await catalog(k);
    const on = await operator.put(`/api/v1/partners/${a.id}/configuration/features`, { value: { [k]: true } });
    expect(on.status).toBe(200);
    await t.services.feed.drain();
    const snap = t.services.authz.snapshot;
    expect([snap.featureEnabled(a.id, k), snap.featureEnabled(b.id, k)]).toEqual([true, false]);

    // a default-on feature switched off for one partner
    const g = key('general');
    await catalog(g, { lifecycle: 'general', default_on: true });
    await operator.put(`/api/v1/partners/${b.id}/configuration/features`, { value: { [g]: false } });
    await t.services.feed.drain();
    expect([snap.featureEnabled(a.id, g), snap.featureEnabled(b.id, g)]).toEqual([true, false]);

    const unknown = await operator.put(`/api/v1/partners/${a.id}/configuration/features`, { value: { [k]: true, 'no.such.feature': true } });
    expect([unknown.status, unknown.body.code]).toEqual([400, 'unknown_feature']);
    expect(unknown.body.errors[0].pointer).toBe('/body/value/no.such.feature');

    // retiring turns it off everywhere, and it cannot be switched on again
    await operator.post(`/api/v1/features/${k}/retire`, {});
    await t.services.feed.drain();
    expect(snap.featureEnabled(a.id, k)).toBe(false);
    const r = await operator.put(`/api/v1/partners/${b.id}/configuration/features`, { value: { [k]: true } });
    expect([r.status, r.body.code]).toEqual([400, 'feature_retired']);
    expect((await operator.get(`/api/v1/partners/${b.id}/configuration`)).body.config.features).toEqual({ [g]: false });
  });

  it('PDF invoice export works only for partners that have exports.pdf', async () => {
    const [inBeta, outside] = [await t.world.partner({ capabilities: ['managed_services'] }), await t.world.partner({ capabilities: ['managed_services'] })];
    await operator.put(`/api/v1/partners/${inBeta.id}/configuration/features`, { value: { 'exports.pdf': true } });
    await t.services.feed.drain();
    const yes = await loginAs(t, inBeta.staff);
    const no = await loginAs(t, outside.staff);
    const ok = await yes.post('/api/v1/partner/billing/invoices/export', { format: 'pdf' });
    expect([ok.status, String(ok.headers['content-type'])]).toEqual([200, 'application/pdf']);
    const refused = await no.post('/api/v1/partner/billing/invoices/export', { format: 'pdf' });
    expect([refused.status, refused.body.code]).toEqual([403, 'feature_not_enabled']);
    expect((await no.post('/api/v1/partner/billing/invoices/export', { format: 'csv' })).status).toBe(200);
    // switched off again: refused on the next request
    await operator.put(`/api/v1/partners/${inBeta.id}/configuration/features`, { value: null });
    await t.services.feed.drain();
    expect((await yes.post('/api/v1/partner/billing/invoices/export', { format: 'pdf' })).body.code).toBe('feature_not_enabled');
  });
});

describe('opt-in features (partner owner)', () => {
  it('the owner switches an opt-in feature (a new audited version); staff cannot; a non-opt-in feature cannot be switched', async () => {
    const p = await t.world.partner();
    const other = await t.world.partner();
    const k = key('optin');
    await catalog(k, { opt_in: true });
    const owner = await loginAs(t, p.owner);
    const staff = await loginAs(t, p.staff);

    const view = await owner.get(`/api/v1/partners/${p.id}/features`);
    expect(view.body.data.find((f: { key: string }) => f.key === k)).toMatchObject({ enabled: false, source: 'default', can_switch: true });
    expect(view.body.data.find((f: { key: string }) => f.key === 'exports.pdf')).toMatchObject({ enabled: false, can_switch: false });
    expect((await staff.get(`/api/v1/partners/${p.id}/features`)).body.data.find((f: { key: string }) => f.key === k).can_switch).toBe(false);

    const on = await owner.put(`/api/v1/partners/${p.id}/features/${k}`, { enabled: true });
    expect(on.status, JSON.stringify(on.body)).toBe(200);
    expect(on.body).toMatchObject({ key: k, enabled: true, source: 'partner' });
    await t.services.feed.drain();
    expect(t.services.authz.snapshot.featureEnabled(p.id, k)).toBe(true);
    const versions = await operator.get(`/api/v1/partners/${p.id}/configuration/versions`);
    expect(versions.body.data[0]).toMatchObject({ section: 'features', changes: [{ path: k, from: null, to: true }], changed_by: { id: p.owner.id } });
    expect((await operator.get(`/api/v1/audit-events?action=partner.config_changed&target_id=${p.id}`)).body.data).toHaveLength(1);

    const byStaff = await staff.put(`/api/v1/partners/${p.id}/features/${k}`, { enabled: false });
    expect([byStaff.status, byStaff.body.code]).toEqual([403, 'permission_denied']);
    const notOptIn = await owner.put(`/api/v1/partners/${p.id}/features/exports.pdf`, { enabled: true });
    expect([notOptIn.status, notOptIn.body.code]).toEqual([403, 'feature_not_opt_in']);
    const unknown = await owner.put(`/api/v1/partners/${p.id}/features/no.such.feature`, { enabled: true });
    expect([unknown.status, unknown.body.code]).toEqual([404, 'feature_not_found']);
    const foreign = await owner.put(`/api/v1/partners/${other.id}/features/${k}`, { enabled: true });
    expect(foreign.status).toBe(404);
    // a retired opt-in feature cannot be switched by the owner either
    const gone = key('optin');
    await catalog(gone, { opt_in: true });
    await operator.post(`/api/v1/features/${gone}/retire`, {});
    const retired = await owner.put(`/api/v1/partners/${p.id}/features/${gone}`, { enabled: true });
    expect([retired.status, retired.body.code]).toEqual([400, 'feature_retired']);
    await t.services.feed.drain();
    expect([t.services.authz.snapshot.featureEnabled(p.id, k), t.services.authz.snapshot.featureEnabled(p.id, 'exports.pdf'), t.services.authz.snapshot.featureEnabled(other.id, k)]).toEqual([true, false, false]);
  });
});

describe('allowed roles', () => {
  it('validates role names', async () => {
    const p = await t.world.partner();
    for (const [value, pointer] of [
      [{ member_roles: ['partner_msp_support', 'partner_wizard'] }, '/body/value/member_roles/1'],
      [{ delegation_roles: ['MSP_GOD'] }, '/body/value/delegation_roles/0'],
      [{ member_roles: ['MSP_SUPPORT'] }, '/body/value/member_roles/0'],
    ] as const) {
      const r = await operator.put(`/api/v1/partners/${p.id}/configuration/roles`, { value });
      expect([r.status, r.body.code, r.body.errors?.[0]?.pointer], JSON.stringify(value)).toEqual([400, 'unknown_role', pointer]);
    }
    expect((await operator.get(`/api/v1/partners/${p.id}/configuration`)).body.version).toBe(0);
  });

  it('an MSP limited to MSP_SUPPORT cannot request MSP_FULL, and its existing MSP_FULL link stops working in decide()', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const [held, asked] = [await t.world.tenant(), await t.world.tenant()];
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: held.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    await t.services.feed.drain();
    expect(t.services.authz.memberAccess(p.staff.id, p.id, held.id, 'orders.read').allow).toBe(true);

    expect((await operator.put(`/api/v1/partners/${p.id}/configuration/roles`, { value: { delegation_roles: ['MSP_SUPPORT'] } })).status).toBe(200);
    await t.services.feed.drain();
    const d = t.services.authz.memberAccess(p.staff.id, p.id, held.id, 'support.tickets.read');
    expect([d.allow, d.allow ? null : d.code]).toEqual([false, 'role_not_allowed']);

    const owner = await loginAs(t, p.owner);
    const full = await owner.post(`/api/v1/partners/${p.id}/delegations`, { tenant_slug: asked.slug, role: 'MSP_FULL', justification: 'Full management', ends_at: ends() });
    expect([full.status, full.body.code]).toEqual([403, 'role_not_allowed']);
    const support = await owner.post(`/api/v1/partners/${p.id}/delegations`, { tenant_slug: asked.slug, role: 'MSP_SUPPORT', justification: 'Support only', ends_at: ends() });
    expect(support.status, JSON.stringify(support.body)).toBe(201);

    // allowed again: the link works on the next request
    await operator.put(`/api/v1/partners/${p.id}/configuration/roles`, { value: null });
    await t.services.feed.drain();
    expect(t.services.authz.memberAccess(p.staff.id, p.id, held.id, 'orders.read').allow).toBe(true);
  });

  it('the owner cannot assign a member role the partner may not use, and a member holding one is refused in decide()', async () => {
    const p = await t.world.partner({ capabilities: ['managed_services'] });
    const tenant = await t.world.tenant();
    await t.services.delegations.create(t.world.ctx, { partnerId: p.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, endsAt: ends(), status: 'active' });
    const owner = await loginAs(t, p.owner);
    expect((await owner.put(`/api/v1/partners/${p.id}/members/${p.staff.id}/member-role`, { member_role: 'partner_msp_billing' })).status).toBe(200);
    await t.services.feed.drain();
    expect(t.services.authz.memberAccess(p.staff.id, p.id, tenant.id, 'billing.invoices.read').allow).toBe(true);

    await operator.put(`/api/v1/partners/${p.id}/configuration/roles`, { value: { member_roles: ['partner_msp_support', 'partner_auditor'] } });
    await t.services.feed.drain();
    const d = t.services.authz.memberAccess(p.staff.id, p.id, tenant.id, 'billing.invoices.read');
    expect([d.allow, d.allow ? null : d.code]).toEqual([false, 'role_not_allowed']);
    const assign = await owner.put(`/api/v1/partners/${p.id}/members/${p.staff.id}/member-role`, { member_role: 'partner_msp_full' });
    expect([assign.status, assign.body.code]).toEqual([403, 'role_not_allowed']);
    expect((await owner.put(`/api/v1/partners/${p.id}/members/${p.staff.id}/member-role`, { member_role: 'partner_msp_support' })).status).toBe(200);
    await t.services.feed.drain();
    expect(t.services.authz.memberAccess(p.staff.id, p.id, tenant.id, 'support.tickets.read').allow).toBe(true);
  });
});
