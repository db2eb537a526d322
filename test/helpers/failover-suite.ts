/**
 * The failover suite: two Partnergate processes on a highly available PostgreSQL (Patroni,
 * synchronous standby, HAProxy) and Redis (a master, a replica, three Sentinels) of its own
 * (ha-cluster.ts), under a write load and a gateway load spread over both as a load balancer
 * would (a refused connection is sent to the other instance), while faults are injected one after
 * another:
 *   1. kill -9 of the PostgreSQL primary (Patroni, the postmaster and every backend);
 *   2. a planned Redis failover (SENTINEL FAILOVER: the old master stays up and is demoted to a
 *      replica of the new one; once it is, no connection of either instance may be left on it);
 *   3. kill -9 of the Redis master (the one promoted in 2; the demoted one is promoted back);
 *   4. kill -9 of instance two, its DATA_DIR deleted, and a new instance two on an empty one;
 *   5. SIGTERM to instance one under load, its DATA_DIR deleted once it exited, and a new one.
 * Per fault it counts what a user would notice: acknowledged writes (201) not in the database,
 * acknowledged gateway requests (200) whose access event is not in the audit log, requests admitted
 * that must be refused (a token of a revoked delegation, no token at all, and a delegation revoked
 * right after the database failover), answers 5xx other than 503, and the seconds from the fault
 * until writes succeed again; at the end, whether the audit chain verifies.
 * Used by `npm run chaos:failover` (bench/chaos-failover.ts) and the CI-sized test
 * (test/api/platform/failover.test.ts).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { buildApp } from '../../src/app/build-app.ts';
import { AuditLog } from '../../src/modules/audit/index.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { asSystem, SYSTEM_CONTEXT } from '../../src/platform/db/db-context.ts';
import { openDatabase, type Db } from '../../src/platform/db/database.ts';
import { migrateToLatest } from '../../src/platform/db/migrate.ts';
import { auditedRequests, consentClaims, consentedApp, mintToken } from '../api/gateway/helpers.ts';
import type { TestApp } from './app.ts';
import { testConfig } from './config.ts';
import { startHaCluster, type HaCluster } from './ha-cluster.ts';
import { freePort, startServer, type ServerProcess } from './server-process.ts';
import { World } from './world.ts';

export interface FailoverOptions {
  /** seconds of load before each fault and after recovery (default 3) */
  settleSec?: number;
  /** gateway request loops (default 4) and write loops (default 2), each paced */
  gatewayLoops?: number;
  writeLoops?: number;
  /** ms between two requests of one loop (default 20 for the gateway, 40 for writes) */
  gatewayPaceMs?: number;
  writePaceMs?: number;
  /** the longest a fault may take to recover before the run gives up on it (default 60 s) */
  recoveryLimitSec?: number;
  log?: (line: string) => void;
}

export interface FaultFigures {
  fault: string;
  /** writes answered 201 that are not in the database */
  acknowledged_writes_lost: number;
  acknowledged_writes: number;
  /** gateway requests answered 200 whose access event is not in the audit log */
  access_events_lost: number;
  access_events_acknowledged: number;
  /** kill -9 with DATA_DIR lost: the requests the instance admitted in the last GATEWAY_AUDIT_FLUSH_MS + 1 s before it died (the stated bound) */
  access_events_bound: number | null;
  /** answers 200 to requests that had to be refused */
  unauthorized_admitted: number;
  /** answers 5xx other than 503 */
  non_503_5xx: number;
  /** what the first few of those were */
  non_503_5xx_examples: string[];
  /** answers per instance in the fault's window */
  by_instance: { one: number; two: number };
  /** the 503s by kind of request and problem code */
  codes_503: Record<string, number>;
  /** answers 503 (with Retry-After, else counted in non_503_5xx) */
  answered_503: number;
  /** from the fault until a write started after it, and after the last failed one, succeeded */
  seconds_until_writes_succeed: number;
  /** the same for the gateway's requests (refused 503 while Redis, which holds the shared rate-limit counters, is away) */
  seconds_until_gateway_admits: number;
  /** for the database and Redis faults: seconds until the cluster named a new primary or master */
  seconds_until_new_primary: number | null;
  /** for the planned Redis failover: connections of either instance still on the demoted master once it is a replica */
  connections_left_on_demoted_master: number | null;
}

