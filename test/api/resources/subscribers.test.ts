/**
 * Subscribers — the provider's end customers under one of its customers — arrive like the
 * provider's other records (a `subscriber` sync line, a CSV import) with the same per-line
 * guarantees, and are read with one permission (`services.subscribers.read`) through the same doors:
 * the customer's self-service list, and a partner's gateway call decided by its link (a full link
 * reads them, a support-only link does not, another customer's never). Runs on SQLite, or on
 * PostgreSQL + Redis when DATABASE_URL / REDIS_URL say so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { apiToken, gw, link } from '../gateway/helpers.ts';
import { syncSource } from '../datasources/sync-source.ts';

let t: TestApp;
let acme: TestTenant;
let other: TestTenant;

const subscriber = (id: string, ban: string, over: Record<string, unknown> = {}) => ({
  kind: 'subscriber',
  external_id: id,
  version: 1,
  data: { ban, number: id.toUpperCase(), name: `Subscriber ${id}`, status: 'active', plan: 'Home Fiber 500', email: `${id}@example.net`, service_address: '12 Elm Street', activated_at: '2026-03-01T00:00:00Z', ...over },
});

beforeAll(async () => {
  t = await startTestApp();
  acme = await t.world.tenant({ bans: 1 });
  other = await t.world.tenant({ bans: 1 });
  const src = await syncSource(t, 'Subscriber base', ['subscribers']);
  const r = await src.push([
    subscriber('dana', acme.bans[0].account_number),
    subscriber('sam', acme.bans[0].account_number, { status: 'suspended', email: null }),
    subscriber('bad-mail', acme.bans[0].account_number, { email: 'not an address' }),
    subscriber('no-such-account', 'BAN-DOES-NOT-EXIST'),
    subscriber('lee', other.bans[0].account_number),
  ]);
  expect([r.applied, r.rejected, r.held]).toEqual([3, 1, 1]);
  expect(r.results.find((x) => x.external_id === 'bad-mail')).toMatchObject({ line: 3, status: 'rejected' });
  await t.services.feed.drain();
});
afterAll(() => t.close());

describe('subscribers', () => {
  it("the customer's admin lists its own, by name, searchable and filtered by status", async () => {
    const admin = await acme.admin.login();
    const r = await admin.get(`/api/v1/tenants/${acme.id}/self/subscribers?sort=name`);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data.map((s: { name: string }) => s.name)).toEqual(['Subscriber dana', 'Subscriber sam']);
    expect(r.body.data[0]).toMatchObject({ number: 'DANA', plan: 'Home Fiber 500', email: 'dana@example.net', status: 'active', tenant_name: acme.name });
    expect((await admin.get(`/api/v1/tenants/${acme.id}/self/subscribers?status=suspended`)).body.data.map((s: { name: string }) => s.name)).toEqual(['Subscriber sam']);
    expect((await admin.get(`/api/v1/tenants/${acme.id}/self/subscribers?q=dana@`)).body.total).toBe(1);
    // another customer's subscribers are not there, and its list is not this admin's to read
    expect((await admin.get(`/api/v1/tenants/${other.id}/self/subscribers`)).status).toBe(404);
  });

  it('a partner reads them through its link: a full link yes, a support-only link no, another customer never', async () => {
    const full = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, full, acme, { role: 'MSP_FULL' });
    const support = await t.world.partner({ capabilities: ['managed_services'] });
    await link(t, support, acme, { role: 'MSP_SUPPORT' });
    const fullToken = await apiToken(t, full.staff);
    const r = await gw(t, 'GET', '/resources/v1/subscribers?sort=name', { token: fullToken, headers: { 'x-active-tenant-id': acme.id } });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.data.map((s: { number: string }) => s.number)).toEqual(['DANA', 'SAM']);
    const refused = await gw(t, 'GET', '/resources/v1/subscribers', { token: await apiToken(t, support.staff), headers: { 'x-active-tenant-id': acme.id } });
    expect([refused.status, refused.body.code]).toEqual([403, 'permission_denied']);
    const elsewhere = await gw(t, 'GET', '/resources/v1/subscribers', { token: fullToken, headers: { 'x-active-tenant-id': other.id } });
    expect([elsewhere.status, elsewhere.body.code]).toEqual([404, 'delegation_not_found']);
  });

  it('a CSV file of subscribers is checked row by row and applied only when confirmed', async () => {
    const operator = await (await t.world.operator()).login();
    const src = await operator.post('/api/v1/data-sources', { name: `Spreadsheet ${Date.now()}`, kinds: ['subscribers'], scope: { all: true } });
    expect(src.status).toBe(201);
    const template = await operator.get('/api/v1/data-sources/import/templates/subscriber');
    expect(template.status).toBe(200);
    const text = typeof template.body === 'string' ? template.body : template.raw.body;
    expect(text.split('\n')[0]).toBe('external_id,ban,number,name,status,email,phone,plan,service_address,activated_at,version');
    const ban = acme.bans[0].account_number;
    const csv = `external_id,ban,number,name,status,plan\nkai,${ban},K-1,Kai Moreno,active,Home Fiber 1000\nbad,${ban},B-1,Bad Status,sleeping,\n`;
    const no = await operator.post(`/api/v1/data-sources/${src.body.source.id}/import`, { kind: 'subscriber', csv, confirm: false });
    expect([no.status, no.body.code]).toEqual([400, 'import_not_confirmed']);
    const yes = await operator.post(`/api/v1/data-sources/${src.body.source.id}/import`, { kind: 'subscriber', csv, confirm: true });
    expect(yes.status, JSON.stringify(yes.body)).toBe(200);
    // a row the check refuses is skipped and named, never half-applied
    expect(yes.body).toMatchObject({ applied: 1, skipped: 1 });
    const admin = await acme.admin.login();
    expect((await admin.get(`/api/v1/tenants/${acme.id}/self/subscribers?q=Kai`)).body.data.map((s: { plan: string }) => s.plan)).toEqual(['Home Fiber 1000']);
  });
});
