/**
 * Personal API tokens at the gateway come from memory (ApiTokenIndex + the authz snapshot), not
 * from the database on every request — and a revocation, an expiry or a disabled user is still
 * refused on the very next request. Both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { startTestApp, type TestApp } from '../../helpers/app.ts';
import { gw, link, loginAs, withoutTables } from './helpers.ts';

let t: TestApp;
const clock = new ManualClock();
beforeAll(async () => {
  t = await startTestApp({ clock });
});
afterAll(() => t.close());

async function mspWithToken(expiresInDays?: number) {
  const msp = await t.world.partner({ capabilities: ['managed_services'] });
  const tenant = await t.world.tenant();
  await link(t, msp, tenant);
  const me = await loginAs(t, msp.staff);
  const created = await me.post('/api/v1/me/api-tokens', { name: 'script', ...(expiresInDays ? { expires_in_days: expiresInDays } : {}) });
  expect(created.status).toBe(201);
  const token = created.body.token as string;
  const read = () => gw(t, 'GET', '/resources/v1/orders', { token, headers: { 'x-active-tenant-id': tenant.id } });
  return { msp, tenant, me, token, id: created.body.api_token.id as string, read };
}

describe('personal API tokens at the gateway', () => {
  it('are admitted from memory: with the api_tokens and users tables gone, the request is still decided and served', async () => {
    const w = await mspWithToken();
    expect((await w.read()).status).toBe(200);
    const r = await withoutTables(t, ['api_tokens', 'users'], () => w.read());
    expect(r.status).toBe(200);
    expect(r.body.data).toBeInstanceOf(Array);
  });

  it('refuse a token revoked through the API on the very next request', async () => {
    const w = await mspWithToken();
    expect((await w.read()).status).toBe(200);
    expect((await w.me.delete(`/api/v1/me/api-tokens/${w.id}`)).status).toBe(204);
    const r = await w.read();
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
    expect(String(r.headers['www-authenticate'])).toContain('error="invalid_token"');
  });

  it('refuse the token of a user the operator disabled on the very next request, and still once the user is enabled again (it was revoked with the user)', async () => {
    const w = await mspWithToken();
    const operator = await loginAs(t, await t.world.operator());
    expect((await w.read()).status).toBe(200);
    expect((await operator.post(`/api/v1/users/${w.msp.staff.id}/disable`, {})).status).toBe(200);
    const r = await w.read();
    expect([r.status, r.body.code]).toEqual([403, 'user_inactive']);
    expect((await operator.post(`/api/v1/users/${w.msp.staff.id}/enable`, {})).status).toBe(200);
    const again = await w.read();
    expect([again.status, again.body.code]).toEqual([401, 'invalid_token']);
  });

  it('refuse a token once it has expired', async () => {
    const w = await mspWithToken(1);
    expect((await w.read()).status).toBe(200);
    clock.advance(86_400_000 + 1_000);
    const r = await w.read();
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
  });

  it('refuse a token nobody issued after one database lookup (it could be new on another instance), then from memory', async () => {
    const lookups = () => t.services.identity.apiTokens.missing.counts.lookups;
    const before = lookups();
    const forged = 'pgpat_' + 'x'.repeat(43);
    const r = await gw(t, 'GET', '/resources/v1/orders', { token: forged });
    expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
    expect(lookups()).toBe(before + 1);
    const again = await withoutTables(t, ['api_tokens'], () => gw(t, 'GET', '/resources/v1/orders', { token: forged }));
    expect([again.status, again.body.code]).toEqual([401, 'invalid_token']);
    expect(lookups()).toBe(before + 1);
    // a string that is not a token's shape is never looked up
    const odd = await gw(t, 'GET', '/resources/v1/orders', { token: 'pgpat_short' });
    expect([odd.status, odd.body.code]).toEqual([401, 'invalid_token']);
    expect(lookups()).toBe(before + 1);
  });

  it('note their last use in memory and write it in batches, off the response path', async () => {
    const w = await mspWithToken();
    const lastUsed = async () => (await t.services.db.kysely.selectFrom('api_tokens').select('last_used_at').where('id', '=', w.id).executeTakeFirstOrThrow()).last_used_at;
    expect(await lastUsed()).toBeNull();
    const at = clock.now().toISOString();
    expect((await w.read()).status).toBe(200);
    expect(await lastUsed()).toBeNull(); // not written by the request
    await t.services.identity.apiTokens.flush();
    expect(await lastUsed()).toBe(at);
  });
});