export interface FailoverResult {
  faults: FaultFigures[];
  audit_chain_verifies: boolean;
  audit_events_verified: number;
  setup_seconds: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One answer the load saw, on which instance, when. */
interface Answer {
  kind: 'write' | 'gateway' | 'forbidden';
  status: number;
  code: string | null;
  retryAfter: boolean;
  start: number;
  end: number;
  /** write: the created token's id; gateway: the request id */
  id: string | null;
  instance: 'one' | 'two';
}

const FLUSH_MS = 250;

export async function runFailoverSuite(o: FailoverOptions = {}): Promise<FailoverResult> {
  const log = o.log ?? (() => {});
  const settle = (o.settleSec ?? 3) * 1000;
  const limit = (o.recoveryLimitSec ?? 60) * 1000;
  const t0 = Date.now();
  const cluster: HaCluster = await startHaCluster();
  const dirs: string[] = [];
  const instances: { one: ServerProcess | null; two: ServerProcess | null } = { one: null, two: null };
  let verifyDb: Db | null = null;
  try {
    // ---- the database, migrated by its owner, served to the application role under row-level security
    const admin = new pg.Client({ connectionString: cluster.pgUrl() });
    await admin.connect();
    await admin.query('create database partnergate');
    await admin.end();
    const ownerUrl = cluster.pgUrl('partnergate');
    const appUrl = ownerUrl.replace('postgres://postgres@', 'postgres://partnergate_app@');
    const setupDir = mkdtempSync(path.join(tmpdir(), 'partnergate-ha-setup-'));
    dirs.push(setupDir);
    const ownerDb = openDatabase({ databaseUrl: ownerUrl, dataDir: setupDir, poolSize: 2 });
    await migrateToLatest(ownerDb, { appRole: 'partnergate_app' });

    const [portOne, portTwo] = [await freePort(), await freePort()];
    const publicUrl = `http://127.0.0.1:${portOne}`;
    // ---- the world: a tenant, a partner app with a consent delegation (its token drives the
    // gateway load), a second one revoked before the load starts, a third revoked after the
    // database failover; built in this process, then the processes start on it
    const setup = await buildApp({ config: testConfig({ DATABASE_URL: ownerUrl, PUBLIC_URL: publicUrl }, setupDir), db: ownerDb, redis: null, logger: false });
    await setup.ready();
    const t = { app: setup, services: setup.services, world: new World(setup) } as unknown as TestApp;
    const tenant = await t.world.tenant();
    const appOk = await consentedApp(t, { tenant });
    const appRevoked = await consentedApp(t, { tenant });
    const appLater = await consentedApp(t, { tenant });
    const token = await mintToken(t, consentClaims(appOk, tenant), { expiresInSec: 3600 });
    const revokedToken = await mintToken(t, consentClaims(appRevoked, tenant), { expiresInSec: 3600 });
    const laterToken = await mintToken(t, consentClaims(appLater, tenant), { expiresInSec: 3600 });
    await t.services.delegations.revoke(t.world.ctx, appRevoked.delegationId, { side: 'tenant', tenantId: tenant.id, reason: 'revoked before the failover suite' });
    await setup.close();
    await ownerDb.close();
    const setupSeconds = Math.round((Date.now() - t0) / 100) / 10;
    log(`setup: cluster, database and world in ${setupSeconds} s`);

    const env = (dataDir: string) => ({
      DATABASE_URL: appUrl,
      DATABASE_OWNER_URL: ownerUrl,
      REDIS_SENTINELS: cluster.redis.sentinels,
      REDIS_SENTINEL_MASTER: cluster.redis.masterName,
      REDIS_PASSWORD: cluster.redis.password,
      REDIS_SENTINEL_PASSWORD: cluster.redis.sentinelPassword,
      PUBLIC_URL: publicUrl,
      DATA_DIR: dataDir,
      GATEWAY_AUDIT_FLUSH_MS: String(FLUSH_MS),
      CHANGE_FEED_POLL_MS: '500',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_QUERY_TIMEOUT_MS: '5000',
      // a busy machine may hold a Redis answer longer than the production bound
      REDIS_COMMAND_TIMEOUT_MS: '1000',
      SHUTDOWN_GRACE_MS: '15000',
      RATE_LIMITS: JSON.stringify({ read: 100_000_000, write: 100_000_000, partner: 100_000_000, default: 100_000_000 }),
      LOG_LEVEL: 'warn',
    });
    /** the instances a load balancer sends to: out while one starts (its readiness probe fails), back once ready */
    const routable = { one: true, two: true };
    const serve = async (which: 'one' | 'two') => {
      const dataDir = mkdtempSync(path.join(tmpdir(), `partnergate-ha-${which}-`));
      dirs.push(dataDir);
      routable[which] = false;
      const s = await startServer({ port: which === 'one' ? portOne : portTwo, env: env(dataDir), timeoutMs: 120_000 });
      instances[which] = s;
      routable[which] = true;
      return { s, dataDir };
    };
    let dirOne = (await serve('one')).dataDir;
    let dirTwo = (await serve('two')).dataDir;

    // ---- the load
    const answers: Answer[] = [];
    let running = true;
    const base = (which: 'one' | 'two') => `http://127.0.0.1:${which === 'one' ? portOne : portTwo}`;
    /**
     * Like a load balancer: each loop's next instance in turn (`turn`), skipping one that is not
     * ready, and the other one when this one refuses the connection.
     */
    const send = async (turn: number, kind: Answer['kind'], url: string, init: RequestInit): Promise<void> => {
      const first: 'one' | 'two' = turn % 2 === 0 ? 'one' : 'two';
      const order = [first, first === 'one' ? 'two' : 'one'] as const;
      for (const which of order.filter((x) => routable[x]).concat(order.every((x) => !routable[x]) ? order : [])) {
        const start = Date.now();
        try {
          const r = await fetch(base(which) + url, { ...init, signal: AbortSignal.timeout(20_000) });
          const text = await r.text();
          let code: string | null = null;
          let id: string | null = kind === 'gateway' ? r.headers.get('x-request-id') : null;
          if (text.startsWith('{')) {
            const body = JSON.parse(text) as { code?: string; api_token?: { id?: string } };
            code = body.code ?? null;
            if (kind === 'write') id = body.api_token?.id ?? null;
          }
          answers.push({ kind, status: r.status, code, retryAfter: r.headers.has('retry-after'), start, end: Date.now(), id, instance: which });
          return;
        } catch {
          // connection refused or reset (the instance is gone): the other one
        }
      }
    };
    const sessions = new Map<'one' | 'two', { cookie: string; csrf: string }>();
    const login = async (which: 'one' | 'two') => {
      const r = await fetch(base(which) + '/api/v1/auth/login', { method: 'POST', headers: { 'content-type': 'application/json', 'x-forwarded-for': '10.9.9.9' }, body: JSON.stringify({ email: tenant.admin.email, password: tenant.admin.password }) });
      const body = (await r.json()) as { csrf_token: string };
      if (r.status !== 200) throw new Error(`login on instance ${which}: ${r.status} ${JSON.stringify(body)}`);
      sessions.set(which, { cookie: r.headers.getSetCookie().find((c) => c.startsWith('partnergate_session='))!.split(';')[0], csrf: body.csrf_token });
    };
    // one session: it is in the database, so either instance knows it
    await login('one');
    let n = 0;
    const loops: Promise<void>[] = [];
    for (let i = 0; i < (o.writeLoops ?? 2); i++) {
      loops.push(
        (async () => {
          let k = i;
          while (running) {
            const s = sessions.get('one')!;
            await send(k++, 'write', '/api/v1/me/api-tokens', { method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ name: `failover ${++n}` }) });
            await sleep(o.writePaceMs ?? 40);
          }
        })(),
      );
    }
    for (let i = 0; i < (o.gatewayLoops ?? 4); i++) {
      loops.push(
        (async () => {
          let k = i;
          while (running) {
            k++;
            // one in five requests must be refused: a revoked delegation's token, or no token
            if (k % 10 === 5) await send(k, 'forbidden', '/resources/v1/context', { headers: { authorization: `Bearer ${revokedToken}` } });
            else if (k % 10 === 0) await send(k, 'forbidden', '/resources/v1/context', {});
            else await send(k, 'gateway', '/resources/v1/context', { headers: { authorization: `Bearer ${token}` } });
            await sleep(o.gatewayPaceMs ?? 20);
          }
        })(),
      );
    }
    /** the later delegation's token: admitted until its revocation is acknowledged, refused from 1 s after */
    let laterRevokedAt = Number.POSITIVE_INFINITY;
    loops.push(
      (async () => {
        let k = 0;
        while (running) {
          await send(k++, Date.now() > laterRevokedAt + 1000 ? 'forbidden' : 'gateway', '/resources/v1/context', { headers: { authorization: `Bearer ${laterToken}` } });
          await sleep(50);
        }
      })(),
    );

