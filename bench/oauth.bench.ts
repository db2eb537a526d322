/**
 * npm run bench:oauth — token endpoint throughput of the authorization server.
 *
 * Runs Partnergate in this process on a fresh database (SQLite in a temp dir, or a new PostgreSQL
 * database when DATABASE_URL is set, served to the app as the non-owner role production runs as,
 * row-level security included: bench/bench-db.ts; Redis when REDIS_URL is set) and drives it from a separate
 * load-generator process (bench/oauth-load.ts), so the two share the machine's cores the way a
 * client and a server would:
 *  - client credentials: a wholesaler app asking for JWT access tokens (client_secret_basic,
 *    keyed-hash secret check, ES256 signature, Partnergate claims);
 *  - refresh token grants: partner apps refreshing customer-consented grants, each chain rotating
 *    its refresh token on every call (consent and delegation checked on every refresh).
 *
 * The yardstick: a bare oidc-provider of the same version (bench/oauth-bare.ts — its
 * header says what it stores: a minimal database adapter on the same engine, plain ids, clients
 * in the same table, ES256 JWT access tokens, rotating refresh tokens) runs as a child process of
 * this one, driven by the same load generator with the same concurrency. The two are measured in
 * BENCH_ROUNDS interleaved rounds (the order alternates per round), so a machine shared with other
 * work slows both alike; each round prints Partnergate / bare for throughput and p99.
 * Prints a table per round, then one JSON object on the last line:
 *   { db, cc_ratio_median, cc_ratios, refresh_ratio_median, refresh_ratios, cc_p99_ratio_median, …,
 *     cc_tokens_per_sec, cc_p99_ms, bare_cc_tokens_per_sec, bare_cc_p99_ms, … (medians over the rounds) }
 * BENCH_CPU_PROF=<file> writes a CPU profile (.cpuprofile) of Partnergate's process over the rounds;
 * BENCH_BARE_CPU_PROF=<dir> one of the bare library's process, into that directory.
 * Targets: throughput ≥ 0.85× the bare library's, p99 ≤ 1.3×; ≥ 1,000 client-credentials
 * tokens/s on a 2-core machine.
 */
import { spawn } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import { loadConfig } from '../src/config/config.ts';
import { mutate } from '../src/platform/db/database.ts';
import { freePort, openBenchDatabase } from './bench-db.ts';
import { buildApp } from '../src/app/build-app.ts';
import { redisFactory } from '../src/platform/redis.ts';
import { systemContext, type RequestContext } from '../src/platform/http/request-context.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 5) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 1) * 1000;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SCOPE = 'orders.read orders.create';
/** which grants to measure (comma-separated; default both) */
const GRANTS = (process.env.BENCH_GRANTS ?? 'cc,refresh').split(',').filter((g): g is 'cc' | 'refresh' => g === 'cc' || g === 'refresh');
const CC_CONCURRENCY = Number(process.env.BENCH_CC_CONCURRENCY ?? 32);
const REFRESH_CHAINS = Number(process.env.BENCH_REFRESH_CHAINS ?? 32);
const CALLBACK = 'http://127.0.0.1:65531/callback';
const root = path.resolve(import.meta.dirname, '..');

// ---- database ----------------------------------------------------------------------------------

// PostgreSQL: owner migrates, the app runs as the role production does (row-level security included).
const bench = await openBenchDatabase();
const dataDir = bench.dataDir;
const databaseUrl = bench.databaseUrl;

const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const config = loadConfig(
  {},
  {
    DATA_DIR: dataDir,
    SECRET_KEY: randomBytes(32).toString('base64url'),
    LOG_LEVEL: 'silent',
    SCRYPT_COST: '10',
    PUBLIC_URL: url,
    PORT: String(port),
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...(process.env.REDIS_URL ? { REDIS_URL: process.env.REDIS_URL } : {}),
  },
);
const db = bench.db;
const app = await buildApp({ config, db, redis: config.redisUrl ? redisFactory(config.redisUrl) : null, logger: false });
await app.listen({ port, host: '127.0.0.1' });
const s = app.services;
const dbLabel = db.dialect === 'postgres' ? 'postgres' : 'sqlite';

// ---- world ---------------------------------------------------------------------------------------

