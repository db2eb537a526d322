import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiRoutes, fill, type RouteSpec } from '../../helpers/access-matrix.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

let t: TestApp;
let routes: RouteSpec[];
let tenantA: TestTenant;
let tenantB: TestTenant;
let partnerA: TestPartner;
let partnerB: TestPartner;

/** Operator-only routes refuse everyone else with 403 before any organization check. */
const isOperatorOnly = (r: RouteSpec) =>
  /^\/api\/v1\/(users|audit-events)\b/.test(r.path) ||
  (r.method === 'POST' && r.path === '/api/v1/tenants') ||
  /\/partners\/\{partner_id\}\/(approve|reject|suspend|reactivate|terminate|capabilities|feature-toggles)$/.test(r.path);

beforeAll(async () => {
  t = await startTestApp();
  routes = await apiRoutes(t.client());
  [tenantA, tenantB, partnerA, partnerB] = [await t.world.tenant(), await t.world.tenant(), await t.world.partner(), await t.world.partner()];
});
afterAll(() => t.close());

describe('every /api route, from the OpenAPI document', () => {
  it('covers a real number of routes', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.public).length).toBe(4);
  });

  it('refuses callers without credentials with 401 authentication_required', async () => {
    const anon = t.client();
    const failures: string[] = [];
    for (const r of routes.filter((x) => !x.public)) {
      const res = await anon.request(r.method, fill(r.path, { tenant_id: tenantA.id, partner_id: partnerA.id }), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 401 || res.body?.code !== 'authentication_required') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers an admin of another tenant on every tenant route like a missing tenant (404)", async () => {
    const admin = await tenantA.admin.login();
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/tenants/{tenant_id}') && !isOperatorOnly(x))) {
      const res = await admin.request(r.method, fill(r.path, { tenant_id: tenantB.id }), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 404 || res.body?.code !== 'tenant_not_found') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
  });

  it("answers the owner of another partner on every partner route like a missing partner (404)", async () => {
    const owner = await partnerA.owner.login();
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/partners/{partner_id}') && !isOperatorOnly(x))) {
      const res = await owner.request(r.method, fill(r.path, { partner_id: partnerB.id }), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 404 || res.body?.code !== 'partner_not_found') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses someone in no partner organization on every partner route with 403 not_partner_member', async () => {
    const outsider = await tenantA.user.login();
    const failures: string[] = [];
    for (const r of routes.filter((x) => x.path.startsWith('/api/v1/partners/{partner_id}') && !isOperatorOnly(x))) {
      const res = await outsider.request(r.method, fill(r.path, { partner_id: partnerA.id }), ['GET', 'DELETE'].includes(r.method) ? undefined : {});
      if (res.status !== 403 || res.body?.code !== 'not_partner_member') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
  });

  it('refuses operator-only routes to everyone else with 403 permission_denied', async () => {
    const admin = await tenantA.admin.login();
    const operatorOnly = routes.filter(isOperatorOnly);
    expect(operatorOnly.length).toBeGreaterThanOrEqual(12);
    const owner = await partnerA.owner.login();
    const failures: string[] = [];
    for (const r of operatorOnly) {
      const caller = r.path.includes('{partner_id}') ? owner : admin;
      const res = await caller.request(r.method, fill(r.path, { partner_id: partnerA.id }), ['GET', 'DELETE'].includes(r.method) ? undefined : { reason: 'x', capabilities: ['referral'], feature_toggles: {}, name: 'x', slug: 'xyz' });
      if (res.status !== 403 || res.body?.code !== 'permission_denied') failures.push(`${r.method} ${r.path} → ${res.status} ${res.body?.code}`);
    }
    expect(failures).toEqual([]);
  });
});
