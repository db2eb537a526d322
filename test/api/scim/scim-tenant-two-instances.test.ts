/**
 * Two real server processes on one PostgreSQL and one Redis: a customer tenant's person whom the
 * tenant's directory deactivates through instance A's SCIM endpoint is refused on both instances —
 * their portal session, their personal API token and the OAuth access token of the app they
 * connected — within 1 s. Every process polls the outbox only every 30 s, so only the change feed's
 * Redis fan-out can carry it in time. Always PostgreSQL + Redis (like the other two-instance
 * suites): without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient } from '../../helpers/server-process.ts';
import { CALLBACK, codeFlowTokens, serverAt } from '../oauth/oauth-helpers.ts';
import { GROUP, USER, entraDeactivate, scimAt, until } from './scim-helpers.ts';

let pair: InstancePair;

beforeAll(async () => {
  pair = await startInstancePair({ name: 'scimt', env: { CHANGE_FEED_POLL_MS: '30000' } });
}, 180_000);
afterAll(() => pair?.close());

describe('a tenant’s SCIM deactivation across two instances', () => {
  it('the person’s session, API token and OAuth access token are refused on both instances within 1 s', async () => {
    const { world, one, two, setup, publicUrl } = pair;
    const tenant = await world.tenant();
    const person = tenant.user;
    const admin = await new HttpClient(one.base).login(tenant.admin.email, tenant.admin.password);
    const issued = await admin.req('POST', `/api/v1/tenants/${tenant.id}/scim/token`);
    expect(issued.status).toBe(201);
    const scim = scimAt(issued.body.token as string);
    expect((await scim(one, 'POST', '/Users', { schemas: [USER], userName: person.email })).status).toBe(201);
    // an admin group: a customer's admin is who connects apps
    expect((await scim(one, 'POST', '/Groups', { schemas: [GROUP], displayName: 'Admins', members: [{ value: person.id }] })).status).toBe(201);

    const partner = await world.partner({ capabilities: ['delegated'] });
    const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
    const { app, secret } = await setup.services.apps.create(ctx, partner.id, { name: 'Customer console', grant_types: ['authorization_code'], redirect_uris: [CALLBACK], scopes: ['openid', 'orders.read'] });
    const oauth = (await codeFlowTokens(serverAt(publicUrl), app.id, secret!, person, 'openid orders.read')).access_token;

    const session = await new HttpClient(two.base).login(person.email, person.password);
    const pat = (await session.req('POST', '/api/v1/me/api-tokens', { name: 'ci' })).body.token as string;
    const statuses = async () => {
      const out: number[] = [];
      for (const i of [one, two]) {
        out.push((await fetch(`${i.base}/api/v1/me`, { headers: { cookie: session.cookie } })).status);
        out.push((await fetch(`${i.base}/api/v1/me`, { headers: { authorization: `Bearer ${pat}` } })).status);
        out.push((await fetch(`${i.base}/resources/v1/context`, { headers: { authorization: `Bearer ${oauth}` } })).status);
      }
      return out;
    };
    // both instances serve all three before the clock starts
    const ready = await until(statuses, (s) => s.every((x) => x === 200), 10_000);
    expect(ready.value).toEqual([200, 200, 200, 200, 200, 200]);

    const off = await scim(one, 'PATCH', `/Users/${person.id}`, entraDeactivate);
    expect([off.status, off.body.active]).toEqual([200, false]);
    const { value, elapsed } = await until(statuses, (s) => s.every((x) => x >= 401), 3000);
    process.stdout.write(`tenant SCIM deactivation on instance A: session, API token and OAuth token refused on both instances after ${elapsed.toFixed(1)} ms\n`);
    expect(value).toEqual([401, 403, 403, 401, 403, 403]);
    expect(elapsed).toBeLessThan(1000);
  }, 90_000);
});
