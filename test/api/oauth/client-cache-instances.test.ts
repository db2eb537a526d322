/**
 * The token endpoint keeps each client's record (app, partner, home BAN) between requests, as the
 * decision snapshot keeps apps and partners, and the change feed drops it. Two real server
 * processes on one PostgreSQL and one Redis, both having issued tokens to the app (so both hold
 * its record): a secret rotated through instance 1's API is refused by instance 1 on the very
 * next request and by instance 2 within 1 s, while the new secret works on both; the partner
 * suspended by an operator on instance 2 refuses the app on both the same way.
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

/** A client-credentials token request: the status and the RFC 6749 error, if any. */
async function token(i: ServerProcess, id: string, secret: string): Promise<{ status: number; error: string | null }> {
  const r = await fetch(`${i.base}/oauth/token`, {
    method: 'POST',
    headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope: 'orders.read' }).toString(),
  });
  const body = (await r.json()) as { error?: string };
  return { status: r.status, error: body.error ?? null };
}

/** A signed-in session on one instance, through its HTTP API. */
async function signIn(i: ServerProcess, email: string, password: string): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; body: Record<string, unknown> }>> {
  const r = await fetch(`${i.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
  expect(r.status).toBe(200);
  const cookie = r.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const csrf = ((await r.json()) as { csrf_token: string }).csrf_token;
  return async (method, path, body) => {
    const res = await fetch(`${i.base}${path}`, { method, headers: { cookie, 'x-csrf-token': csrf, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
}

/** Polls instance 2 until the token request is refused as invalid_client (at most 3 s); the time it took. */
async function refusedWithin(i: ServerProcess, id: string, secret: string): Promise<{ ms: number; last: { status: number; error: string | null } }> {
  const t0 = performance.now();
  let last = await token(i, id, secret);
  while (last.error !== 'invalid_client' && performance.now() - t0 < 3000) {
    await new Promise((r) => setTimeout(r, 5));
    last = await token(i, id, secret);
  }
  return { ms: performance.now() - t0, last };
}

/** A wholesaler's client-credentials app to which both instances have issued a token (so both hold its record). */
async function appHeldByBoth(name: string) {
  const partner = await world.partner({ capabilities: ['wholesale'] });
  const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
  const created = await setup.services.apps.create(ctx, partner.id, { name, grant_types: ['client_credentials'], scopes: ['orders.read'] });
  const { app } = created;
  const secret = created.secret!;
  expect(await token(one, app.id, secret)).toEqual({ status: 200, error: null });
  // the other instance learns of the new app through the feed
  const t0 = performance.now();
  while ((await token(two, app.id, secret)).status !== 200 && performance.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  expect(await token(two, app.id, secret)).toEqual({ status: 200, error: null });
  return { partner, app, secret };
}

beforeAll(async () => {
  pair = await startInstancePair({ name: 'cc' });
  ({ setup, world, one, two } = pair);
}, 180_000);

afterAll(() => pair?.close());

describe('the client record kept by the token endpoint follows changes on every instance', () => {
  it('a rotated secret is refused on the instance that rotated it at once and on the other within 1 s; the new one works on both', async () => {
    const { partner, app, secret } = await appHeldByBoth('Cached wholesale client');

    const owner = await signIn(one, partner.owner.email, partner.owner.password);
    const rotated = await owner('POST', `/api/v1/partners/${partner.id}/apps/${app.id}/rotate-secret`);
    expect(rotated.status).toBe(200);
    const fresh = String(rotated.body.client_secret);

    // instance 1: the very next request
    expect(await token(one, app.id, secret)).toEqual({ status: 401, error: 'invalid_client' });
    expect(await token(one, app.id, fresh)).toEqual({ status: 200, error: null });
    // instance 2: within 1 s
    const { ms, last } = await refusedWithin(two, app.id, secret);
    process.stdout.write(`rotated secret on instance 1 refused by instance 2 after ${ms.toFixed(1)} ms\n`);
    expect(last).toEqual({ status: 401, error: 'invalid_client' });
    expect(ms).toBeLessThan(1000);
    expect(await token(two, app.id, fresh)).toEqual({ status: 200, error: null });
  }, 60_000);

  it("a partner suspended on instance 2 stops its app's token requests there at once and on instance 1 within 1 s", async () => {
    const { partner, app, secret } = await appHeldByBoth('Suspended wholesale client');

    const op = await world.operator();
    const operator = await signIn(two, op.email, op.password);
    expect((await operator('POST', `/api/v1/partners/${partner.id}/suspend`, { reason: 'compliance review' })).status).toBe(200);

    expect(await token(two, app.id, secret)).toEqual({ status: 401, error: 'invalid_client' });
    const { ms, last } = await refusedWithin(one, app.id, secret);
    process.stdout.write(`partner suspended on instance 2 refused by instance 1 after ${ms.toFixed(1)} ms\n`);
    expect(last).toEqual({ status: 401, error: 'invalid_client' });
    expect(ms).toBeLessThan(1000);
  }, 60_000);
});