const ctx = systemContext('bench-oauth');
const suffix = randomBytes(3).toString('hex');
const { partner, ownerId } = await s.partners.apply(ctx, {
  name: 'Bench Partner',
  slug: `bench-${suffix}`,
  contact_email: `owner-${suffix}@bench.test`,
  owner: { name: 'Owner', email: `owner-${suffix}@bench.test`, password: 'bench owner password 1' },
});
await s.partners.transition(ctx, partner.id, 'approve', { capabilities: ['delegated', 'wholesale'] });
const ownerCtx: RequestContext = { ...ctx, actor: { ...ctx.actor, type: 'user', userId: ownerId, partnerId: partner.id } };
const cc = await s.apps.create(ownerCtx, partner.id, { name: 'Bench wholesale', grant_types: ['client_credentials'], scopes: ['orders.read', 'orders.create'] });
const code = await s.apps.create(ownerCtx, partner.id, { name: 'Bench consent', grant_types: ['authorization_code', 'refresh_token'], redirect_uris: [CALLBACK], scopes: ['orders.read', 'orders.create'] });
const basic = (id: string, secret: string) => Buffer.from(`${id}:${secret}`).toString('base64');

/** One customer tenant + admin per refresh chain (a new consent of the same app on a tenant supersedes the previous one). */
async function customerAdmin(i: number): Promise<{ email: string; password: string }> {
  const { tenant } = await s.tenants.createTenant(ctx, { name: `Bench customer ${i}`, slug: `bench-${suffix}-c${i}` });
  const email = `admin${i}-${suffix}@bench.test`;
  const password = `bench admin password ${i}`;
  await mutate(db, async (trx) => {
    const uid = await s.identity.createUser(trx, { email, name: `Admin ${i}`, password });
    await trx.insertInto('tenant_members').values({ tenant_id: tenant.id, user_id: uid, role: 'TENANT_ADMIN', invited_by: null, created_at: new Date().toISOString() }).execute();
  });
  await s.tenants.createBillingAccount(ctx, tenant.id, { name: 'Main' });
  return { email, password };
}