    const figures: FaultFigures[] = [];
    const windows = new Map<FaultFigures, { from: number; to: number }>();
    /** The window's answers and the time writes took to succeed again after `at`. */
    const measure = (fault: string, from: number, at: number, to: number, extra: Partial<FaultFigures>): FaultFigures => {
      const w = answers.filter((a) => a.start >= from && a.start < to);
      const writes = w.filter((a) => a.kind === 'write');
      const failed = writes.filter((a) => a.start >= at && a.status !== 201);
      const lastFailed = failed.length ? Math.max(...failed.map((a) => a.start)) : at;
      const ok = writes.filter((a) => a.status === 201 && a.start >= lastFailed).sort((a, b) => a.end - b.end)[0];
      const gws = w.filter((a) => a.kind === 'gateway' && a.start >= at);
      // a 4xx is a decision (the delegation revoked after the database failover), not a refusal to serve
      const lastRefused = Math.max(at, ...gws.filter((a) => a.status >= 500).map((a) => a.start));
      const admitted = gws.filter((a) => a.status === 200 && a.start >= lastRefused).sort((a, b) => a.end - b.end)[0];
      const f: FaultFigures = {
        fault,
        acknowledged_writes: writes.filter((a) => a.status === 201).length,
        acknowledged_writes_lost: 0,
        access_events_acknowledged: w.filter((a) => a.kind === 'gateway' && a.status === 200).length,
        access_events_lost: 0,
        access_events_bound: null,
        unauthorized_admitted: w.filter((a) => a.kind === 'forbidden' && a.status < 400).length,
        non_503_5xx: w.filter((a) => a.status >= 500 && (a.status !== 503 || !a.retryAfter)).length,
        non_503_5xx_examples: w.filter((a) => a.status >= 500 && (a.status !== 503 || !a.retryAfter)).slice(0, 5).map((a) => `${a.kind} on ${a.instance}: ${a.status} ${a.code ?? ''}${a.retryAfter ? '' : ' (no Retry-After)'}`),
        by_instance: { one: w.filter((a) => a.instance === 'one').length, two: w.filter((a) => a.instance === 'two').length },
        answered_503: w.filter((a) => a.status === 503 && a.retryAfter).length,
        codes_503: Object.fromEntries([...Map.groupBy(w.filter((a) => a.status === 503), (a) => `${a.kind}:${a.code}`)].map(([k, v]) => [k, v.length])),
        seconds_until_writes_succeed: ok ? Math.round((ok.end - at) / 100) / 10 : Number.NaN,
        seconds_until_gateway_admits: admitted ? Math.round((admitted.end - at) / 100) / 10 : Number.NaN,
        seconds_until_new_primary: null,
        connections_left_on_demoted_master: null,
        ...extra,
      };
      windows.set(f, { from, to });
      return f;
    };
    const waitUntil = async (what: string, probe: () => Promise<boolean> | boolean) => {
      const deadline = Date.now() + limit;
      while (!(await probe())) {
        if (Date.now() > deadline) throw new Error(`${what}: not within ${limit} ms\n${cluster.logs()}\n--- instance one\n${instances.one?.logs.slice(-3000)}\n--- instance two\n${instances.two?.logs.slice(-3000)}`);
        await sleep(100);
      }
    };
    const writesSucceedAfter = (at: number) => () => {
      const w = answers.filter((a) => a.kind === 'write' && a.start >= at);
      const lastFailed = Math.max(at, ...w.filter((a) => a.status !== 201).map((a) => a.start));
      return w.some((a) => a.status === 201 && a.start >= lastFailed);
    };
    /** each instance serves the gateway again: an admission after its own last refusal (on a timeout, waitUntil prints both instances' logs, which name the limiter's error) */
    const gatewayAdmitsOnEachAfter = (at: number) => () =>
      (['one', 'two'] as const).every((which) => {
        const g = answers.filter((a) => a.kind === 'gateway' && a.instance === which && a.start >= at);
        const lastRefused = Math.max(at, ...g.filter((a) => a.status >= 500).map((a) => a.start));
        return g.some((a) => a.status === 200 && a.start >= lastRefused);
      });

