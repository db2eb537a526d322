/**
 * The API reference an integrator reads: /openapi.json names and types every success response, groups
 * routes by audience, shows no lock on public routes, describes the OAuth endpoints oidc-provider serves,
 * and /docs is a searchable reader of it (Scalar).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { PUBLIC_ROUTES } from '../../helpers/access-matrix.ts';

type Op = { tags?: string[]; security?: unknown[]; responses?: Record<string, { description?: string; content?: Record<string, { schema?: Record<string, unknown> }> }>; 'x-served-by'?: string };
type Doc = { tags?: { name: string }[]; paths: Record<string, Record<string, Op>>; components: { schemas: Record<string, Record<string, unknown>> } };

const AUDIENCES = ['Public', 'Me', 'Operator', 'Tenant', 'Partner', 'Gateway', 'OAuth', 'Embed', 'Sync'];
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];

let t: TestApp;
let doc: Doc;
const ops: { method: string; path: string; op: Op }[] = [];

let uncompiledAtStart = 0;

beforeAll(async () => {
  t = await startTestApp();
  uncompiledAtStart = t.app.schemas.uncompiled;
  doc = (await t.client().get('/openapi.json')).body as Doc;
  for (const [path, byMethod] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(byMethod)) if (METHODS.includes(method)) ops.push({ method: method.toUpperCase(), path, op });
  }
});
afterAll(() => t.close());

describe('the OpenAPI document', () => {
  it('names every success response: no operation is left with "Default Response"', () => {
    expect(ops.length).toBeGreaterThan(140);
    const unnamed: string[] = [];
    for (const { method, path, op } of ops) {
      const responses = Object.entries(op.responses ?? {});
      const success = responses.filter(([status]) => /^[23]\d\d$/.test(status));
      if (success.length === 0 || responses.some(([, r]) => !r.description || r.description === 'Default Response')) unnamed.push(`${method} ${path}`);
    }
    expect(unnamed).toEqual([]);
  });

  it('types every JSON success response with a schema (a 204 has none)', () => {
    const untyped: string[] = [];
    for (const { method, path, op } of ops) {
      if (path.startsWith('/authz/forward-auth') || op['x-served-by']) continue; // forward-auth answers with headers; the provider's pages are HTML
      for (const [status, r] of Object.entries(op.responses ?? {})) {
        if (!/^2\d\d$/.test(status) || status === '204') continue;
        if (!r.content?.['application/json']?.schema) untyped.push(`${method} ${path} ${status}`);
      }
    }
    expect(untyped).toEqual([]);
  });

  it('tags every operation with exactly one audience, and lists the audiences in order', () => {
    expect(doc.tags?.map((x) => x.name)).toEqual(AUDIENCES);
    const bad = ops.filter(({ op }) => op.tags?.length !== 1 || !AUDIENCES.includes(op.tags[0])).map(({ method, path, op }) => `${method} ${path} ${JSON.stringify(op.tags)}`);
    expect(bad).toEqual([]);
    const tagOf = (m: string, p: string) => doc.paths[p][m].tags?.[0];
    expect(tagOf('get', '/api/v1/me')).toBe('Me');
    expect(tagOf('get', '/api/v1/users')).toBe('Operator');
    expect(tagOf('post', '/api/v1/partners/{partner_id}/approve')).toBe('Operator');
    expect(tagOf('get', '/api/v1/tenants/{tenant_id}/delegations')).toBe('Tenant');
    expect(tagOf('get', '/api/v1/partners/{partner_id}/apps')).toBe('Partner');
    expect(tagOf('get', '/api/v1/partner/customers')).toBe('Partner');
    expect(tagOf('get', '/resources/v1/orders')).toBe('Gateway');
    expect(tagOf('post', '/embed/v1/vouchers')).toBe('Embed');
    expect(tagOf('post', '/oauth/token')).toBe('OAuth');
  });

  it('shows no lock on public routes and keeps it on every other /api route', () => {
    const publicOps = ops.filter(({ method, path }) => PUBLIC_ROUTES.has(`${method} ${path}`) || path === '/healthz' || path === '/readyz');
    expect(publicOps.length).toBe(PUBLIC_ROUTES.size + 2);
    for (const { method, path, op } of publicOps) {
      expect(op.security, `${method} ${path}`).toEqual([]);
      expect(op.tags, `${method} ${path}`).toEqual(['Public']);
    }
    const unlocked = ops.filter(({ method, path, op }) => path.startsWith('/api/') && !PUBLIC_ROUTES.has(`${method} ${path}`) && Array.isArray(op.security) && op.security.length === 0);
    expect(unlocked.map(({ method, path }) => `${method} ${path}`)).toEqual([]);
  });

  it('describes the OAuth endpoints the server advertises in its discovery document', async () => {
    const discovery = (await t.client().get('/.well-known/openid-configuration')).body as Record<string, unknown>;
    const endpoints = ['authorization_endpoint', 'token_endpoint', 'introspection_endpoint', 'revocation_endpoint', 'pushed_authorization_request_endpoint', 'userinfo_endpoint', 'jwks_uri', 'end_session_endpoint'];
    for (const key of endpoints) {
      const path = new URL(String(discovery[key])).pathname;
      const documented = doc.paths[path];
      expect(documented, `${key} ${path}`).toBeDefined();
      for (const op of Object.values(documented)) expect(op.tags).toEqual(['OAuth']);
    }
    expect(doc.paths['/.well-known/openid-configuration']?.get?.security).toEqual([]);
    const token = doc.paths[new URL(String(discovery.token_endpoint)).pathname].post;
    expect(token.responses?.['200'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/TokenResponse' });
    expect(token.responses?.['400'].content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/OAuthError' });
  });

  it('refers to named schemas with realistic examples: ids that look like ids, times that look like times', () => {
    const ok = doc.paths['/api/v1/tenants/{tenant_id}'].get.responses?.['200'];
    expect(ok?.description).toBe('OK: Tenant');
    expect(ok?.content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/Tenant' });
    const tenant = doc.components.schemas.Tenant as { properties: Record<string, { examples?: unknown[] }> };
    expect(tenant.properties.id.examples?.[0]).toMatch(/^tnt_[0-9a-z]{26}$/);
    expect(tenant.properties.created_at.examples?.[0]).toMatch(/^\d{4}-\d\d-\d\dT/);
    const delegation = doc.components.schemas.Delegation as { properties: Record<string, { examples?: unknown[]; properties?: Record<string, { examples?: unknown[] }> }> };
    expect(delegation.properties.id.examples?.[0]).toMatch(/^dlg_/);
    expect(delegation.properties.partner.properties?.id.examples?.[0]).toMatch(/^ptr_/);
    expect(delegation.properties.bill_to_ban_id.examples?.[0]).toMatch(/^ban_/);
    for (const name of ['Partner', 'App', 'Order', 'Invoice', 'AuditEvent', 'Agency', 'Me', 'Problem']) expect(doc.components.schemas[name], name).toBeDefined();
  });
});

describe('/docs', () => {
  it('is the Scalar reference, served from this process, reading /openapi.json', async () => {
    const c = t.client();
    const page = await c.get('/docs/');
    expect(page.status).toBe(200);
    expect(String(page.headers['content-type'])).toContain('text/html');
    expect(String(page.body)).toContain('Scalar.createApiReference');
    const script = await c.get('/docs/js/scalar.js');
    expect(script.status).toBe(200);
    expect(String(page.body)).toContain('"url": "/openapi.json"');
    const bare = await c.get('/docs');
    expect([bare.status, bare.headers.location]).toEqual([301, '/docs/']);
  });
});

describe('route schemas', () => {
  it('compile on a route\'s first request, answer as before, and every one of them compiles', async () => {
    // nothing compiled at start: validators and serializers of ~300 routes wait for their first request
    expect(uncompiledAtStart).toBeGreaterThan(300);
    const before = t.app.schemas.uncompiled;
    const c = t.client();
    // the first request to a route compiles its validators: a wrong type is refused, naming the field
    const bad = await c.post('/api/v1/auth/login', { email: 42, password: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'validation_failed', errors: [expect.objectContaining({ pointer: '/body/email' })] });
    // query strings are still coerced ("2" → 2)
    const tenants = await (await (await t.world.operator()).login()).get('/api/v1/tenants?limit=2');
    expect(tenants.status).toBe(200);
    expect(tenants.body.data.length).toBeLessThanOrEqual(2);
    const used = before - t.app.schemas.uncompiled;
    expect(used).toBeGreaterThan(0);
    expect(used).toBeLessThan(40);
    // and a schema that cannot compile still fails CI: here, every one of them compiles
    t.app.schemas.compileAll();
    expect(t.app.schemas.uncompiled).toBe(0);
  });
});
