/**
 * Every class of bad input answers 4xx with the RFC 9457 envelope and a stable code — never a
 * 500, never a stack trace — and leaves nothing half-written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { Client } from '../../helpers/http.ts';
import { mutate } from '../../../src/platform/db/database.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { unique } from '../../helpers/world.ts';

let t: TestApp;
let operator: Client;

beforeAll(async () => {
  t = await startTestApp({ config: { BODY_LIMIT: '2048' } });
  operator = await (await t.world.operator()).login();
});
afterAll(() => t.close());

function expectProblem(r: { status: number; body: any; headers: Record<string, unknown> }, status: number, code: string) {
  expect(r.status).toBe(status);
  expect(String(r.headers['content-type'])).toContain('application/problem+json');
  expect(r.body).toMatchObject({ status, code, type: expect.stringContaining('https://'), title: expect.any(String), detail: expect.any(String), request_id: expect.any(String) });
  expect(JSON.stringify(r.body)).not.toMatch(/\bat .*\.ts:\d+|node_modules|Error:/);
}

async function auditCount() {
  return t.services.audit.count();
}

describe('bad input', () => {
  it('malformed JSON → 400 malformed_json', async () => {
    const r = await operator.request('POST', '/api/v1/tenants', '{"name": "x", ', { 'content-type': 'application/json' });
    expectProblem(r, 400, 'malformed_json');
  });

  it('an empty JSON body → 400 malformed_json', async () => {
    const r = await operator.request('POST', '/api/v1/tenants', '', { 'content-type': 'application/json' });
    expectProblem(r, 400, 'malformed_json');
  });

  it('wrong types → 400 validation_failed naming the field', async () => {
    const r = await operator.post('/api/v1/tenants', { name: 42, slug: unique('t') });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/name' })]));
  });

  it('a number sent as a string is refused, not coerced', async () => {
    const tenant = await t.world.tenant();
    const r = await operator.post('/api/v1/me/api-tokens', { name: 'x', expires_in_days: '30' });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors[0].pointer).toBe('/body/expires_in_days');
    void tenant;
  });

  it('unknown fields → 400 validation_failed, never silently dropped', async () => {
    const r = await operator.post('/api/v1/tenants', { name: 'Acme', slug: unique('t'), is_admin: true });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual([{ pointer: '/body/is_admin', detail: 'is not a known field' }]);
  });

  it('missing required fields → 400 validation_failed with each missing field', async () => {
    const r = await operator.post('/api/v1/tenants', { name: 'Acme' });
    expectProblem(r, 400, 'validation_failed');
    expect(r.body.errors).toEqual(expect.arrayContaining([{ pointer: '/body/slug', detail: 'is required' }]));
  });

  it('bad formats (email, slug) → 400 validation_failed', async () => {
    const r1 = await operator.post('/api/v1/tenants', { name: 'Acme', slug: 'Not A Slug!' });
    expectProblem(r1, 400, 'validation_failed');
    const r2 = await t.client().post('/api/v1/auth/login', { email: 'not-an-email', password: 'x' });
    expectProblem(r2, 400, 'validation_failed');
  });

  it('an oversized body → 413 body_too_large', async () => {
    const r = await operator.post('/api/v1/tenants', { name: 'x'.repeat(5000), slug: unique('t') });
    expectProblem(r, 413, 'body_too_large');
  });

  it('a non-JSON content type → 415 unsupported_media_type', async () => {
    const r = await operator.request('POST', '/api/v1/tenants', 'name=x&slug=y', { 'content-type': 'application/x-www-form-urlencoded' });
    expectProblem(r, 415, 'unsupported_media_type');
  });

  // Fastify's JSON parser refuses these keys while parsing (secure-json-parse), so they answer like unparsable JSON.
  it('prototype pollution attempts → 400 malformed_json', async () => {
    const r = await operator.request('POST', '/api/v1/tenants', '{"name":"x","slug":"y","__proto__":{"admin":true}}', { 'content-type': 'application/json' });
    expectProblem(r, 400, 'malformed_json');
    const c = await operator.request('POST', '/api/v1/tenants', '{"name":"x","slug":"y","constructor":{"prototype":{"admin":true}}}', { 'content-type': 'application/json' });
    expectProblem(c, 400, 'malformed_json');
  });

  it.each([
    ['/api/v1/tenants/not-an-id'],
    ['/api/v1/tenants/tnt_short'],
    ['/api/v1/partners/tnt_01jd9x0a8q4m7w2k3v5b6c8d9e'],
    ['/api/v1/users/usr_01JD9X0A8Q4M7W2K3V5B6C8D9E'],
    ["/api/v1/tenants/tnt_01jd9x0a8q4m7w2k3v5b6c8d9'"],
  ])('a malformed id in %s → 400 invalid_id', async (url) => {
    const r = await operator.get(url);
    expectProblem(r, 400, 'invalid_id');
  });

  it('a well-formed id that does not exist → 404 with the resource code', async () => {
    const r = await operator.get('/api/v1/tenants/tnt_01jd9x0a8q4m7w2k3v5b6c8d9e');
    expectProblem(r, 404, 'tenant_not_found');
  });

  it('bad query parameters → 400 validation_failed', async () => {
    const r = await operator.get('/api/v1/tenants?limit=0');
    expectProblem(r, 400, 'validation_failed');
    const r2 = await operator.get('/api/v1/audit-events?since=yesterday');
    expectProblem(r2, 400, 'validation_failed');
    const r3 = await operator.get('/api/v1/tenants?color=blue');
    expectProblem(r3, 400, 'validation_failed');
  });

  it('an unknown API route → 404 not_found in the same envelope', async () => {
    expectProblem(await operator.get('/api/v1/nothing-here'), 404, 'not_found');
    expectProblem(await operator.request('DELETE', '/api/v1/tenants'), 404, 'not_found');
  });

  it('a conflict (duplicate slug) → 409 with its own code and nothing written', async () => {
    const slug = unique('dup');
    expect((await operator.post('/api/v1/tenants', { name: 'One', slug })).status).toBe(201);
    const before = await auditCount();
    const r = await operator.post('/api/v1/tenants', { name: 'Two', slug });
    expectProblem(r, 409, 'tenant_slug_taken');
    expect(await auditCount()).toBe(before);
  });

  it('a failure in the middle of a transaction leaves nothing half-written', async () => {
    const other = await t.world.tenant({ bans: 1 });
    const slug = unique('half');
    const ctx = systemContext('test');
    await expect(
      mutate(t.services.db, async (trx) => {
        const now = new Date().toISOString();
        await trx
          .insertInto('tenants')
          .values({ id: 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9f', slug, name: 'Half', status: 'active', tier: 'standard', referred_by_partner_id: null, invite_code: null, created_by: null, created_at: now, updated_at: now })
          .execute();
        await t.services.audit.record(trx, ctx, { action: 'tenant.created', tenantId: 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9f' });
        // the second step fails on a unique constraint: another tenant's account number
        await t.services.tenants.createBillingAccount(ctx, 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9f', { name: 'x', account_number: other.bans[0].account_number }, trx);
      }),
    ).rejects.toBeTruthy();
    expect(await t.services.tenants.findBySlug(slug)).toBeUndefined();
    const events = await t.services.audit.list({ tenantId: 'tnt_01jd9x0a8q4m7w2k3v5b6c8d9f', limit: 10 });
    expect(events.data).toHaveLength(0);
    expect((await t.services.audit.verify()).ok).toBe(true);
  });

  it('echoes a sane incoming x-request-id and generates one otherwise', async () => {
    const r = await operator.get('/api/v1/tenants/nope', { 'x-request-id': 'trace-123' });
    expect(r.headers['x-request-id']).toBe('trace-123');
    expect(r.body.request_id).toBe('trace-123');
    const r2 = await operator.get('/api/v1/tenants/nope', { 'x-request-id': 'bad id with spaces' });
    expect(r2.body.request_id).toMatch(/^req_/);
  });
});