    // ---- 1. the PostgreSQL primary
    await sleep(settle);
    let from = Date.now() - settle;
    const oldPrimary = await cluster.primary();
    let at = Date.now();
    await cluster.killPrimary();
    log(`kill -9 of the PostgreSQL primary ${oldPrimary?.name}`);
    await waitUntil('a new PostgreSQL primary', async () => {
      const p = await cluster.primary();
      return p !== null && p !== oldPrimary;
    });
    const newPrimaryAfter = (Date.now() - at) / 1000;
    await waitUntil('writes succeed after the PostgreSQL failover', writesSucceedAfter(at));
    // a revocation made on one instance after the failover is enforced by both
    const s = sessions.get('one')!;
    const rev = await fetch(base('one') + `/api/v1/tenants/${tenant.id}/delegations/${appLater.delegationId}/revoke`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: s.cookie, 'x-csrf-token': s.csrf }, body: JSON.stringify({ reason: 'revoked after the database failover' }) });
    if (rev.status !== 200) throw new Error(`revoking after the failover: ${rev.status} ${await rev.text()}`);
    laterRevokedAt = Date.now();
    await sleep(settle);
    figures.push(measure('postgresql_primary_kill_9', from, at, Date.now(), { seconds_until_new_primary: Math.round(newPrimaryAfter * 10) / 10 }));
    log(`  ${JSON.stringify(figures.at(-1))}`);

    // ---- 2. a planned Redis failover: the master is demoted while it is still up
    from = Date.now();
    await sleep(settle);
    at = Date.now();
    const demoted = await cluster.redis.plannedFailover();
    log(`SENTINEL FAILOVER (the master on port ${demoted} stays up and is demoted)`);
    await waitUntil('the Sentinels agree on a new Redis master', async () => {
      const m = await cluster.redis.agreedMasterPort();
      return m !== null && m !== demoted;
    });
    const promotedAfter = (Date.now() - at) / 1000;
    await waitUntil('writes succeed after the planned Redis failover', writesSucceedAfter(at));
    await waitUntil('the gateway admits on each instance after the planned Redis failover', gatewayAdmitsOnEachAfter(at));
    // the Sentinels demote the old master some 10 s after the switch; then the next fault needs it as a replica in sync
    await waitUntil('the demoted Redis master is a replica of the new one', async () => (await cluster.redis.roleOf(demoted)) === 'slave');
    await cluster.redis.waitHealthy(limit);
    const left = (await cluster.redis.clientsOf(demoted)).length;
    await sleep(settle);
    figures.push(measure('redis_planned_failover', from, at, Date.now(), { seconds_until_new_primary: Math.round(promotedAfter * 10) / 10, connections_left_on_demoted_master: left }));
    log(`  ${JSON.stringify(figures.at(-1))}`);

    // ---- 3. the Redis master
    from = Date.now();
    await sleep(settle);
    const oldMaster = await cluster.redis.masterPort();
    at = Date.now();
    await cluster.redis.killMaster();
    log(`kill -9 of the Redis master (port ${oldMaster})`);
    await waitUntil('a new Redis master', async () => {
      const m = await cluster.redis.masterPort();
      return m !== null && m !== oldMaster;
    });
    const newMasterAfter = (Date.now() - at) / 1000;
    await waitUntil('writes succeed after the Redis failover', writesSucceedAfter(at));
    await waitUntil('the gateway admits on each instance after the Redis failover', gatewayAdmitsOnEachAfter(at));
    await sleep(settle);
    figures.push(measure('redis_master_kill_9', from, at, Date.now(), { seconds_until_new_primary: Math.round(newMasterAfter * 10) / 10 }));
    log(`  ${JSON.stringify(figures.at(-1))}`);

    // ---- 4. instance two: kill -9, its DATA_DIR deleted, a new one on an empty DATA_DIR
    from = Date.now();
    await sleep(settle);
    at = Date.now();
    await instances.two!.stop({ hard: true });
    rmSync(dirTwo, { recursive: true, force: true });
    log('kill -9 of instance two, its DATA_DIR deleted');
    const boundTwo = answers.filter((a) => a.instance === 'two' && a.kind === 'gateway' && a.status === 200 && a.end >= at - FLUSH_MS - 1000).length;
    dirTwo = (await serve('two')).dataDir;
    await sleep(settle);
    figures.push(measure('instance_kill_9_data_dir_deleted', from, at, Date.now(), { access_events_bound: boundTwo }));
    log(`  ${JSON.stringify(figures.at(-1))}`);

    // ---- 5. instance one: SIGTERM under load, its DATA_DIR deleted once it has exited
    from = Date.now();
    await sleep(settle);
    at = Date.now();
    const exited = new Promise<number | null>((r) => instances.one!.proc.once('exit', (code) => r(code)));
    instances.one!.proc.kill('SIGTERM');
    const code = await exited;
    rmSync(dirOne, { recursive: true, force: true });
    log(`SIGTERM to instance one: exited ${code} after ${Date.now() - at} ms, its DATA_DIR deleted`);
    dirOne = (await serve('one')).dataDir;
    await login('one');
    await sleep(settle);
    running = false;
    await Promise.all(loops);
    figures.push(measure('instance_sigterm_data_dir_deleted', from, at, Date.now(), {}));

    // ---- what reached the database: every acknowledged write, every acknowledged access event
    // (those instance two held when it died and lost with its DATA_DIR aside)
    await sleep(2 * FLUSH_MS + 1000);
    verifyDb = openDatabase({ databaseUrl: ownerUrl, dataDir: setupDir, poolSize: 2, ambientContext: SYSTEM_CONTEXT });
    const tokens = new Set((await verifyDb.kysely.selectFrom('api_tokens').select('id').execute()).map((r) => r.id));
    const logged = await auditedRequests(verifyDb, tenant.id);
    for (const f of figures) {
      const { from: a0, to: a1 } = windows.get(f)!;
      const w = answers.filter((a) => a.start >= a0 && a.start < a1);
      f.acknowledged_writes_lost = w.filter((a) => a.kind === 'write' && a.status === 201 && !tokens.has(a.id!)).length;
      f.access_events_lost = w.filter((a) => a.kind === 'gateway' && a.status === 200 && logged.get(a.id!) !== 1).length;
    }
    const verdict = await asSystem(() => new AuditLog(verifyDb!, systemClock).verify());
    return { faults: figures, audit_chain_verifies: verdict.ok, audit_events_verified: verdict.checked, setup_seconds: setupSeconds };
  } finally {
    await instances.one?.stop({ hard: true });
    await instances.two?.stop({ hard: true });
    await verifyDb?.close().catch(() => {});
    await cluster.cleanup();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}
