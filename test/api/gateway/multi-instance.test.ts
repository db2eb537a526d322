/**
 * Two gateway processes (`node src/main.ts serve`) on one PostgreSQL database and one Redis:
 *  - a 20/min limit admits exactly 20 requests in the window across both, however they are spread;
 *  - a revocation made through one — of a delegation, an app, a partner, a user or a token — is
 *    enforced by the other within 1 s (the change feed's outbox + Redis fan-out).
 * Every process polls the outbox only every 30 s (CHANGE_FEED_POLL_MS), so only the Redis fan-out
 * can deliver within 1 s. The gateway checks every case against in-memory state only: an access
 * token against the delegation, app, partner and revoked jti; a personal API token against the
 * API-token index and the user in the authz snapshot.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import type { Principal } from '../../../src/platform/http/principal.ts';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import type { ServerProcess } from '../../helpers/server-process.ts';
import type { World, TestTenant, TestUser } from '../../helpers/world.ts';
import { consentClaims, consentedApp, link, mintToken } from './helpers.ts';

/** the outbox safety-net poll: far beyond the 1 s bound, so a pass proves the Redis fan-out */
const CHANGE_FEED_POLL_MS = '30000';

let pair: InstancePair;
let setup: FastifyInstance;
let world: World;
let one: ServerProcess;
let two: ServerProcess;