/** Sign in and consent over HTTP like a browser; returns a refresh token. */
async function consentedRefreshToken(user: { email: string; password: string }): Promise<string> {
  const cookies = new Map<string, string>();
  const req = async (u: string, form?: Record<string, string | string[]>) => {
    const headers: Record<string, string> = { accept: 'text/html' };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body: string | undefined;
    if (form) {
      const p = new URLSearchParams();
      for (const [k, v] of Object.entries(form)) for (const x of Array.isArray(v) ? v : [v]) p.append(k, x);
      body = p.toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const r = await fetch(u, { method: form ? 'POST' : 'GET', headers, body, redirect: 'manual' });
    for (const c of r.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair.indexOf('=');
      cookies.set(pair.slice(0, i), pair.slice(i + 1));
    }
    const loc = r.headers.get('location');
    return { status: r.status, location: loc ? new URL(loc, u).href : null, text: await r.text() };
  };
  const field = (html: string, name: string) => [...html.matchAll(new RegExp(`name="${name}" value="([^"]*)"`, 'g'))].map((m) => m[1]);
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  let next: string | null = `${url}/oauth/auth?${new URLSearchParams({ client_id: code.app.id, response_type: 'code', redirect_uri: CALLBACK, scope: SCOPE, code_challenge: challenge, code_challenge_method: 'S256' })}`;
  for (let i = 0; i < 12 && next?.startsWith(url); i++) {
    const r = await req(next);
    if (r.status === 303 || r.status === 302) {
      next = r.location;
      continue;
    }
    const csrf = field(r.text, 'csrf')[0];
    const base: string = next.split('?')[0];
    if (r.text.includes('name="password"')) next = (await req(`${base}/login`, { csrf, email: user.email, password: user.password })).location;
    else {
      const bans = field(r.text, 'ban_ids');
      next = (await req(`${base}/consent`, { csrf, tenant_id: field(r.text, 'tenant_id')[0], ban_ids: bans, bill_to: bans[0], duration_days: '90', decision: 'approve' })).location;
    }
  }
  const authCode = new URL(next!).searchParams.get('code');
  const tok = await fetch(`${url}/oauth/token`, {
    method: 'POST',
    headers: { authorization: `Basic ${basic(code.app.id, code.secret!)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code: authCode!, code_verifier: verifier, redirect_uri: CALLBACK }).toString(),
  });
  const json = (await tok.json()) as { refresh_token?: string; error?: string };
  if (!json.refresh_token) throw new Error(`no refresh token: ${JSON.stringify(json)}`);
  return json.refresh_token;
}

process.stdout.write(`Partnergate OAuth bench on ${dbLabel}${config.redisUrl ? ' + Redis' : ''} · ${cpus().length} cores · node ${process.version}\n`);
process.stdout.write(`preparing ${REFRESH_CHAINS} consented refresh-token chains…\n`);
const refreshTokens: string[] = [];
for (let i = 0; i < (GRANTS.includes('refresh') ? REFRESH_CHAINS : 0); i++) refreshTokens.push(await consentedRefreshToken(await customerAdmin(i)));

// ---- the bare library -------------------------------------------------------------------------

interface BareServer {
  url: string;
  ccBasic: string;
  refreshBasic: string;
  refreshTokens: string[];
  /** the bare server's CPU time so far, ms (Linux /proc; null elsewhere) */
  cpuMs(): number | null;
  stop(): void;
}

/** user + system CPU of a process, ms, from /proc/<pid>/stat (clock ticks of 10 ms). */
function procCpuMs(pid: number | undefined): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}

async function startBare(): Promise<BareServer> {
  const bareJob = {
    port: await freePort(),
    chains: GRANTS.includes('refresh') ? REFRESH_CHAINS : 0,
    scope: SCOPE,
    ...(bench.ownerUrl ? { databaseUrl: bench.ownerUrl } : { sqliteFile: path.join(dataDir, 'bare-oidc.db') }),
  };
  // BENCH_BARE_CPU_PROF=<dir>: a CPU profile of the bare library's process too, to compare with Partnergate's
  const profile = process.env.BENCH_BARE_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_BARE_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, path.join(root, 'bench/oauth-bare.ts'), JSON.stringify(bareJob)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const ready = await new Promise<Omit<BareServer, 'stop'>>((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      child.stdout.off('data', onData);
      resolve(JSON.parse(out.slice(0, nl)) as Omit<BareServer, 'stop'>);
    };
    child.stdout.on('data', onData);
    child.on('error', reject);
    child.on('exit', (c) => reject(new Error(`bare oidc-provider exited with ${c}`)));
  });
  return { ...ready, cpuMs: () => procCpuMs(child.pid), stop: () => child.stdin!.end() };
}

process.stdout.write('starting the bare oidc-provider…\n');
const bare = await startBare();
let bareRefreshTokens: (string | null)[] = bare.refreshTokens;
let ourRefreshTokens: (string | null)[] = refreshTokens;

// ---- load --------------------------------------------------------------------------------------

interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  seconds: number;
  per_sec: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
  status: Record<string, number>;
  refreshTokens?: (string | null)[];
}

function runLoad(job: Record<string, unknown>): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bench/oauth-load.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (codeNum) => {
      if (codeNum !== 0) return reject(new Error(`load generator exited with ${codeNum}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult);
    });
  });
}

/** Run a load and measure this (server) process's CPU time per successful request over the whole run. */
async function measured(job: Record<string, unknown>): Promise<LoadResult & { server_cpu_ms: number }> {
  const before = process.cpuUsage();
  const r = await runLoad(job);
  const used = process.cpuUsage(before);
  // Warm-up requests are served too but not counted in `ok`; spread the CPU over all of them.
  const served = Math.max(1, r.ok * ((DURATION_MS + WARMUP_MS) / DURATION_MS));
  return { ...r, server_cpu_ms: Number(((used.user + used.system) / 1000 / served).toFixed(3)) };
}

const tokenUrl = `${url}/oauth/token`;
const timing = { durationMs: DURATION_MS, warmupMs: WARMUP_MS };
type Run = LoadResult & { server_cpu_ms?: number };
const runs = { cc: [] as Run[], bareCc: [] as Run[], refresh: [] as Run[], bareRefresh: [] as Run[] };

