/**
 * Two real server processes (`node src/main.ts serve`) on one PostgreSQL and one Redis: an MSP
 * user's access token (persona msp, no delegation) whose grant is revoked at instance 1 — the app
 * revokes the refresh token there — is refused by instance 1 on the very next request and by
 * instance 2's gateway and introspection within 1 s: the token names its grant (`gid`), and
 * `grant:<id>` travels the change feed like a revoked jti (outbox + Redis fan-out, kept in memory
 * on every instance, no database read per request). The flow itself is real: openid-client, PKCE,
 * the sign-in and consent pages of instance 1.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import type { ServerProcess } from '../../helpers/server-process.ts';
import type { World } from '../../helpers/world.ts';
import { CALLBACK, codeFlowTokens, decodeJwt, serverAt } from './oauth-helpers.ts';

let pair: InstancePair;
let setup: FastifyInstance;
let world: World;
let one: ServerProcess;
let two: ServerProcess;
let publicUrl: string;

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

async function form(i: ServerProcess, path_: string, auth: string, params: Record<string, string>) {
  const r = await fetch(`${i.base}/oauth${path_}`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(params).toString() });
  const text = await r.text();
  return { status: r.status, body: (text ? JSON.parse(text) : null) as Record<string, unknown> | null };
}

async function context(i: ServerProcess, token: string, tenantId: string) {
  const r = await fetch(`${i.base}/resources/v1/context`, { headers: { authorization: `Bearer ${token}`, 'x-active-tenant-id': tenantId } });
  return { status: r.status, body: (await r.json()) as { code?: string } };
}

beforeAll(async () => {
  pair = await startInstancePair({ name: 'gr' });
  ({ setup, world, one, two, publicUrl } = pair);
}, 180_000);

afterAll(() => pair?.close());

describe('grant revocation across two instances', () => {
  it("an MSP user's grant revoked on instance 1 refuses its access token on instance 1 at once and on instance 2 within 1 s", async () => {
    const partner = await world.partner({ capabilities: ['managed_services'] });
    const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
    const { app, secret } = await setup.services.apps.create(ctx, partner.id, {
      name: 'Two-instance MSP console',
      grant_types: ['authorization_code', 'refresh_token'],
      redirect_uris: [CALLBACK],
      scopes: ['openid', 'orders.read'],
    });
    const tenant = await world.tenant();
    await setup.services.delegations.create(world.ctx, { partnerId: partner.id, tenantId: tenant.id, origin: 'link', role: 'MSP_FULL', banIds: null, startsAt: null, endsAt: new Date(Date.now() + 30 * 86_400_000).toISOString(), status: 'active' });
    const auth = basic(app.id, secret!);

    // the authorization code flow against instance 1 (the issuer), as the partner's staff member
    const tokens = await codeFlowTokens(serverAt(publicUrl), app.id, secret!, partner.staff, 'openid orders.read');
    const token = tokens.access_token;
    expect(decodeJwt(token).payload).toMatchObject({ persona: 'msp', sub: partner.staff.id });
    expect(decodeJwt(token).payload).not.toHaveProperty('dlg');

    // instance 2 knows the link and serves the token before the clock starts
    const t0ready = performance.now();
    while ((await context(two, token, tenant.id)).status !== 200 && performance.now() - t0ready < 10_000) await new Promise((r) => setTimeout(r, 20));
    expect((await context(two, token, tenant.id)).status).toBe(200);
    expect((await form(two, '/token/introspection', auth, { token })).body!.active).toBe(true);

    expect((await form(one, '/token/revocation', auth, { token: tokens.refresh_token!, token_type_hint: 'refresh_token' })).status).toBe(200);
    // instance 1: the very next request
    expect(await context(one, token, tenant.id)).toMatchObject({ status: 401, body: { code: 'invalid_token' } });

    // instance 2: within 1 s
    const t0 = performance.now();
    let last = await context(two, token, tenant.id);
    while (last.status !== 401 && performance.now() - t0 < 3000) {
      await new Promise((r) => setTimeout(r, 5));
      last = await context(two, token, tenant.id);
    }
    const elapsed = performance.now() - t0;
    process.stdout.write(`grant revocation on instance 1 refused by instance 2 after ${elapsed.toFixed(1)} ms\n`);
    expect(last).toMatchObject({ status: 401, body: { code: 'invalid_token' } });
    expect(elapsed).toBeLessThan(1000);
    expect((await form(two, '/token/introspection', auth, { token })).body).toEqual({ active: false });
    // the refresh token is dead on both
    expect((await form(two, '/token', auth, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).body).toMatchObject({ error: 'invalid_grant' });
  }, 60_000);
});
