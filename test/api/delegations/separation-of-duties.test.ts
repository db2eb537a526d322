/**
 * Separation of duties in eligible access and renewals: a person who is both a member of the
 * partner and an admin of the tenant asks for an activation (or a renewal) on the partner's side;
 * they can never approve it themselves (403 self_approval_forbidden, nothing changes), another
 * admin of the tenant can. Until one does, the request simply waits.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as OTPAuth from 'otpauth';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client, Problem } from '../../helpers/http.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { loginAs } from '../gateway/helpers.ts';
import { activeLink, DAY } from './helpers.ts';

let t: TestApp;
const clock = new ManualClock(new Date().toISOString());

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(async () => {
  await t?.close();
});

const codeFor = (secret: string) => new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: clock.nowMs() });

/** Enrol an authenticator and prove it in this session (activations need a fresh second factor). */
async function stepUp(c: Client): Promise<void> {
  const start = await c.post<'/api/v1/me/mfa/totp'>('/api/v1/me/mfa/totp');
  expect(start.status).toBe(201);
  const confirm = await c.post<'/api/v1/me/mfa/totp/confirm'>('/api/v1/me/mfa/totp/confirm', { code: codeFor(start.body.secret) });
  expect(confirm.status).toBe(200);
  clock.advance(30_000);
  expect((await c.post('/api/v1/me/step-up', { code: codeFor(start.body.secret) })).status).toBe(200);
}

/** A link between a partner and a tenant whose partner owner is also an admin of the tenant. */
async function dualHat() {
  const tenant = await t.world.tenant();
  const partner = await t.world.partner({ capabilities: ['managed_services'] });
  const owner = await loginAs(t, partner.owner);
  const otherAdmin = await loginAs(t, tenant.admin);
  const delegationId = await activeLink(owner, otherAdmin, partner.id, tenant, { ends_at: new Date(clock.nowMs() + 90 * DAY).toISOString() });
  await t.world.joinTenant(tenant.id, partner.owner.id, 'TENANT_ADMIN');
  const both = await loginAs(t, partner.owner);
  return { tenant, partner, both, otherAdmin, delegationId };
}

describe('separation of duties', () => {
  it('the requester of an activation cannot approve it (they may withdraw it); another tenant admin can', async () => {
    const s = await dualHat();
    const put = await s.otherAdmin.put<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/access-settings'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/access-settings`, {
      eligible: true,
      max_activation_minutes: 240,
      approval_required: true,
    });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    await stepUp(s.both);
    const activate = (justification: string) =>
      s.both.post<'/api/v1/partners/{partner_id}/delegations/{delegation_id}/activate'>(`/api/v1/partners/${s.partner.id}/delegations/${s.delegationId}/activate`, { minutes: 60, justification });

    const first = await activate('asked by mistake');
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const self1 = await s.both.post<Problem>(`/api/v1/tenants/${s.tenant.id}/activations/${first.body.id}/approve`, {});
    expect([self1.status, self1.body.code]).toEqual([403, 'self_approval_forbidden']);
    // rejecting one's own request grants nothing, so it stays allowed (a withdrawal)
    const withdrawn = await s.both.post<'/api/v1/tenants/{tenant_id}/activations/{activation_id}/reject'>(`/api/v1/tenants/${s.tenant.id}/activations/${first.body.id}/reject`, {});
    expect([withdrawn.status, withdrawn.body.status]).toEqual([200, 'rejected']);

    const req = await activate('mailbox restore for the CEO');
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    expect(req.body.status).toBe('waiting');
    const self = await s.both.post<Problem>(`/api/v1/tenants/${s.tenant.id}/activations/${req.body.id}/approve`, {});
    expect([self.status, self.body.code]).toEqual([403, 'self_approval_forbidden']);
    // nothing changed: it still waits, for another admin
    const list = await s.both.get<'/api/v1/tenants/{tenant_id}/activations'>(`/api/v1/tenants/${s.tenant.id}/activations`);
    expect(list.body.waiting).toBe(1);
    expect(list.body.data.find((a) => a.id === req.body.id)).toMatchObject({ status: 'waiting', decided_by: null });

    const ok = await s.otherAdmin.post<'/api/v1/tenants/{tenant_id}/activations/{activation_id}/approve'>(`/api/v1/tenants/${s.tenant.id}/activations/${req.body.id}/approve`, {});
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body.status).toBe('active');
  });

  it('the requester of a renewal cannot approve it; the requester is shown; another tenant admin can', async () => {
    const s = await dualHat();
    const before = await s.both.get<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}`);
    const target = new Date(clock.nowMs() + 300 * DAY).toISOString();
    const r = await s.both.post<'/api/v1/partners/{partner_id}/delegations/{delegation_id}/renew'>(`/api/v1/partners/${s.partner.id}/delegations/${s.delegationId}/renew`, { ends_at: target });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body).toMatchObject({ renewal_ends_at: target, renewal_requested_by: s.partner.owner.id });

    const self = await s.both.post<Problem>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/renewal/approve`);
    expect([self.status, self.body.code]).toEqual([403, 'self_approval_forbidden']);
    const still = await s.otherAdmin.get<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}`);
    expect(still.body).toMatchObject({ ends_at: before.body.ends_at, renewal_ends_at: target, renewal_requested_by: s.partner.owner.id });

    const ok = await s.otherAdmin.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/renewal/approve'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/renewal/approve`);
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    expect(ok.body).toMatchObject({ ends_at: target, renewal_ends_at: null, renewal_requested_by: null });

    // a renewal a colleague asked for is the dual-hat admin's to approve, as before
    const colleague = await t.world.user({ label: 'colleague' });
    await t.world.joinPartner(s.partner.id, colleague.id, 'PARTNER_OWNER');
    const c = await loginAs(t, colleague);
    const later = new Date(clock.nowMs() + 400 * DAY).toISOString();
    const r2 = await c.post<'/api/v1/partners/{partner_id}/delegations/{delegation_id}/renew'>(`/api/v1/partners/${s.partner.id}/delegations/${s.delegationId}/renew`, { ends_at: later });
    expect(r2.body.renewal_requested_by, JSON.stringify(r2.body)).toBe(colleague.id);
    const byMe = await s.both.post<'/api/v1/tenants/{tenant_id}/delegations/{delegation_id}/renewal/approve'>(`/api/v1/tenants/${s.tenant.id}/delegations/${s.delegationId}/renewal/approve`);
    expect(byMe.status, JSON.stringify(byMe.body)).toBe(200);
    expect(byMe.body).toMatchObject({ ends_at: later, renewal_requested_by: null });
  });
});