async function call(i: ServerProcess, method: string, url: string, token: string, headers: Record<string, string> = {}, body?: unknown) {
  const h: Record<string, string> = { authorization: `Bearer ${token}`, ...headers };
  if (body !== undefined) h['content-type'] = 'application/json';
  const r = await fetch(i.base + url, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await r.text();
  return { status: r.status, body: text && (r.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : text };
}

/** A personal API token of the user, made directly (the API needs a login, which is not what is tested here). */
async function pat(u: TestUser): Promise<{ token: string; id: string }> {
  // createApiToken reads only the user id of the principal.
  const r = await setup.services.identity.createApiToken(world.ctx, { userId: u.id } as Principal, 'multi-instance', null);
  return { token: r.token, id: r.row.id };
}

/**
 * The baseline before a revocation: what the setup process just made (a link, an app) reaches
 * instance two through the same fan-out, so wait for it to serve (up to 3 s) — only the
 * revocation after it is timed.
 */
async function served(probe: () => Promise<{ status: number }>): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    const r = await probe();
    if (r.status === 200) return;
    if (Date.now() - t0 > 3000) throw new Error(`the baseline request still answers ${r.status} after 3 s`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

/** How long until `probe` on instance two answers `expected` (polling every 10 ms, up to 3 s). */
async function until(probe: () => Promise<{ status: number; body: { code?: string } }>, expected: [number, string]): Promise<number> {
  const t0 = Date.now();
  for (;;) {
    const r = await probe();
    if (r.status === expected[0] && r.body.code === expected[1]) return Date.now() - t0;
    if (Date.now() - t0 > 3000) throw new Error(`still ${r.status} ${r.body.code} after 3 s`);
    await new Promise((res) => setTimeout(res, 10));
  }
}

beforeAll(async () => {
  pair = await startInstancePair({ name: 'mi', env: { CHANGE_FEED_POLL_MS }, processEnv: { RATE_LIMITS: JSON.stringify({ read: 20, partner: 100_000 }) } });
  ({ setup, world, one, two } = pair);
}, 180_000);

afterAll(() => pair?.close());

const t = () => pair.t;

describe('two gateway processes, one database, one Redis', () => {
  it('a 20/min limit admits exactly 20 requests across both instances, spread or concurrent', async () => {
    const tenant = await world.tenant();
    const app = await consentedApp(t(), { tenant });
    // both instances know the new delegation before the count starts (a token of another grant: another budget)
    const probe = await mintToken(t(), { ...consentClaims(app, tenant), gid: 'grant-probe' });
    for (const i of [one, two]) await served(() => call(i, 'GET', '/resources/v1/context', probe));
    for (const spread of ['alternating', 'concurrent'] as const) {
      const token = await mintToken(t(), { ...consentClaims(app, tenant), gid: `grant-${spread}` }); // a token of a new grant: a new budget
      let statuses: number[];
      if (spread === 'alternating') {
        statuses = [];
        for (let i = 0; i < 30; i++) statuses.push((await call(i % 2 ? two : one, 'GET', '/resources/v1/orders', token)).status);
      } else {
        statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => call(i % 2 ? two : one, 'GET', '/resources/v1/orders', token)))).map((r) => r.status);
      }
      expect(statuses.filter((s) => s === 200).length, spread).toBe(20);
      expect(statuses.filter((s) => s === 429).length, spread).toBe(10);
    }
  });

  it('enforces a revocation made through one instance on the other within 1 s', async () => {
    const operator = await pat(await world.operator());
    const timings: Record<string, number> = {};

    // the customer disconnects a partner app (its consent delegation is revoked)
    {
      const tenant = await world.tenant();
      const app = await consentedApp(t(), { tenant });
      const token = await mintToken(t(), consentClaims(app, tenant));
      const admin = await pat(tenant.admin);
      await served(() => call(two, 'GET', '/resources/v1/context', token));
      const r = await call(one, 'POST', `/api/v1/tenants/${tenant.id}/connected-apps/${app.delegationId}/revoke`, admin.token, {}, { reason: 'done' });
      expect(r.status).toBe(204);
      timings.delegation = await until(() => call(two, 'GET', '/resources/v1/context', token), [403, 'delegation_revoked']);
    }

    // the partner deletes its app
    {
      const tenant = await world.tenant();
      const app = await consentedApp(t(), { tenant });
      const token = await mintToken(t(), consentClaims(app, tenant));
      const owner = await pat(app.partner.owner);
      await served(() => call(two, 'GET', '/resources/v1/context', token));
      expect((await call(one, 'DELETE', `/api/v1/partners/${app.partner.id}/apps/${app.clientId}`, owner.token)).status).toBeLessThan(300);
      timings.app = await until(() => call(two, 'GET', '/resources/v1/context', token), [401, 'invalid_token']);
    }

    // the operator suspends the partner of an app (its access token names the partner)
    {
      const tenant = await world.tenant();
      const app = await consentedApp(t(), { tenant });
      const token = await mintToken(t(), consentClaims(app, tenant));
      await served(() => call(two, 'GET', '/resources/v1/context', token));
      expect((await call(one, 'POST', `/api/v1/partners/${app.partner.id}/suspend`, operator.token, {}, { reason: 'audit' })).status).toBe(200);
      timings.app_partner = await until(() => call(two, 'GET', '/resources/v1/context', token), [403, 'partner_inactive']);
    }

    // the app revokes one access token of its own at instance one's /oauth/token/revocation (RFC 7009)
    {
      const wholesaler = await world.partner({ capabilities: ['wholesale'] });
      const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: wholesaler.id } };
      const { app, secret } = await setup.services.apps.create(ctx, wholesaler.id, { name: 'Two-instance app', grant_types: ['client_credentials'], scopes: ['orders.read'] });
      await setup.services.feed.drain();
      const basic = 'Basic ' + Buffer.from(`${encodeURIComponent(app.id)}:${encodeURIComponent(secret!)}`).toString('base64');
      const oauth = (path_: string, params: Record<string, string>) =>
        fetch(`${one.base}/oauth${path_}`, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(params).toString() });
      const issued = await oauth('/token', { grant_type: 'client_credentials', scope: 'orders.read' });
      expect(issued.status).toBe(200);
      const token = String(((await issued.json()) as { access_token: string }).access_token);
      const other = String(((await (await oauth('/token', { grant_type: 'client_credentials', scope: 'orders.read' })).json()) as { access_token: string }).access_token);
      await served(() => call(two, 'GET', '/resources/v1/context', token));
      expect((await oauth('/token/revocation', { token })).status).toBe(200);
      timings.access_token = await until(() => call(two, 'GET', '/resources/v1/context', token), [401, 'invalid_token']);
      // only that token: the app's other one still works there
      expect((await call(two, 'GET', '/resources/v1/context', other)).status).toBe(200);
    }

    // the operator suspends a partner; the operator disables a user; a user revokes a token
    // (personal API tokens come from each instance's in-memory index and snapshot: every case
    // here travels through the change feed)
    const msp = async () => {
      const p = await world.partner({ capabilities: ['managed_services'] });
      const tenant: TestTenant = await world.tenant();
      await link(t(), p, tenant);
      const staff = await pat(p.staff);
      const probe = () => call(two, 'GET', '/resources/v1/context', staff.token, { 'x-active-tenant-id': tenant.id });
      await served(probe);
      return { p, staff, probe };
    };
    {
      const m = await msp();
      expect((await call(one, 'POST', `/api/v1/partners/${m.p.id}/suspend`, operator.token, {}, { reason: 'audit' })).status).toBe(200);
      timings.partner = await until(m.probe, [403, 'partner_inactive']);
    }
    {
      const m = await msp();
      expect((await call(one, 'POST', `/api/v1/users/${m.p.staff.id}/disable`, operator.token)).status).toBe(200);
      timings.user = await until(m.probe, [403, 'user_inactive']);
    }
    {
      const m = await msp();
      expect((await call(one, 'DELETE', `/api/v1/me/api-tokens/${m.staff.id}`, m.staff.token)).status).toBe(204);
      timings.token = await until(m.probe, [401, 'invalid_token']);
    }

    process.stdout.write(`revocation visible on the other instance after (ms): ${JSON.stringify(timings)}\n`);
    for (const [what, ms] of Object.entries(timings)) expect(ms, what).toBeLessThan(1000);
  });
});
