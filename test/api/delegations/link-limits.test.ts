/**
 * A customer's own limits on a partner's link — addresses, hours, an end — set by the customer's
 * admin, read by the partner, and enforced on the partner's very next request at every door (the
 * gateway and the partner API), with nothing read from the database on the request path. Runs on
 * SQLite, or on PostgreSQL + Redis when DATABASE_URL / REDIS_URL say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { apiToken, link } from '../gateway/helpers.ts';

let t: TestApp;
// Wednesday 2026-12-02, 10:00 in Paris (09:00 UTC)
const clock = new ManualClock(new Date('2026-12-02T09:00:00.000Z'));

beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

interface World {
  msp: TestPartner;
  tenant: TestTenant;
  delegationId: string;
  token: string;
  admin: Client;
  read: (ip?: string) => Promise<{ status: number; code?: string }>;
  partnerApi: (ip?: string) => Promise<{ status: number; code?: string }>;
  put: (body: object) => Promise<{ status: number; body: any }>;
}

async function world(): Promise<World> {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  const d = await link(t, msp, tenant, { endsAt: '2027-06-30T00:00:00.000Z' });
  const token = await apiToken(t, msp.staff);
  const admin = await tenant.admin.login();
  const call = async (url: string, ip: string) => {
    const r = await t.app.inject({ method: 'GET', url, remoteAddress: ip, headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenant.id } });
    return { status: r.statusCode, code: r.statusCode >= 400 ? (JSON.parse(r.body) as { code: string }).code : undefined };
  };
  return {
    msp,
    tenant,
    delegationId: d.id,
    token,
    admin,
    read: (ip = '198.51.100.7') => call('/resources/v1/orders', ip),
    partnerApi: (ip = '198.51.100.7') => call(`/api/v1/partner/customers/${tenant.id}`, ip),
    put: async (body) => {
      const r = await admin.put(`/api/v1/tenants/${tenant.id}/delegations/${d.id}/limits`, body);
      await t.services.feed.drain();
      return { status: r.status, body: r.body };
    },
  };
}

const NONE = { ip_allow: [], hours: null, expires_at: null };
const WEEKDAYS_PARIS = { days: [1, 2, 3, 4, 5], from: '08:00', to: '18:00', time_zone: 'Europe/Paris' };

describe("a customer's own limits on a link", () => {
  it('an address list refuses the partner from anywhere else on the next request, at the gateway and the partner API', async () => {
    const w = await world();
    expect((await w.read()).status).toBe(200);
    const r = await w.put({ ...NONE, ip_allow: ['203.0.113.0/24', ' 2001:db8::/32 '] });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.ip_allow).toEqual(['203.0.113.0/24', '2001:db8::/32']);
    expect(await w.read('198.51.100.7')).toEqual({ status: 403, code: 'link_address_not_allowed' });
    expect(await w.partnerApi('198.51.100.7')).toEqual({ status: 403, code: 'link_address_not_allowed' });
    expect((await w.read('203.0.113.9')).status).toBe(200);
    expect((await w.read('::ffff:203.0.113.9')).status).toBe(200);
    expect((await w.partnerApi('2001:db8::5')).status).toBe(200);
    // cleared: anywhere again
    expect((await w.put(NONE)).status).toBe(200);
    expect((await w.read('198.51.100.7')).status).toBe(200);
  });

  it("hours in the customer's time zone: open inside, refused outside, overnight windows span midnight", async () => {
    const w = await world();
    expect((await w.put({ ...NONE, hours: WEEKDAYS_PARIS })).status).toBe(200);
    expect((await w.read()).status).toBe(200); // Wednesday 10:00 in Paris
    clock.set(new Date('2026-12-02T17:30:00.000Z')); // 18:30 in Paris
    expect(await w.read()).toEqual({ status: 403, code: 'link_outside_hours' });
    expect(await w.partnerApi()).toEqual({ status: 403, code: 'link_outside_hours' });
    clock.set(new Date('2026-12-05T09:00:00.000Z')); // Saturday 10:00
    expect((await w.read()).code).toBe('link_outside_hours');
    // overnight, Friday 22:00 → Saturday 06:00 (set on a weekday: the admin's session is a day's)
    clock.set(new Date('2026-12-02T09:00:00.000Z'));
    expect((await w.put({ ...NONE, hours: { days: [5], from: '22:00', to: '06:00', time_zone: 'Europe/Paris' } })).status).toBe(200);
    clock.set(new Date('2026-12-05T04:00:00.000Z')); // Saturday 05:00 in Paris: Friday night's window
    expect((await w.read()).status).toBe(200);
    clock.set(new Date('2026-12-02T09:00:00.000Z'));
  });

  it('an end the customer chooses ends the link itself: the partner is refused after it, and removing it gives the link back its own end', async () => {
    const w = await world();
    const r = await w.put({ ...NONE, expires_at: '2026-12-10T00:00:00.000Z' });
    expect([r.status, r.body.expires_at, r.body.link_ends_at]).toEqual([200, '2026-12-10T00:00:00.000Z', '2026-12-10T00:00:00.000Z']);
    const partner = await w.msp.owner.login();
    const seen = await partner.get(`/api/v1/partners/${w.msp.id}/delegations/${w.delegationId}/limits`);
    expect([seen.status, seen.body.expires_at]).toEqual([200, '2026-12-10T00:00:00.000Z']);
    clock.set(new Date('2026-12-10T00:00:01.000Z'));
    expect((await w.read()).code).toBe('delegation_expired');
    clock.set(new Date('2026-12-02T09:00:00.000Z'));
    // removing the end gives the link back the end it had
    const back = await w.put(NONE);
    expect([back.body.expires_at, back.body.link_ends_at]).toEqual([null, '2027-06-30T00:00:00.000Z']);
    clock.set(new Date('2026-12-10T00:00:01.000Z'));
    expect((await w.read()).status).toBe(200);
    clock.set(new Date('2026-12-02T09:00:00.000Z'));
  });

  it('refuses what cannot hold, field by field, and changes nothing', async () => {
    const w = await world();
    const r = await w.put({ ip_allow: ['203.0.113.0/24', 'not-an-address', '10.0.0.1/33'], hours: { days: [], from: '25:00', to: '8', time_zone: 'Mars/Olympus' }, expires_at: '2027-12-31T00:00:00.000Z' });
    expect([r.status, r.body.code]).toEqual([400, 'link_limits_invalid']);
    expect(r.body.errors.map((e: { pointer: string }) => e.pointer).sort()).toEqual(['/expires_at', '/hours/days', '/hours/from', '/hours/time_zone', '/hours/to', '/ip_allow']);
    const past = await w.put({ ...NONE, expires_at: '2026-01-01T00:00:00.000Z' });
    expect([past.status, past.body.code]).toEqual([400, 'link_limits_invalid']);
    const unknownField = await w.put({ ...NONE, tenant_id: 'tnt_x' });
    expect(unknownField.status).toBe(400);
    expect((await w.read('198.51.100.7')).status).toBe(200);
    const now = await w.admin.get(`/api/v1/tenants/${w.tenant.id}/delegations/${w.delegationId}/limits`);
    expect([now.body.ip_allow, now.body.hours, now.body.updated_at]).toEqual([[], null, null]);
  });

  it("only the customer's admins set them, only on their own links; the change is audited for both sides", async () => {
    const w = await world();
    const other = await world();
    const wrong = await w.admin.put(`/api/v1/tenants/${w.tenant.id}/delegations/${other.delegationId}/limits`, NONE);
    expect([wrong.status, wrong.body.code]).toEqual([404, 'delegation_not_found']);
    const user = await w.tenant.user.login();
    expect((await user.put(`/api/v1/tenants/${w.tenant.id}/delegations/${w.delegationId}/limits`, NONE)).status).toBe(403);
    const partner = await w.msp.owner.login();
    expect((await partner.get(`/api/v1/partners/${w.msp.id}/delegations/${other.delegationId}/limits`)).status).toBe(404);
    expect((await w.put({ ...NONE, ip_allow: ['203.0.113.0/24'] })).status).toBe(200);
    const rows = await t.testDb.owner.kysely.selectFrom('audit_events').select(['tenant_id', 'partner_id', 'details']).where('action', '=', 'delegation.limits_changed').where('target_id', '=', w.delegationId).execute();
    expect(rows).toHaveLength(1);
    expect([rows[0]!.tenant_id, rows[0]!.partner_id]).toEqual([w.tenant.id, w.msp.id]);
  });
});
