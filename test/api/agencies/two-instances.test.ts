/**
 * Two real server processes on one PostgreSQL and one Redis: an agency deactivated (or a form
 * token revoked) through instance 1 is refused by instance 2 within 1 second — the change feed's
 * outbox + Redis fan-out — and by instance 1 on the very next request. Always runs on PostgreSQL +
 * Redis: without DATABASE_URL it creates a fresh database on the local server anyway. The processes
 * re-read the outbox only every 30 s (CHANGE_FEED_POLL_MS), so within 1 s only the Redis fan-out can
 * deliver. (The processes: test/helpers/server-process.ts.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair, until } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestTenant } from '../../helpers/world.ts';
import { DEFAULT_FORM } from './helpers.ts';

/** the outbox poll, the safety net under Redis pub/sub: far beyond the 1 s the test allows */
const POLL_MS = '30000';

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;

beforeAll(async () => {
  pair = await startInstancePair({
    name: 'ag',
    env: { CHANGE_FEED_POLL_MS: POLL_MS },
    before: async (world) => {
      tenant = await world.tenant();
    },
  });
  ({ one, two } = pair);
}, 120_000);

afterAll(() => pair?.close());

/**
 * Poll until `ok`. Every probe of the embed API counts against the form's 20 requests a minute;
 * a 429 still means the token was accepted, so polling on past the limit is harmless: a refused
 * token is refused (401/403) before the limiter is asked.
 */
async function embed(base: string, token: string) {
  const r = await fetch(base + '/embed/v1/form', { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

async function agencyWithToken(admin: HttpClient, name: string) {
  const a = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies`, { name });
  expect(a.status).toBe(201);
  const tok = await admin.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.body.id}/tokens`, { label: 'Web form', form_config: DEFAULT_FORM });
  expect(tok.status).toBe(201);
  return { agencyId: a.body.id as string, tokenId: tok.body.id as string, token: tok.body.token as string };
}

describe('agency tokens on two instances sharing PostgreSQL and Redis', () => {
  it('an agency deactivated on instance 1 is refused on instance 2 within 1 s (and on instance 1 at once)', async () => {
    const admin1 = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const a = await agencyWithToken(admin1, 'Sunrise Travel (two instances)');
    // created on instance 1, known to instance 2 through the feed
    expect((await until(() => embed(two.base, a.token), (r) => r.status === 200, 1000)).value.status).toBe(200);

    const off = await admin1.req('PATCH', `/api/v1/tenants/${tenant.id}/agencies/${a.agencyId}`, { status: 'inactive' });
    expect(off.status).toBe(200);
    const refused = await until(() => embed(two.base, a.token), (r) => r.status === 403, 1000);
    console.log(`agency deactivated on instance 1, refused on instance 2 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toEqual({ status: 403, body: expect.objectContaining({ code: 'agency_inactive' }) });
    expect(refused.elapsed).toBeLessThan(1000);
    expect(await embed(one.base, a.token)).toEqual({ status: 403, body: expect.objectContaining({ code: 'agency_inactive' }) });
  });

  it('a token revoked on instance 2 is refused on instance 1 within 1 s (and on instance 2 at once)', async () => {
    const admin2 = await new HttpClient(two.base).login(tenant.admin.email, tenant.admin.password);
    const a = await agencyWithToken(admin2, 'Harbor Relocation (two instances)');
    expect((await until(() => embed(one.base, a.token), (r) => r.status === 200, 1000)).value.status).toBe(200);

    const revoke = await admin2.req('POST', `/api/v1/tenants/${tenant.id}/agencies/${a.agencyId}/tokens/${a.tokenId}/revoke`, {});
    expect(revoke.status).toBe(200);
    const refused = await until(() => embed(one.base, a.token), (r) => r.status === 401, 1000);
    console.log(`token revoked on instance 2, refused on instance 1 after ${refused.elapsed.toFixed(1)} ms`);
    expect(refused.value).toEqual({ status: 401, body: expect.objectContaining({ code: 'agency_token_revoked' }) });
    expect(refused.elapsed).toBeLessThan(1000);
    expect(await embed(two.base, a.token)).toEqual({ status: 401, body: expect.objectContaining({ code: 'agency_token_revoked' }) });
  });
});
