/**
 * Redis through Sentinel when the master does not die: two Partnergate processes (REDIS_SENTINELS,
 * one PostgreSQL) on a Redis master and replica watched by three Sentinels of the test's own
 * (test/helpers/redis-sentinel.ts), under a small gateway and write load on both, while, one after
 * another:
 *  1. the master pauses its writers for 2 s (`CLIENT PAUSE 2000 WRITE`: no failover);
 *  2. a planned failover (`SENTINEL FAILOVER`): the replica is promoted and the old master, still up,
 *     is demoted to a replica of it;
 *  3. the master stops answering for 3 s (`DEBUG SLEEP 3`: the Sentinels call it down after 1 s and
 *     promote the replica; the old master wakes up believing it is still the master, and is demoted).
 * After each fault, within 10 s, every Redis-backed path works again on both instances: the rate
 * limiter admits gateway requests, a failed login counted through one instance throttles the same
 * email on the other (a write to the shared store), and an access token revoked through instance one
 * is refused by instance two within a second (the change feed's Redis fan-out: the outbox poll is set
 * to an hour, so nothing else carries it). Meanwhile no answer is a 5xx other than 503 with
 * Retry-After, and once it has recovered no connection of either instance is left on a node the
 * Sentinels no longer name as master (one left there would write into a replica, or into a demoted
 * master's dataset that is about to be thrown away).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstancePair, type InstancePair } from '../../helpers/instance-pair.ts';
import { startSentinelRedis, type SentinelRedis } from '../../helpers/redis-sentinel.ts';

const RECOVERY_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let redis: SentinelRedis;
let dir: string;
let pair: InstancePair;
let auth: string;
let admin: { email: string; password: string };

interface Answer {
  what: string;
  instance: 'one' | 'two';
  status: number;
  code: string | null;
  retryAfter: boolean;
  at: number;
}
const answers: Answer[] = [];

async function call(which: 'one' | 'two', what: string, url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const i = which === 'one' ? pair.one : pair.two;
  const r = await fetch(i.base + url, { ...init, signal: AbortSignal.timeout(15_000) });
  const text = await r.text();
  const body = (text.startsWith('{') ? JSON.parse(text) : {}) as Record<string, unknown>;
  answers.push({ what, instance: which, status: r.status, code: typeof body.code === 'string' ? body.code : null, retryAfter: r.headers.has('retry-after'), at: Date.now() });
  return { status: r.status, body };
}

const form = (which: 'one' | 'two', what: string, url: string, params: Record<string, string>) =>
  call(which, what, url, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(params).toString() });
const context = (which: 'one' | 'two', token: string, what = 'gateway') => call(which, what, '/resources/v1/context', { headers: { authorization: `Bearer ${token}` } });
const login = (which: 'one' | 'two', email: string, password: string, ip: string) =>
  call(which, 'login', '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': ip }, body: JSON.stringify({ email, password }) });

/** The tenant admin's session through instance one, for the write load. */
async function signIn(): Promise<{ cookie: string; csrf: string }> {
  const r = await fetch(`${pair.one.base}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' }, body: JSON.stringify({ email: admin.email, password: admin.password }) });
  const body = (await r.json()) as { csrf_token: string };
  expect(r.status).toBe(200);
  return { cookie: r.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='))!.split(';')[0], csrf: body.csrf_token };
}

/** A client-credentials token issued through `which` (retried while its limiter refuses). */
async function issue(which: 'one' | 'two', deadline: number): Promise<string | null> {
  while (Date.now() < deadline) {
    const r = await form(which, 'token', '/oauth/token', { grant_type: 'client_credentials', scope: 'orders.read' });
    if (r.status === 200) return String(r.body.access_token);
    await sleep(50);
  }
  return null;
}

let probe = 0;
/** Each Redis-backed path, once: true when all of them worked. */
const checks = {
  /** the rate limiter admits a gateway request on each instance */
  async limiter(token: string): Promise<boolean> {
    return (await context('one', token, 'probe')).status === 200 && (await context('two', token, 'probe')).status === 200;
  },
  /** a failed login through one instance is counted in the shared store: the same email is throttled on the other (LOGIN_MAX_ATTEMPTS 1) */
  async loginThrottle(): Promise<boolean> {
    const n = ++probe;
    const email = `nobody-${n}@planned-failover.test`;
    const first = await login(n % 2 ? 'one' : 'two', email, 'wrong password', `10.1.${n % 250}.1`);
    if (first.status !== 401) return false;
    const second = await login(n % 2 ? 'two' : 'one', email, 'wrong password', `10.2.${n % 250}.1`);
    return second.status === 429 && second.body.code === 'login_throttled';
  },
  /** an access token revoked through instance one is refused by instance two within a second */
  async feed(deadline: number): Promise<boolean> {
    const token = await issue('one', deadline);
    if (token === null || (await context('two', token, 'probe')).status !== 200) return false;
    if ((await form('one', 'revoke', '/oauth/token/revocation', { token })).status !== 200) return false;
    const until = Date.now() + 1000;
    while (Date.now() < until) {
      if ((await context('two', token, 'probe')).status === 401) return true;
      await sleep(20);
    }
    return false;
  },
};

/** Polls every check until all of them pass in one round; the ms from `at` until then, or null past the deadline. */
async function recovered(at: number, token: string): Promise<number | null> {
  const deadline = at + RECOVERY_MS;
  while (Date.now() < deadline) {
    if ((await checks.limiter(token)) && (await checks.loginThrottle()) && (await checks.feed(deadline))) return Date.now() - at;
    await sleep(50);
  }
  return null;
}

/** The gateway and write load on both instances, until stopped. */
function startLoad(token: string, session: { cookie: string; csrf: string }) {
  let running = true;
  const loops = [
    ...(['one', 'two'] as const).map(async (which) => {
      while (running) {
        await context(which, token).catch(() => {});
        await sleep(25);
      }
    }),
    (async () => {
      for (let k = 0; running; k++) {
        const body = JSON.stringify({ name: `planned failover ${k}` });
        await call(k % 2 ? 'two' : 'one', 'write', '/api/v1/me/api-tokens', { method: 'POST', headers: { 'content-type': 'application/json', cookie: session.cookie, 'x-csrf-token': session.csrf }, body }).catch(() => {});
        await sleep(100);
      }
    })(),
  ];
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'partnergate-sentinel-'));
  redis = await startSentinelRedis(dir);
  await redis.waitHealthy();
  let secret = '';
  let appId = '';
  pair = await startInstancePair({
    name: 'planned-failover',
    env: { CHANGE_FEED_POLL_MS: '3600000', TRUST_PROXY: 'true', LOGIN_MAX_ATTEMPTS: '1', LOGIN_WINDOW: '3600' },
    processEnv: {
      REDIS_URL: null,
      REDIS_SENTINELS: redis.sentinels,
      REDIS_SENTINEL_MASTER: redis.masterName,
      REDIS_PASSWORD: redis.password,
      REDIS_SENTINEL_PASSWORD: redis.sentinelPassword,
      // a busy machine may hold a Redis answer longer than the production bound
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      RATE_LIMITS: JSON.stringify({ read: 100_000_000, write: 100_000_000, partner: 100_000_000, default: 100_000_000 }),
    },
    // made before the processes start: the setup app's own change-feed nudges go to another Redis
    before: async (world) => {
      const partner = await world.partner({ capabilities: ['wholesale'] });
      const ctx = { ...world.ctx, actor: { ...world.ctx.actor, partnerId: partner.id } };
      const made = await world.s.apps.create(ctx, partner.id, { name: 'Planned failover app', grant_types: ['client_credentials'], scopes: ['orders.read'] });
      appId = made.app.id;
      secret = made.secret!;
      admin = (await world.tenant()).admin;
    },
  });
  auth = `Basic ${Buffer.from(`${appId}:${secret}`).toString('base64')}`;
}, 180_000);

afterAll(async () => {
  await pair?.close();
  await redis?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('Redis through Sentinel: a paused, a demoted and a frozen master', () => {
  it('every Redis-backed path works again on both instances within 10 s, with nothing but 503 meanwhile and no connection left on a demoted node', async () => {
    const token = (await issue('one', Date.now() + 10_000))!;
    expect(token).not.toBeNull();
    const stop = startLoad(token, await signIn());
    const faults: { fault: string; inject: () => Promise<unknown>; failsOver: boolean }[] = [
      { fault: 'client_pause_write_2s', inject: async () => redis.say((await redis.masterPort())!, ['CLIENT PAUSE 2000 WRITE']), failsOver: false },
      { fault: 'sentinel_failover', inject: () => redis.plannedFailover(), failsOver: true },
      { fault: 'debug_sleep_3s', inject: async () => redis.say((await redis.masterPort())!, ['DEBUG SLEEP 3'], 500), failsOver: true },
    ];
    const figures: Record<string, unknown>[] = [];
    try {
      for (const f of faults) {
        await redis.waitHealthy(60_000);
        const before = (await redis.agreedMasterPort())!;
        expect(await recovered(Date.now(), token), `before ${f.fault}`).not.toBeNull();
        const at = Date.now();
        await f.inject();
        let newMasterMs: number | null = null;
        if (f.failsOver) {
          const deadline = at + RECOVERY_MS;
          while ((await redis.agreedMasterPort()) === before && Date.now() < deadline) await sleep(50);
          newMasterMs = Date.now() - at;
        }
        const ms = await recovered(at, token);
        // the demoted node's clients move when the Sentinels announce the new master (+switch-master), which
        // can follow the first answers from it by a moment (the old master still serves until reconfigured):
        // every connection must have left it within the recovery bound
        let stale = f.failsOver ? await redis.clientsOf(before) : [];
        while (stale.length > 0 && Date.now() < at + RECOVERY_MS) {
          await sleep(50);
          stale = await redis.clientsOf(before);
        }
        const from = answers.filter((a) => a.at >= at);
        const figure = { fault: f.fault, new_master_ms: newMasterMs, recovered_ms: ms, answered_503: from.filter((a) => a.status === 503).length, codes_503: [...new Set(from.filter((a) => a.status === 503).map((a) => `${a.what}:${a.code}`))], connections_left_on_old_master: stale.length };
        figures.push(figure);
        process.stdout.write(`redis planned failover: ${JSON.stringify(figure)}\n`);
        const what = `${JSON.stringify(figure)}\n--- instance one\n${pair.one.logs.slice(-3000)}\n--- instance two\n${pair.two.logs.slice(-3000)}\n${redis.logs()}`;
        expect(ms, what).not.toBeNull();
        expect(stale, what).toEqual([]);
        if (f.failsOver) expect((await redis.agreedMasterPort()) !== before, what).toBe(true);
      }
    } finally {
      await stop();
    }
    const bad = answers.filter((a) => a.status >= 500 && (a.status !== 503 || !a.retryAfter));
    expect(bad.slice(0, 5), JSON.stringify(figures)).toEqual([]);
    expect(answers.filter((a) => a.what === 'write' && a.status === 201).length).toBeGreaterThan(0);
  }, 240_000);
});
