/**
 * GET /api/v1/roles and GET /api/v1/permissions: the role catalogs are data seeded by migration
 * (the MSP delegation roles, the partner permission matrix, platform and tenant roles), and what
 * the API lists is what the decision engine enforces. The expected grants are written out here,
 * from the issue, so a migration that changes a role's meaning fails this test.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { activeLink } from '../delegations/helpers.ts';

let t: TestApp;
let reader: Client;
let roles: { id: string; catalog: string; name: string; description: string; grants: string[] }[];
let permissions: string[];

beforeAll(async () => {
  t = await startTestApp();
  const tenant = await t.world.tenant();
  // the catalogs are for any signed-in user (the portal's forms read them): a plain tenant user
  reader = await tenant.user.login();
  roles = (await reader.get('/api/v1/roles')).body.data;
  permissions = (await reader.get('/api/v1/permissions')).body.data.map((p: { name: string }) => p.name);
});
afterAll(() => t.close());

/** This test's own wildcard rule: `*`, `a.b.*` (at least one segment more), or the exact name. */
function covers(grant: string, permission: string): boolean {
  if (grant === '*') return true;
  if (!grant.endsWith('.*')) return grant === permission;
  const head = grant.slice(0, -2).split('.');
  const p = permission.split('.');
  return p.length > head.length && head.every((s, i) => s === p[i]);
}
const expand = (grants: string[]) => permissions.filter((p) => grants.some((g) => covers(g, p)));
const role = (id: string) => {
  const r = roles.find((x) => x.id === id);
  expect(r, `role ${id}`).toBeDefined();
  return r!;
};

const RESOURCE_NAMESPACES = ['billing', 'orders', 'services', 'support', 'reports', 'alerts', 'vouchers'];
const isResource = (p: string) => RESOURCE_NAMESPACES.includes(p.split('.')[0]);
const RESOURCE_ALL = RESOURCE_NAMESPACES.map((n) => `${n}.*`);

describe('GET /api/v1/permissions', () => {
  it('lists every permission once, with a description, in dotted lowercase names', async () => {
    const r = await reader.get('/api/v1/permissions');
    expect(r.status).toBe(200);
    expect(new Set(permissions).size).toBe(permissions.length);
    for (const p of r.body.data) {
      expect(p.name).toMatch(/^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/);
      expect(p.description.length, p.name).toBeGreaterThan(3);
    }
    // the customer resource APIs and the portal planes are all there
    for (const p of ['billing.invoices.read', 'billing.invoices.export', 'orders.create', 'support.tickets.update', 'reports.sla.read', 'alerts.billing.read', 'vouchers.issue', 'tenant.delegations.manage', 'partner.delegations.manage', 'platform.delegations.manage']) {
      expect(permissions).toContain(p);
    }
  });

  it('needs a signed-in caller', async () => {
    for (const path of ['/api/v1/permissions', '/api/v1/roles']) {
      const r = await t.client().get(path);
      expect([r.status, r.body.code], path).toEqual([401, 'authentication_required']);
    }
  });
});

