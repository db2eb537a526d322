/**
 * GET /api/v1/me names each membership's permissions (wildcards expanded from the role catalog), so
 * the portal shows pages by permission instead of by role name. The server still checks every request.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface MeBody {
  permissions: string[];
  tenants: { tenant_id: string; role: string; permissions: string[] }[];
  partner: { role: string; permissions: string[] } | null;
}

describe('/me permissions', () => {
  it('a tenant admin may manage members; a tenant user may only read', async () => {
    const tenant = await t.world.tenant();
    const admin = (await (await tenant.admin.login()).get('/api/v1/me')).body as MeBody;
    const user = (await (await tenant.user.login()).get('/api/v1/me')).body as MeBody;
    expect(admin.permissions).toEqual([]);
    expect(admin.tenants[0].permissions).toEqual(expect.arrayContaining(['tenant.members.manage', 'tenant.delegations.manage', 'tenant.audit.read']));
    expect(admin.tenants[0].permissions.every((p) => !p.includes('*'))).toBe(true);
    expect(user.tenants[0].permissions).toContain('tenant.read');
    expect(user.tenants[0].permissions).not.toContain('tenant.members.manage');
    expect(user.partner).toBeNull();
  });

  it('a partner owner manages the team and reads the audit log; staff does neither', async () => {
    const partner = await t.world.partner({ capabilities: ['managed_services'] });
    const owner = (await (await partner.owner.login()).get('/api/v1/me')).body as MeBody;
    const staff = (await (await partner.staff.login()).get('/api/v1/me')).body as MeBody;
    expect(owner.partner?.permissions).toEqual(expect.arrayContaining(['partner.members.manage', 'partner.audit.read', 'partner.apps.manage']));
    expect(staff.partner?.permissions).toContain('partner.apps.read');
    expect(staff.partner?.permissions).not.toContain('partner.members.manage');
    expect(staff.partner?.permissions).not.toContain('partner.audit.read');
  });

  it('the operator gets the platform role permissions, also in the login answer', async () => {
    const op = await t.world.operator();
    const c = await op.login();
    const me = (await c.get('/api/v1/me')).body as MeBody;
    expect(me.permissions).toEqual(expect.arrayContaining(['platform.tenants.manage', 'platform.audit.read', 'platform.users.manage']));
    const again = await c.post('/api/v1/auth/login', { email: op.email, password: op.password });
    expect(again.status).toBe(200);
    expect((again.body as { me: MeBody }).me.permissions).toEqual(me.permissions);
  });
});
