/**
 * Redis outages. With this suite's own Redis killed, and then frozen
 * (SIGSTOP: TCP up, nothing answered), a login, a token issuance, a token revocation and a gateway
 * request each answer within a bound, with the documented answer: 503 rate_limiter_unavailable
 * under RATE_LIMIT_REDIS_FAILURE=refuse, 200 under local. Nothing waits for a reconnect. A change
 * still reaches another instance (the change feed falls back to polling) and the writer is not
 * held up. Everything works again once Redis is back. Measured times are printed (p50, max).
 * Both databases; the Redis is always the suite's own (test/helpers/own-redis.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { redisFactory } from '../../../src/platform/redis.ts';
import { partnerWithApp, revoke, startOAuthApp, tokenRequest, type OAuthTestApp, type RegisteredApp } from '../oauth/oauth-helpers.ts';
import { startOwnRedis, type OwnRedis } from '../../helpers/own-redis.ts';
import type { TestTenant } from '../../helpers/world.ts';

type Policy = 'refuse' | 'local';
type Probe = 'login' | 'token' | 'revoke' | 'gateway';
const PROBES: Probe[] = ['login', 'token', 'revoke', 'gateway'];
/** Generous for load average 8; the measured times are printed at the end. */
const BOUND_MS = 2_000;

interface Setup {
  t: OAuthTestApp;
  tenant: TestTenant;
  app: RegisteredApp;
  /** an access token issued while Redis was up, for the gateway probe */
  accessToken: string;
}

let redis: OwnRedis;
const setups = {} as Record<Policy, Setup>;
const timings: Record<string, number[]> = {};

async function setUp(policy: Policy): Promise<Setup> {
  const t = await startOAuthApp({ redisUrl: redis.url, config: { RATE_LIMIT_REDIS_FAILURE: policy, REDIS_COMMAND_TIMEOUT_MS: '100', CHANGE_FEED_POLL_MS: '200' } });
  const tenant = await t.world.tenant();
  const app = await partnerWithApp(t, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
  await t.services.feed.drain();
  const issued = await tokenRequest(t, app, { grant_type: 'client_credentials', scope: 'orders.read' });
  expect(issued.status).toBe(200);
  return { t, tenant, app, accessToken: String(issued.body.access_token) };
}

/** One probe over real HTTP: status, the refusal code (problem `code`, else OAuth `error`), time taken. */
async function probe(s: Setup, which: Probe): Promise<{ status: number; code: string | null; ms: number }> {
  const started = performance.now();
  let res: Response;
  switch (which) {
    case 'login':
      res = await fetch(`${s.t.url}/api/v1/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: s.tenant.admin.email, password: s.tenant.admin.password }),
      });
      break;
    case 'token':
      res = await fetch(`${s.t.issuer}/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(s.app) },
        body: 'grant_type=client_credentials&scope=orders.read',
      });
      break;
    case 'revoke':
      res = await fetch(`${s.t.issuer}/token/revocation`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(s.app) },
        body: 'token=not-a-token-we-issued',
      });
      break;
    case 'gateway':
      res = await fetch(`${s.t.url}/resources/v1/context`, { headers: { authorization: `Bearer ${s.accessToken}` } });
      break;
  }
  const text = await res.text();
  const ms = performance.now() - started;
  let code: string | null = null;
  try {
    const body = JSON.parse(text) as { code?: string; error?: string };
    code = body.code ?? body.error ?? null;
  } catch {
    // an empty 200 (revocation)
  }
  return { status: res.status, code, ms };
}

function basic(app: RegisteredApp): string {
  return `Basic ${Buffer.from(`${encodeURIComponent(app.clientId)}:${encodeURIComponent(app.secret)}`).toString('base64')}`;
}

/** Every probe, `n` times each, on both policies: within the bound, with the policy's answer. */
async function expectPolicyAnswers(phase: string, n: number): Promise<void> {
  for (const policy of ['refuse', 'local'] as Policy[]) {
    for (const which of PROBES) {
      for (let i = 0; i < n; i++) {
        const r = await probe(setups[policy], which);
        (timings[`${phase} ${policy} ${which}`] ??= []).push(r.ms);
        expect(r.ms, `${phase} ${policy} ${which}`).toBeLessThan(BOUND_MS);
        if (policy === 'local') expect([r.status, which], `${phase} ${policy} ${which}`).toEqual([200, which]);
        else expect([r.status, r.code, which], `${phase} ${policy} ${which}`).toEqual([503, 'rate_limiter_unavailable', which]);
      }
    }
  }
}