const ours = {
  cc: () => measured({ url: tokenUrl, mode: 'cc', ...timing, concurrency: CC_CONCURRENCY, basic: basic(cc.app.id, cc.secret!), scope: SCOPE }),
  refresh: async () => {
    const r = await measured({ url: tokenUrl, mode: 'refresh', ...timing, concurrency: REFRESH_CHAINS, basic: basic(code.app.id, code.secret!), refreshTokens: ourRefreshTokens });
    ourRefreshTokens = r.refreshTokens ?? [];
    return r;
  },
};
/** A load on the bare server, with its CPU time per successful request (as measured() does for ours). */
async function bareMeasured(job: Record<string, unknown>): Promise<Run> {
  const before = bare.cpuMs();
  const r = await runLoad(job);
  const after = bare.cpuMs();
  const served = Math.max(1, r.ok * ((DURATION_MS + WARMUP_MS) / DURATION_MS));
  return before === null || after === null ? r : { ...r, server_cpu_ms: Number(((after - before) / served).toFixed(3)) };
}
const theirs = {
  cc: () => bareMeasured({ url: bare.url, mode: 'cc', ...timing, concurrency: CC_CONCURRENCY, basic: bare.ccBasic, scope: SCOPE }),
  refresh: async () => {
    const r = await bareMeasured({ url: bare.url, mode: 'refresh', ...timing, concurrency: REFRESH_CHAINS, basic: bare.refreshBasic, refreshTokens: bareRefreshTokens });
    bareRefreshTokens = r.refreshTokens ?? [];
    return r;
  },
};

const ratio = (a: number, b: number) => (b > 0 ? Number((a / b).toFixed(3)) : 0);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? 0 : s.length % 2 ? s[(s.length - 1) / 2] : Number(((s[s.length / 2 - 1] + s[s.length / 2]) / 2).toFixed(3));
};
const row = (name: string, r: Run, conc: number) =>
  `  ${name.padEnd(32)} ${String(r.per_sec).padStart(6)}/s   p50 ${r.p50_ms.toFixed(2).padStart(7)} ms   p99 ${r.p99_ms.toFixed(2).padStart(7)} ms   ${r.server_cpu_ms !== undefined ? `server CPU ${r.server_cpu_ms.toFixed(2)} ms/token   ` : ''}${r.ok} ok / ${r.errors} errors${r.errors ? ` (${Object.entries(r.status).filter(([k]) => k !== '200').map(([k, n]) => `${n}× ${k === '0' ? 'no answer' : k}`).join(', ') || 'no answer, or a refresh chain that broke'})` : ''}   ${conc} in flight`;

// BENCH_CPU_PROF=<file>: a CPU profile of this (Partnergate's) process over the rounds only, set-up excluded.
const profiler = process.env.BENCH_CPU_PROF ? new inspector.Session() : null;
if (profiler) {
  profiler.connect();
  await profiler.post('Profiler.enable');
  await profiler.post('Profiler.start');
}
process.stdout.write(`\n${ROUNDS} interleaved rounds of ${DURATION_MS / 1000} s (+${WARMUP_MS / 1000} s warm-up) per server and grant\n`);
for (let round = 1; round <= ROUNDS; round++) {
  process.stdout.write(`round ${round}\n`);
  for (const grant of GRANTS) {
    const conc = grant === 'cc' ? CC_CONCURRENCY : REFRESH_CHAINS;
    // alternate who goes first, so a drift of the machine's load within a round favours neither
    const order = round % 2 ? (['ours', 'bare'] as const) : (['bare', 'ours'] as const);
    let mine: Run | null = null;
    let other: Run | null = null;
    for (const who of order) {
      if (who === 'ours') mine = await ours[grant]();
      else other = await theirs[grant]();
    }
    runs[grant].push(mine!);
    runs[grant === 'cc' ? 'bareCc' : 'bareRefresh'].push(other!);
    const name = grant === 'cc' ? 'client_credentials' : 'refresh_token';
    process.stdout.write(row(`${name} Partnergate`, mine!, conc) + '\n' + row(`${name} bare`, other!, conc) + '\n');
    process.stdout.write(`  ${name}: ${ratio(mine!.per_sec, other!.per_sec).toFixed(3)}× the bare throughput, p99 ${ratio(mine!.p99_ms, other!.p99_ms).toFixed(3)}× the bare p99\n`);
  }
}

