/**
 * Input the schemas alone did not catch: the NUL character (PostgreSQL cannot store it), empty
 * PATCH bodies, undeclared query parameters and bodies, overlong ids and broken percent-encoding.
 * Each answers 4xx in the RFC 9457 envelope with a stable code, on SQLite and PostgreSQL alike.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { unique, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { mapDbError } from '../../../src/platform/errors/db-errors.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { usingPostgres } from '../../helpers/db.ts';

let t: TestApp;
let operator: Client;
let tenant: TestTenant;
let partner: TestPartner;
let admin: Client;
let owner: Client;

beforeAll(async () => {
  t = await startTestApp();
  operator = await (await t.world.operator()).login();
  tenant = await t.world.tenant();
  partner = await t.world.partner();
  admin = await tenant.admin.login();
  owner = await partner.owner.login();
});
afterAll(() => t.close());

function expectProblem(r: { status: number; body: any; headers: Record<string, unknown> }, status: number, code: string) {
  expect(r.status, JSON.stringify(r.body)).toBe(status);
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  expect(r.body).toMatchObject({ status, code, type: expect.stringContaining('https://'), title: expect.any(String), detail: expect.any(String), request_id: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.ts:\d+|node_modules|Error:|FST_ERR/);
}

const NUL = '\u0000';

describe('the NUL character', () => {
  it.each([
    ['POST /api/v1/tenants name', () => operator.post('/api/v1/tenants', { name: `a${NUL}b`, slug: unique('nul') }), '/body/name'],
    ['PATCH /api/v1/partners/{id} description', () => owner.patch(`/api/v1/partners/${partner.id}`, { description: `x${NUL}` }), '/body/description'],
    ['PATCH /api/v1/me name', () => admin.patch('/api/v1/me', { name: `${NUL}` }), '/body/name'],
    ['POST billing account name', () => admin.post(`/api/v1/tenants/${tenant.id}/billing-accounts`, { name: `Acc${NUL}` }), '/body/name'],
    ['POST /api/v1/auth/login password', () => t.client().post('/api/v1/auth/login', { email: 'x@example.test', password: `p${NUL}` }), '/body/password'],
    ['POST /api/v1/partner-applications owner name', () => t.client().post('/api/v1/partner-applications', { name: 'P', contact_email: 'p@example.test', owner: { name: `O${NUL}`, email: 'o@example.test', password: 'long enough password' } }), '/body/owner/name'],
    ['GET /api/v1/tenants?q=a%00b', () => operator.get('/api/v1/tenants?q=a%00b'), '/querystring/q'],
    ['GET /api/v1/users?q=%00', () => operator.get('/api/v1/users?q=%00'), '/querystring/q'],
    ['GET /api/v1/audit-events?target_id=a%00b', () => operator.get('/api/v1/audit-events?target_id=a%00b'), '/querystring/target_id'],
    ['GET tenant audit ?actor_user_id=%00', () => admin.get(`/api/v1/tenants/${tenant.id}/audit-events?actor_user_id=%00`), '/querystring/actor_user_id'],
  ])('%s → 400 validation_failed naming the field', async (_name, call, pointer) => {
    const r = await call();
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ pointer, detail: expect.stringContaining('NUL') }]);
  });

  it('in an object key → 400 validation_failed', async () => {
    const r = await operator.patch(`/api/v1/partners/${partner.id}/feature-toggles`, { feature_toggles: { [`beta${NUL}`]: true } });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors[0].pointer).toMatch(/^\/body\/feature_toggles\//);
  });

  it('in a path id → 400 invalid_id', async () => {
    expectProblem(await operator.get('/api/v1/tenants/tnt_01jd9x0a8q4m7w2k3v5b6c8%00'), 400, 'invalid_id');
  });

  it('writes nothing', async () => {
    const before = await t.services.audit.count();
    await operator.post('/api/v1/tenants', { name: `a${NUL}b`, slug: unique('nul') });
    expect(await t.services.audit.count()).toBe(before);
  });

  it('a database refusal of such text maps to 400 validation_failed (the safety net behind validation)', async () => {
    for (const code of ['22021', '22P05']) {
      const mapped = mapDbError({ code, message: 'invalid byte sequence for encoding "UTF8": 0x00' });
      expect([mapped?.status, mapped?.code]).toEqual([400, 'validation_failed']);
    }
    // The real error of this database, for text that bypassed the HTTP layer.
    const err = await mutate(t.services.db, (trx) => trx.updateTable('tenants').set({ name: `z${NUL}z` }).where('id', '=', tenant.id).execute()).then(
      () => null,
      (e: unknown) => e,
    );
    if (usingPostgres) {
      expect((err as { code?: string }).code).toBe('22021');
      expect([mapDbError(err)?.status, mapDbError(err)?.code]).toEqual([400, 'validation_failed']);
    } else {
      // SQLite stores it; the HTTP layer is what keeps it out.
      expect(err).toBeNull();
    }
  });
});

describe('PATCH with an empty body', () => {
  it.each([
    ['partner member', () => `/api/v1/partners/${partner.id}/members/${partner.staff.id}`, () => owner],
    ['partner profile', () => `/api/v1/partners/${partner.id}`, () => owner],
    ['partner feature toggles', () => `/api/v1/partners/${partner.id}/feature-toggles`, () => operator],
    ['tenant', () => `/api/v1/tenants/${tenant.id}`, () => admin],
    ['tenant member', () => `/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, () => admin],
    ['billing account', () => `/api/v1/tenants/${tenant.id}/billing-accounts/${tenant.bans[0].id}`, () => admin],
    ['me', () => '/api/v1/me', () => admin],
  ])('%s: {} → 400 validation_failed, nothing written', async (_name, url, who) => {
    const before = await t.services.audit.count();
    const r = await who().patch(url(), {});
    expectProblem(r, 400, 'validation_failed');
    expect(await t.services.audit.count()).toBe(before);
  });

  it('every PATCH route in the API requires at least one field', async () => {
    const doc = (await operator.get('/openapi.json')).body as { paths: Record<string, Record<string, { requestBody?: { content: Record<string, { schema: { minProperties?: number } }> } }>> };
    const patches = Object.entries(doc.paths).flatMap(([path, ops]) => (ops.patch && path.startsWith('/api/') ? [[path, ops.patch] as const] : []));
    expect(patches.length).toBeGreaterThanOrEqual(10);
    for (const [path, op] of patches) {
      expect(op.requestBody?.content['application/json'].schema.minProperties, path).toBe(1);
    }
  });
});

describe('undeclared query parameters and bodies on /api routes', () => {
  it.each([
    ['GET /api/v1/me?color=blue', () => admin.get('/api/v1/me?color=blue'), '/querystring/color'],
    ['GET /api/v1/tenants/{id}?x=1', () => admin.get(`/api/v1/tenants/${tenant.id}?x=1`), '/querystring/x'],
    ['GET /api/v1/permissions?all=true', () => admin.get('/api/v1/permissions?all=true'), '/querystring/all'],
    ['POST /api/v1/auth/logout { everywhere }', () => admin.post('/api/v1/auth/logout', { everywhere: true }), '/body/everywhere'],
    ['POST /api/v1/users/{id}/disable { reason }', () => operator.post(`/api/v1/users/${tenant.user.id}/disable`, { reason: 'x' }), '/body/reason'],
    ['POST /api/v1/users/{id}/enable?force=1', () => operator.post(`/api/v1/users/${tenant.user.id}/enable?force=1`), '/querystring/force'],
    ['DELETE member { cascade }', () => admin.request('DELETE', `/api/v1/tenants/${tenant.id}/members/${tenant.user.id}`, { cascade: true }), '/body/cascade'],
  ])('%s → 400 validation_failed naming it', async (_name, call, pointer) => {
    const before = await t.services.audit.count();
    const r = await call();
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ pointer, detail: 'is not a known field' }]);
    expect(await t.services.audit.count()).toBe(before);
  });

  it('a body-less POST accepts no body or {} — and refuses any other JSON value', async () => {
    const user = await t.world.user();
    expect((await operator.request('POST', `/api/v1/users/${user.id}/disable`)).status).toBe(200);
    expect((await operator.post(`/api/v1/users/${user.id}/enable`, {})).status).toBe(200);
    expectProblem(await operator.request('POST', `/api/v1/users/${user.id}/disable`, '[]', { 'content-type': 'application/json' }), 400, 'validation_failed');
    expectProblem(await operator.request('POST', `/api/v1/users/${user.id}/disable`, '"yes"', { 'content-type': 'application/json' }), 400, 'validation_failed');
    const me = await user.login();
    expect((await me.post('/api/v1/auth/logout')).status).toBe(204);
  });

  it('leaves OAuth, gateway and embed routes alone', async () => {
    // RFC 8414 metadata with a cache-buster; the forward-auth check with arbitrary upstream query.
    const meta = await t.client().get('/.well-known/oauth-authorization-server?x=1');
    expect(meta.status).toBe(200);
    const fa = await t.client().get('/authz/forward-auth?anything=1');
    expect([fa.status, fa.body.code]).toEqual([400, 'forward_auth_request_invalid']);
  });
});

describe('malformed paths', () => {
  it('an id longer than any identifier → 404 not_found in the envelope, without echoing the URL', async () => {
    const long = 'tnt_' + 'a'.repeat(400);
    const r = await operator.get(`/api/v1/tenants/${long}`);
    expectProblem(r, 404, 'not_found');
    expect(JSON.stringify(r.body)).not.toContain('aaaaaaaaaa');
    expect(r.headers['x-request-id']).toBe(r.body.request_id);
    const p = await owner.patch(`/api/v1/partners/${'p'.repeat(300)}/members/${'u'.repeat(300)}`, { role: 'PARTNER_STAFF' });
    expectProblem(p, 404, 'not_found');
  });

  it('broken percent-encoding → 400 bad_url in the envelope, without echoing the URL', async () => {
    for (const url of ['/api/v1/tenants/%E0%A4%A', '/api/v1/partners/%zz', '/api/v1/invitations/secret%E0%A4%A']) {
      const r = await operator.get(url);
      expectProblem(r, 400, 'bad_url');
      expect(JSON.stringify(r.body)).not.toMatch(/%E0|%zz|secret/);
    }
  });
});
