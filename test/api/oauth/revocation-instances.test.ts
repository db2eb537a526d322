/**
 * Two real server processes (`node src/main.ts serve`) on one PostgreSQL and one Redis: an access
 * token revoked at instance 1's revocation endpoint is refused by instance 1 on the very next
 * request and by instance 2's gateway and introspection within 1 s (the revoked jti travels the
 * change feed: outbox + Redis fan-out, kept in memory on every instance, no database read per
 * request). A restarted instance loads the unexpired revocations at start.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import type { ServerProcess } from '../../helpers/server-process.ts';
import type { World } from '../../helpers/world.ts';

let pair: InstancePair;
let setup: FastifyInstance;
let world: World;
let one: ServerProcess;
let two: ServerProcess;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function form(i: ServerProcess, path_: string, auth: string, params: Record<string, string>) {
  const r = await fetch(`${i.base}/oauth${path_}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(params).toString() });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null };
}

async function context(i: ServerProcess, token: string) {
  const r = await fetch(`${i.base}/resources/v1/context`, { headers: { authorization: `Bearer ${token}` } });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

beforeAll(async () => {
  pair = await startInstancePair({ name: 'rv' });
  ({ setup, world, one, two } = pair);
}, 180_000);

afterAll(() => pair?.close());

describe('access-token revocation across two instances', () => {
  it('is refused by instance 1 at once and by instance 2 within 1 s, and after a restart', async () => {
    const partner = await world.partner({ capabilities: ['wholesale'] });
    const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
    const { app, secret } = await setup.services.apps.create(ctx, partner.id, { name: 'Two-instance app', grant_types: ['client_credentials'], scopes: ['orders.read'] });
    const auth = basic(app.id, secret!);

    const issued = await form(one, '/token', auth, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(issued.status).toBe(200);
    const token = String(issued.body!.access_token);
    expect((await context(two, token)).status).toBe(200);
    expect((await form(two, '/token/introspection', auth, { token })).body!.active).toBe(true);

    expect((await form(one, '/token/revocation', auth, { token })).status).toBe(200);
    // instance 1: the very next request
    expect(await context(one, token)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });

    // instance 2: within 1 s
    const t0 = performance.now();
    let last = await context(two, token);
    while (last.status !== 401 && performance.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 5));
      last = await context(two, token);
    }
    const elapsed = performance.now() - t0;
    process.stdout.write(`access-token revocation on instance 1 refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect(last).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    expect(elapsed).toBeLessThan(1000);
    expect((await form(two, '/token/introspection', auth, { token })).body).toEqual({ active: false });

    // A restarted instance loads the revocation at start.
    await two.stop();
    two = await pair.serve(two.port);
    expect(await context(two, token)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    // …and new tokens of the same app still work there.
    const fresh = await form(two, '/token', auth, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect((await context(two, String(fresh.body!.access_token))).status).toBe(200);
  }, 120_000); // includes a process restart
});
