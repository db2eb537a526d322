/**
 * Two real server processes on one PostgreSQL and one Redis: a person the company directory
 * deactivates through instance A's SCIM endpoint is refused by instance B — their portal session
 * and their personal API token — within 1 s. Every process polls the outbox only every 30 s, so
 * only the change feed's Redis fan-out can carry it in time.
 * Always PostgreSQL + Redis (like the other two-instance suites): without DATABASE_URL a fresh
 * database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient } from '../../helpers/server-process.ts';
import { scimAt, until } from './scim-helpers.ts';

const CHANGE_FEED_POLL_MS = '30000';
let pair: InstancePair;

beforeAll(async () => {
  pair = await startInstancePair({ name: 'scim', env: { CHANGE_FEED_POLL_MS } });
}, 180_000);
afterAll(() => pair?.close());

describe('SCIM deactivation across two instances', () => {
  it('a person deactivated on instance A is refused by instance B within 1 s', async () => {
    const { world, one, two } = pair;
    const partner = await world.partner({ capabilities: ['managed_services'] });
    const owner = await new HttpClient(one.base).login(partner.owner.email, partner.owner.password);
    const issued = await owner.req('POST', `/api/v1/partners/${partner.id}/scim/token`);
    expect(issued.status).toBe(201);
    const scim = scimAt(issued.body.token as string);

    const linked = await scim(one, 'POST', '/Users', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: partner.staff.email });
    expect(linked.status).toBe(201);

    const staff = await new HttpClient(two.base).login(partner.staff.email, partner.staff.password);
    const pat = (await staff.req('POST', '/api/v1/me/api-tokens', { name: 'ci' })).body.token as string;
    const me = async () => {
      const bySession = await fetch(`${two.base}/api/v1/me`, { headers: { cookie: staff.cookie } });
      const byToken = await fetch(`${two.base}/api/v1/me`, { headers: { authorization: `Bearer ${pat}` } });
      return [bySession.status, byToken.status];
    };
    expect(await me()).toEqual([200, 200]);

    const off = await scim(one, 'PATCH', `/Users/${partner.staff.id}`, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
    expect([off.status, off.body.active]).toEqual([200, false]);
    const { value, elapsed } = await until(me, ([s, t]) => s === 401 && t >= 401, 3000);
    process.stdout.write(`SCIM deactivation on instance A refused by instance B after ${elapsed.toFixed(1)} ms\n`);
    expect(value[0]).toBe(401);
    expect(value[1]).toBe(403);
    expect(elapsed).toBeLessThan(1000);
  }, 60_000);
});