/** Polls until every probe answers 200 on both policies again (bounded). */
async function expectRecovery(): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (const policy of ['refuse', 'local'] as Policy[]) {
    for (const which of PROBES) {
      for (;;) {
        const r = await probe(setups[policy], which);
        if (r.status === 200) break;
        if (Date.now() > deadline) throw new Error(`${policy} ${which} did not recover: ${r.status} ${r.code}`);
        await new Promise((res) => setTimeout(res, 50));
      }
    }
  }
}

beforeAll(async () => {
  redis = await startOwnRedis();
  setups.refuse = await setUp('refuse');
  setups.local = await setUp('local');
}, 120_000);

afterAll(async () => {
  await Promise.all(Object.values(setups).map((s) => s.t.close()));
  await redis?.stop();
  const p50 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
  const lines = Object.entries(timings).map(([k, xs]) => `${k.padEnd(24)} p50 ${p50(xs).toFixed(1)} ms  max ${Math.max(...xs).toFixed(1)} ms  (n=${xs.length})`);
  console.log(`Redis outage timings:\n${lines.join('\n')}`);
});

describe('with Redis up', () => {
  it('every probe is served', async () => {
    for (const policy of ['refuse', 'local'] as Policy[]) for (const which of PROBES) expect((await probe(setups[policy], which)).status, `${policy} ${which}`).toBe(200);
  });
});

describe('Redis killed', () => {
  it('answers at once: 503 rate_limiter_unavailable under refuse, 200 under local; and recovers once Redis is back', async () => {
    await redis.kill();
    await expectPolicyAnswers('killed', 5);
    // The OAuth endpoints keep RFC 6749's shape and say which refusal it is.
    const token = await tokenRequest(setups.refuse.t, setups.refuse.app, { grant_type: 'client_credentials', scope: 'orders.read' });
    expect(token).toMatchObject({ status: 503, body: { error: 'temporarily_unavailable', code: 'rate_limiter_unavailable' } });
    const revoked = await revoke(setups.refuse.t, setups.refuse.app, 'anything');
    expect(revoked.status).toBe(503);
    const login = await fetch(`${setups.refuse.t.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: setups.refuse.tenant.admin.email, password: 'wrong' }) });
    expect(login.status).toBe(503);
    expect(login.headers.get('retry-after')).toBe('1');
    expect(login.headers.get('content-type')).toMatch(/^application\/problem\+json/);

    await redis.restart();
    await expectRecovery();
  }, 90_000);

  it('a change made on one instance reaches another by polling, and the writer is not held up', async () => {
    const a = setups.local.t;
    const partner = await partnerWithApp(a, { capabilities: ['wholesale'], grant_types: ['client_credentials'], scopes: ['orders.read'] });
    await a.services.feed.drain();
    const token = String((await tokenRequest(a, partner, { grant_type: 'client_credentials', scope: 'orders.read' })).body.access_token);
    const operator = await (await a.world.operator()).login();
    // a second instance on the same database and Redis
    const b: FastifyInstance = await buildApp({ config: a.config, db: a.testDb.db, redis: redisFactory(redis.url), logger: false });
    await b.ready();
    try {
      const viaB = () => b.inject({ method: 'GET', url: '/resources/v1/context', headers: { authorization: `Bearer ${token}` } });
      expect((await viaB()).statusCode).toBe(200);
      await redis.kill();
      const started = performance.now();
      expect((await operator.post(`/api/v1/partners/${partner.partner.id}/suspend`, { reason: 'audit' })).status).toBe(200);
      const writeMs = performance.now() - started;
      (timings['killed suspend (writer)'] ??= []).push(writeMs);
      expect(writeMs).toBeLessThan(BOUND_MS);
      const deadline = Date.now() + 15_000;
      let r = await viaB();
      while (r.statusCode !== 403 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 50));
        r = await viaB();
      }
      expect([r.statusCode, r.json().code]).toEqual([403, 'partner_inactive']);
    } finally {
      await b.close();
      await redis.restart();
      await expectRecovery();
    }
  }, 90_000);
});

describe('Redis frozen (TCP up, no answers)', () => {
  it('answers within the bound as well, with the same answers; and recovers once Redis answers again', async () => {
    redis.freeze();
    try {
      await expectPolicyAnswers('frozen', 5);
    } finally {
      redis.thaw();
    }
    await expectRecovery();
  }, 90_000);
});
