import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { apiRoutes, fill, PUBLIC_ROUTES, type RouteSpec } from '../../helpers/access-matrix.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';

let t: TestApp;
let routes: RouteSpec[];
let tenantA: TestTenant;
let tenantB: TestTenant;
let partnerA: TestPartner;
let partnerB: TestPartner;

/** Operator-only routes refuse everyone else with 403 before any organization check. */
const isOperatorOnly = (r: RouteSpec) =>
  /^\/api\/v1\/(users|audit-events|audit-streams|audit-export|audit-retention|delegations|access-templates|program|webhooks|mail-outbox|plans|mfa-policies|features|access-review|domains|overview|data-sources|sso|gateway-routes|partner-imports|platform)\b/.test(r.path) ||
  // everyone signed in reads the purpose catalog; only the operator changes it
  (r.method !== 'GET' && r.path.startsWith('/api/v1/purposes')) ||
  (r.method === 'POST' && r.path === '/api/v1/tenants') ||
  (r.method === 'POST' && r.path === '/api/v1/partners') ||
  (r.method === 'PUT' && r.path === '/api/v1/partners/{partner_id}/distributor') ||
  /\/partners\/\{partner_id\}\/(approve|reject|suspend|reactivate|terminate|capabilities|feature-toggles|branding\/customers|configuration(\/[a-z]+)?)$/.test(r.path);

beforeAll(async () => {
  t = await startTestApp();
  routes = await apiRoutes(t.client());
  [tenantA, tenantB, partnerA, partnerB] = [await t.world.tenant(), await t.world.tenant(), await t.world.partner(), await t.world.partner()];
});
afterAll(() => t.close());

describe('every /api route, from the OpenAPI document', () => {
  it('covers a real number of routes', () => {
    expect(routes.length).toBeGreaterThan(40);
    expect(routes.filter((r) => r.public).length).toBe(PUBLIC_ROUTES.size);
  });

  it('belongs to exactly one audience router, the one its URL names, whose guard the checks below exercise', () => {
    const routersOf = new Map<string, string[]>();
    for (const m of t.app.routers) {
      const key = `${m.method} ${m.url.replace(/:(\w+)/g, '{$1}')}`;
      routersOf.set(key, [...(routersOf.get(key) ?? []), m.router]);
    }
    const expected = (r: RouteSpec): string[] => {
      if (r.path.startsWith('/api/v1/tenants/{tenant_id}')) return ['tenant'];
      if (r.path.startsWith('/api/v1/partners/{partner_id}')) return ['partner'];
      if (r.path.startsWith('/api/v1/partner/')) return ['partner-self'];
      if (r.public) return ['public'];
      return isOperatorOnly(r) ? ['operator'] : ['me'];
    };
    const failures: string[] = [];
    for (const r of routes) {
      const got = routersOf.get(`${r.method} ${r.path}`) ?? [];
      if (got.length !== 1 || got[0] !== expected(r)[0]) failures.push(`${r.method} ${r.path} → [${got.join(', ')}], expected ${expected(r)[0]}`);
    }
    expect(failures).toEqual([]);
    // the public router takes nothing but the public routes
    const publicRoutes = t.app.routers.filter((m) => m.router === 'public' && m.method !== 'HEAD').map((m) => `${m.method} ${m.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(publicRoutes.sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('asks for credentials on an /api path no route answers before it says 404, and never lets it be cached', async () => {
    const anon = await t.client().get('/api/v1/no-such-thing');
    expect([anon.status, anon.body.code]).toEqual([401, 'authentication_required']);
    const admin = await tenantA.admin.login();
    const known = await admin.get('/api/v1/no-such-thing');
    expect([known.status, known.body.code, known.headers['cache-control']]).toEqual([404, 'not_found', 'no-store']);
    expect((await admin.get(`/api/v1/tenants/${tenantA.id}/no-such-thing`)).status).toBe(404);
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
