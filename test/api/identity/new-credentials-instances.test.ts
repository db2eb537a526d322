/**
 * What was just made through one instance is honoured by another on the very next request, even
 * before the change feed has delivered it there.
 *
 * Instance two is deaf to the feed's fan-out: its own REDIS_KEY_PREFIX (so its own pub/sub
 * channel) and an outbox poll of an hour. Whatever it admits of what was made after it started, it
 * found in the database itself — deterministically, not by winning a race:
 *  - a personal API token created through instance one (the API token index looks a well-formed
 *    token it does not hold up once, by its hash);
 *  - a link delegation (and its tenant) made through another instance, used with a portal session:
 *    the gateway catches up with the feed once before a refusal its snapshot may be too old to decide.
 * And a user disabled then enabled again through instance one does not get their API tokens back
 * on an instance that follows the feed (the in-process setup app), across instances.
 * Always PostgreSQL + Redis: without DATABASE_URL a fresh database is created on the local server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeafPair, type InstancePair } from '../../helpers/instance-pair.ts';
import { HttpClient, type ServerProcess } from '../../helpers/server-process.ts';
import type { TestPartner, TestTenant } from '../../helpers/world.ts';
import { gw, link } from '../gateway/helpers.ts';

const TRIALS = 20;

let pair: InstancePair;
let one: ServerProcess;
let two: ServerProcess;
let tenant: TestTenant;
let msp: TestPartner;

beforeAll(async () => {
  pair = await startDeafPair({
    name: 'nc',
    before: async (world) => {
      tenant = await world.tenant();
      msp = await world.partner({ capabilities: ['managed_services'] });
    },
  });
  ({ one, two } = pair);
}, 180_000);

afterAll(() => pair?.close());

/** GET /resources/v1/context through the gateway of `i`, with a bearer token (or `cookie=…` for a portal session). */
async function context(i: ServerProcess, credential: string, headers: Record<string, string> = {}) {
  const auth = credential.startsWith('partnergate_session=') ? { cookie: credential } : { authorization: `Bearer ${credential}` };
  const r = await fetch(`${i.base}/resources/v1/context`, { headers: { ...auth, ...headers } });
  return { status: r.status, body: (await r.json()) as { code?: string; user_id?: string; tenant_id?: string; delegation_id?: string } };
}

async function newApiToken(c: HttpClient): Promise<string> {
  const r = await c.req('POST', '/api/v1/me/api-tokens', { name: 'script' });
  expect(r.status).toBe(201);
  return r.body.token as string;
}

describe('a credential made through one instance, used at once on an instance the feed has not reached', () => {
  it(`a personal API token created on instance one is admitted by instance two on its first request (${TRIALS} trials)`, async () => {
    const user = await new HttpClient(one.base).login(tenant.user.email, tenant.user.password);
    const answers: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const token = await newApiToken(user);
      const r = await context(two, token);
      answers.push(r.status);
      if (r.status === 200) expect(r.body).toMatchObject({ user_id: tenant.user.id, tenant_id: tenant.id });
      // the token is held by instance two from now on
      expect((await context(two, token)).status).toBe(200);
    }
    expect(answers).toEqual(Array(TRIALS).fill(200));
  }, 120_000);

  it('a well-formed token nobody issued is still refused with 401 invalid_token by both', async () => {
    const forged = 'pgpat_' + 'A'.repeat(43);
    for (const i of [one, two]) {
      const r = await context(i, forged);
      expect([r.status, r.body.code]).toEqual([401, 'invalid_token']);
    }
  });

  it(`a link delegation made on another instance admits its partner on instance two on the first request (${TRIALS} trials)`, async () => {
    // a portal session (the session index already reads one it does not hold), so only the delegation is new to instance two
    const { cookie } = await new HttpClient(one.base).login(msp.staff.email, msp.staff.password);
    const answers: string[] = [];
    for (let i = 0; i < TRIALS; i++) {
      // a new tenant and its link, made by the setup instance (in-process, on the same database)
      const customer = await pair.world.tenant();
      const d = await link(pair.t, msp, customer);
      const r = await context(two, cookie, { 'x-active-tenant-id': customer.id });
      answers.push(`${r.status} ${r.body.code ?? ''}`.trim());
      if (r.status === 200) expect(r.body).toMatchObject({ user_id: msp.staff.id, tenant_id: customer.id, delegation_id: d.id });
    }
    expect(answers).toEqual(Array(TRIALS).fill('200'));
    // a tenant no delegation covers is still refused, after that one catch-up
    const stranger = await pair.world.tenant();
    const r = await context(two, cookie, { 'x-active-tenant-id': stranger.id });
    expect([r.status, r.body.code]).toEqual([404, 'delegation_not_found']);
  }, 120_000);
});

describe('a user disabled and enabled again across instances does not get their API tokens back', () => {
  it('their personal API token stays revoked: refused by the other instance once disabled, and still after re-enabling', async () => {
    const customer = await pair.world.tenant();
    const user = await new HttpClient(one.base).login(customer.user.email, customer.user.password);
    const token = await newApiToken(user);
    const onSetup = () => gw(pair.t, 'GET', '/resources/v1/context', { token });
    expect((await onSetup()).status).toBe(200);

    const operator = await pair.world.operator();
    const op = await new HttpClient(one.base).login(operator.email, operator.password);
    expect((await op.req('POST', `/api/v1/users/${customer.user.id}/disable`)).status).toBe(200);
    // the setup instance follows the feed's fan-out: poll (bounded) until the disable arrives
    const until = async (ok: (s: number) => boolean) => {
      const deadline = Date.now() + 10_000;
      let r = await onSetup();
      while (!ok(r.status) && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 10));
        r = await onSetup();
      }
      return r;
    };
    const disabled = await until((s) => s !== 200);
    expect([401, 403]).toContain(disabled.status);

    expect((await op.req('POST', `/api/v1/users/${customer.user.id}/enable`)).status).toBe(200);
    // the user can sign in again, but the token does not come back: on instance one at once…
    const again = await new HttpClient(one.base).login(customer.user.email, customer.user.password);
    expect(again.csrf).toEqual(expect.any(String));
    const r1 = await context(one, token);
    expect([r1.status, r1.body.code]).toEqual([401, 'invalid_token']);
    // …and on the other instance once the enable has reached it (the snapshot has the user active again)
    const deadline = Date.now() + 10_000;
    while (!pair.setup.services.authz.snapshot.users.get(customer.user.id)?.active && Date.now() < deadline) await new Promise((res) => setTimeout(res, 10));
    expect(pair.setup.services.authz.snapshot.users.get(customer.user.id)?.active).toBe(true);
    const r2 = await onSetup();
    expect([r2.status, r2.body.code]).toEqual([401, 'invalid_token']);
  }, 60_000);
});