if (profiler) {
  const { profile } = await profiler.post('Profiler.stop');
  writeFileSync(process.env.BENCH_CPU_PROF!, JSON.stringify(profile));
  profiler.disconnect();
}

const ratios = (a: Run[], b: Run[], k: 'per_sec' | 'p99_ms') => a.map((r, i) => ratio(r[k], b[i][k]));
const ccRatios = ratios(runs.cc, runs.bareCc, 'per_sec');
const refreshRatios = ratios(runs.refresh, runs.bareRefresh, 'per_sec');
const ccP99Ratios = ratios(runs.cc, runs.bareCc, 'p99_ms');
const refreshP99Ratios = ratios(runs.refresh, runs.bareRefresh, 'p99_ms');
const med = (xs: Run[], k: 'per_sec' | 'p50_ms' | 'p99_ms' | 'server_cpu_ms') => median(xs.map((r) => r[k] ?? 0));
const load = loadavg();
process.stdout.write(
  `\nmedian over ${ROUNDS} rounds (Partnergate / bare oidc-provider):\n` +
    `  client_credentials  throughput ${median(ccRatios).toFixed(3)}× (rounds ${ccRatios.join(' ')})   p99 ${median(ccP99Ratios).toFixed(3)}× (rounds ${ccP99Ratios.join(' ')})\n` +
    `  refresh_token       throughput ${median(refreshRatios).toFixed(3)}× (rounds ${refreshRatios.join(' ')})   p99 ${median(refreshP99Ratios).toFixed(3)}× (rounds ${refreshP99Ratios.join(' ')})\n`,
);
process.stdout.write(`load average at the end: ${load.map((x) => x.toFixed(2)).join(' ')} (other processes share these cores)\n\n`);

bare.stop();
await app.close();
await bench.drop();

const errors = (xs: Run[]) => xs.reduce((n, r) => n + r.errors, 0);
process.stdout.write(
  JSON.stringify({
    db: dbLabel,
    redis: !!config.redisUrl,
    rounds: ROUNDS,
    cc_ratio_median: median(ccRatios),
    cc_ratios: ccRatios,
    refresh_ratio_median: median(refreshRatios),
    refresh_ratios: refreshRatios,
    cc_p99_ratio_median: median(ccP99Ratios),
    cc_p99_ratios: ccP99Ratios,
    refresh_p99_ratio_median: median(refreshP99Ratios),
    refresh_p99_ratios: refreshP99Ratios,
    cc_tokens_per_sec: med(runs.cc, 'per_sec'),
    cc_p50_ms: med(runs.cc, 'p50_ms'),
    cc_p99_ms: med(runs.cc, 'p99_ms'),
    cc_errors: errors(runs.cc),
    bare_cc_tokens_per_sec: med(runs.bareCc, 'per_sec'),
    bare_cc_p99_ms: med(runs.bareCc, 'p99_ms'),
    bare_cc_errors: errors(runs.bareCc),
    refresh_per_sec: med(runs.refresh, 'per_sec'),
    refresh_p50_ms: med(runs.refresh, 'p50_ms'),
    refresh_p99_ms: med(runs.refresh, 'p99_ms'),
    refresh_errors: errors(runs.refresh),
    bare_refresh_per_sec: med(runs.bareRefresh, 'per_sec'),
    bare_refresh_p99_ms: med(runs.bareRefresh, 'p99_ms'),
    bare_refresh_errors: errors(runs.bareRefresh),
    cc_server_cpu_ms: med(runs.cc, 'server_cpu_ms'),
    bare_cc_server_cpu_ms: med(runs.bareCc, 'server_cpu_ms'),
    refresh_server_cpu_ms: med(runs.refresh, 'server_cpu_ms'),
    bare_refresh_server_cpu_ms: med(runs.bareRefresh, 'server_cpu_ms'),
    load_average_1m: Number(load[0].toFixed(2)),
    cc_concurrency: CC_CONCURRENCY,
    refresh_chains: REFRESH_CHAINS,
    seconds: DURATION_MS / 1000,
    cores: cpus().length,
  }) + '\n',
);
