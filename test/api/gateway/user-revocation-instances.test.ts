/**
 * Two gateway processes (`node src/main.ts serve`) on one PostgreSQL database and one Redis: an MSP
 * user's access token from the real authorization server (code + PKCE against instance 1, the
 * partner's own app, persona msp) works on instance 2 with X-Active-Tenant-Id; the user is then
 * deactivated by the operator — or removed from the partner by its owner — through instance 1's
 * API, and instance 2 refuses the same token with 403 user_inactive within 1 s.
 * The same for a portal session: a login on instance 1 is served by instance 2 at once (what the
 * session index there does not hold yet is read from the database once), and its logout on
 * instance 1 is refused by instance 2 within 1 s.
 * The gateway checks the token against the in-memory snapshot only, so the change has to travel:
 * every process polls the outbox only every 30 s (CHANGE_FEED_POLL_MS), so within 1 s only the
 * Redis fan-out can carry it.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { World, TestPartner, TestTenant } from '../../helpers/world.ts';
import { CALLBACK, codeFlowTokens, decodeJwt, serverAt } from '../oauth/oauth-helpers.ts';
import { link } from './helpers.ts';

/** the outbox safety-net poll: far beyond the 1 s bound, so a pass proves the Redis fan-out */
const CHANGE_FEED_POLL_MS = '30000';

let pair: InstancePair;
let setup: FastifyInstance;
let world: World;
let one: ServerProcess;
let two: ServerProcess;
let publicUrl: string;

beforeAll(async () => {
  pair = await startInstancePair({ name: 'ur', env: { CHANGE_FEED_POLL_MS } });
  ({ setup, world, one, two, publicUrl } = pair);
}, 180_000);

afterAll(() => pair?.close());

const t = () => pair.t;

async function context(i: ServerProcess, token: string, tenantId: string) {
  const r = await fetch(`${i.base}/resources/v1/context`, { headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenantId } });
  const text = await r.text();
  return { status: r.status, body: (text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : {}) as { code?: string; user_id?: string; tenant_id?: string; persona?: string; delegation_id?: string } };
}

/**
 * A managed-services partner with its own app, a tenant it is linked to, and its staff member's
 * access token: the authorization code flow against instance 1 (the issuer), signed in and
 * approved on instance 1's pages like a browser. Instance 2 serves the token before this returns.
 */
async function mspUser(): Promise<{ partner: TestPartner; tenant: TestTenant; token: string; linkId: string }> {
  const partner = await world.partner({ capabilities: ['managed_services'] });
  const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
  const { app, secret } = await setup.services.apps.create(ctx, partner.id, {
    name: 'Two-instance MSP console',
    grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [CALLBACK],
    scopes: ['openid', 'orders.read'],
  });
  const tenant = await world.tenant();
  const d = await link(t(), partner, tenant);

  const token = (await codeFlowTokens(serverAt(publicUrl), app.id, secret!, partner.staff, 'openid orders.read')).access_token;
  expect(decodeJwt(token).payload).toMatchObject({ persona: 'msp', sub: partner.staff.id, partner_id: partner.id });
  expect(decodeJwt(token).payload).not.toHaveProperty('dlg');

  // What the setup process just made (the link) reaches instance 2 through the same fan-out:
  // wait for it to serve the token (up to 10 s) — only the revocation after it is timed.
  const t0 = performance.now();
  let r = await context(two, token, tenant.id);
  while (r.status !== 200 && performance.now() - t0 < 10_000) {
    await new Promise((res) => setTimeout(res, 20));
    r = await context(two, token, tenant.id);
  }
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  expect(r.body).toMatchObject({ tenant_id: tenant.id, delegation_id: d.id, persona: 'msp', user_id: partner.staff.id });
  return { partner, tenant, token, linkId: d.id };
}

/** Poll instance 2 every ~20 ms (up to 3 s) until it answers 403 user_inactive; the elapsed ms. */
async function refusedOnTwo(token: string, tenantId: string, refusal: [number, string] = [403, 'user_inactive']): Promise<number> {
  const t0 = performance.now();
  let last = await context(two, token, tenantId);
  while (!(last.status === refusal[0] && last.body.code === refusal[1]) && performance.now() - t0 < 3000) {
    await new Promise((r) => setTimeout(r, 20));
    last = await context(two, token, tenantId);
  }
  const elapsed = performance.now() - t0;
  expect([last.status, last.body.code]).toEqual(refusal);
  return elapsed;
}

describe("an MSP user's OAuth access token across two instances", () => {
  it('the operator deactivates the user through instance 1: instance 2 refuses the token with 403 user_inactive within 1 s', async () => {
    const u = await mspUser();
    const operator = await world.operator();
    const op = await new HttpClient(one.base).login(operator.email, operator.password);
    const r = await op.req('POST', `/api/v1/users/${u.partner.staff.id}/disable`);
    expect(r.status).toBe(200);
    const elapsed = await refusedOnTwo(u.token, u.tenant.id);
    process.stdout.write(`user disabled on instance 1, refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);

  it("the partner's owner removes the user from the partner through instance 1: the grant ends with the membership, and instance 2 refuses its token as revoked (401 invalid_token) within 1 s", async () => {
    const u = await mspUser();
    const owner = await new HttpClient(one.base).login(u.partner.owner.email, u.partner.owner.password);
    const r = await owner.req('DELETE', `/api/v1/partners/${u.partner.id}/members/${u.partner.staff.id}`);
    expect(r.status).toBe(204);
    const elapsed = await refusedOnTwo(u.token, u.tenant.id, [401, 'invalid_token']);
    process.stdout.write(`user removed from the partner on instance 1, refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);
});

describe('a portal session across two instances', () => {
  it('a login on instance 1 is served by instance 2 at once; its logout on instance 1 is refused by instance 2 within 1 s', async () => {
    const partner = await world.partner({ capabilities: ['managed_services'] });
    const tenant = await world.tenant();
    await link(t(), partner, tenant);
    const staff = await new HttpClient(one.base).login(partner.staff.email, partner.staff.password);
    const cookie = staff.cookie; // the logout clears the client's
    const read = async () => {
      const r = await fetch(`${two.base}/resources/v1/context`, { headers: { cookie, 'x-active-tenant-id': tenant.id } });
      return { status: r.status, body: (await r.json()) as { code?: string; user_id?: string } };
    };
    // the link made by the setup process reaches instance 2 through the fan-out: wait for it
    const t0 = performance.now();
    let r = await read();
    while (r.status !== 200 && performance.now() - t0 < 10_000) {
      await new Promise((res) => setTimeout(res, 20));
      r = await read();
    }
    expect(r).toMatchObject({ status: 200, body: { user_id: partner.staff.id } });

    expect((await staff.req('POST', '/api/v1/auth/logout')).status).toBe(204);
    const t1 = performance.now();
    let last = await read();
    while (last.status !== 401 && performance.now() - t1 < 3000) {
      await new Promise((res) => setTimeout(res, 20));
      last = await read();
    }
    const elapsed = performance.now() - t1;
    process.stdout.write(`logout on instance 1 refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect([last.status, last.body.code]).toEqual([401, 'session_expired']);
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);
});