describe('GET /api/v1/roles', () => {
  it('holds the four catalogs, and ?catalog= filters them', async () => {
    expect(new Set(roles.map((r) => r.catalog))).toEqual(new Set(['platform', 'partner', 'tenant', 'delegation']));
    for (const [catalog, ids] of [
      ['platform', ['SUPER_ADMIN']],
      ['tenant', ['TENANT_ADMIN', 'TENANT_USER']],
      ['partner', ['PARTNER_OWNER', 'PARTNER_STAFF']],
      ['delegation', ['AUDITOR', 'DELEGATE', 'ENTERPRISE_HQ', 'MSP_BILLING', 'MSP_FULL', 'MSP_PROVISIONING', 'MSP_SUPPORT', 'WHOLESALE']],
    ] as const) {
      const r = await reader.get(`/api/v1/roles?catalog=${catalog}`);
      expect(r.status).toBe(200);
      const got = r.body.data.map((x: { id: string }) => x.id);
      for (const id of ids) expect(got, catalog).toContain(id);
      expect(r.body.data.every((x: { catalog: string }) => x.catalog === catalog)).toBe(true);
      if (catalog === 'delegation') expect([...got].sort()).toEqual([...ids]);
    }
    const bad = await reader.get('/api/v1/roles?catalog=everything');
    expect([bad.status, bad.body.code]).toEqual([400, 'validation_failed']);
  });

  it('gives every role a name and a description, and no grant that names nothing', () => {
    for (const r of roles) {
      expect(r.name.length, r.id).toBeGreaterThan(2);
      expect(r.description.length, r.id).toBeGreaterThan(5);
      for (const g of r.grants) expect(expand([g]).length, `${r.id} grant ${g}`).toBeGreaterThan(0);
    }
  });

  it('seeds the MSP delegation roles with exactly their grants', () => {
    expect(role('MSP_FULL').grants).toEqual(RESOURCE_ALL);
    expect(role('MSP_BILLING').grants).toEqual(['billing.*', 'reports.usage.read', 'alerts.billing.read']);
    expect(role('MSP_SUPPORT').grants).toEqual(['support.*', 'services.read', 'reports.sla.read', 'alerts.sla.read']);
    expect(role('MSP_PROVISIONING').grants).toEqual(['orders.*', 'services.*', 'vouchers.*', 'billing.accounts.read']);
    expect(role('ENTERPRISE_HQ').grants).toEqual(['billing.accounts.read', 'billing.invoices.read', 'billing.invoices.export', 'billing.summary.read', 'reports.*', 'alerts.*', 'support.*', 'orders.read', 'services.read']);
    expect(role('WHOLESALE').grants).toEqual(RESOURCE_ALL);
    expect(role('DELEGATE').grants).toEqual([]);
  });

  it('keeps every delegation role inside the customer resource APIs, and MSP_FULL covers all of them', () => {
    for (const r of roles.filter((x) => x.catalog === 'delegation')) {
      const outside = expand(r.grants).filter((p) => !isResource(p));
      expect(outside, r.id).toEqual([]);
    }
    expect(expand(role('MSP_FULL').grants)).toEqual(permissions.filter(isResource));
    // what each narrower role leaves out
    expect(expand(role('MSP_BILLING').grants).filter((p) => !p.startsWith('billing.')).sort()).toEqual(['alerts.billing.read', 'reports.usage.read']);
    expect(expand(role('MSP_SUPPORT').grants).some((p) => p.startsWith('billing.') || p.startsWith('orders.'))).toBe(false);
    expect(expand(role('MSP_PROVISIONING').grants).some((p) => p.startsWith('support.') || p === 'billing.invoices.read')).toBe(false);
    expect(expand(role('ENTERPRISE_HQ').grants).some((p) => p === 'orders.create' || p === 'services.manage' || p.startsWith('vouchers.'))).toBe(false);
  });

  it('makes AUDITOR read-only everywhere: exactly every read permission of the resource APIs', () => {
    const a = role('AUDITOR');
    expect(a.grants.every((g) => !g.includes('*')), 'no wildcard can let a write in').toBe(true);
    const got = expand(a.grants);
    expect(got.every((p) => p.endsWith('.read'))).toBe(true);
    expect(got).toEqual(permissions.filter((p) => isResource(p) && p.endsWith('.read')));
    for (const ns of RESOURCE_NAMESPACES) expect(got.some((p) => p.startsWith(ns + '.')), ns).toBe(true);
  });

  it('seeds the tenant and platform roles: a tenant user reads and orders but manages nothing', () => {
    const admin = expand(role('TENANT_ADMIN').grants);
    expect(admin).toEqual(expect.arrayContaining(['tenant.delegations.manage', 'tenant.members.manage', ...permissions.filter(isResource)]));
    expect(admin.some((p) => p.startsWith('platform.') || p.startsWith('partner.'))).toBe(false);
    const user = expand(role('TENANT_USER').grants);
    expect(user).toEqual(expect.arrayContaining(['tenant.read', 'billing.invoices.read', 'orders.create', 'support.tickets.create']));
    expect(user.filter((p) => p.endsWith('.manage') || p === 'tenant.update' || p === 'billing.invoices.export')).toEqual([]);
    expect(expand(role('SUPER_ADMIN').grants)).toEqual(expect.arrayContaining(['platform.delegations.manage', 'platform.tenants.manage']));
  });

  it('seeds the partner permission matrix: the owner manages, the staff reads', () => {
    const owner = expand(role('PARTNER_OWNER').grants);
    const staff = expand(role('PARTNER_STAFF').grants);
    expect(owner).toEqual(expect.arrayContaining(['partner.delegations.manage', 'partner.members.manage', 'partner.agreements.sign', 'partner.earnings.export', 'partner.customers.read']));
    expect(staff).toContain('partner.customers.read');
    for (const p of ['partner.delegations.manage', 'partner.members.manage', 'partner.agreements.sign']) expect(staff, p).not.toContain(p);
    // an operator-only step is no partner role's
    expect(owner).not.toContain('partner.agreements.approve');
  });
});

describe('the catalog is what the engine enforces', () => {
  it('an AUDITOR link yields exactly the read permissions, a DELEGATE link only its overrides', async () => {
    const tenant = await t.world.tenant();
    const partner = await t.world.partner();
    const owner = await partner.owner.login();
    const admin = await tenant.admin.login();
    const staff = await partner.staff.login();
    await activeLink(owner, admin, partner.id, tenant, { role: 'AUDITOR' });
    const ctx = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': tenant.id });
    expect(ctx.status).toBe(200);
    expect(ctx.body.permissions).toEqual(expand(role('AUDITOR').grants));

    const other = await t.world.tenant();
    await activeLink(owner, await other.admin.login(), partner.id, other, { role: 'DELEGATE', overrides: { grant: ['orders.read'] } });
    const d = await staff.get('/api/v1/partner/context', { 'x-active-tenant-id': other.id });
    expect(d.body.permissions).toEqual(['orders.read']);
  });
});
