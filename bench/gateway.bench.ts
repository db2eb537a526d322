/**
 * npm run bench:gateway — what the gateway's checks cost, on this machine, in one go:
 *   (a) the upstream alone (the reference resource service, its own process);
 *   (b) a bare reverse proxy of the same stack in front of it, no checks: the whole Partnergate
 *       server (every plugin and every-request hook) with one check-free forwarding route
 *       (bench/gateway-bare-app.ts) — what (c) costs beyond it is what the checks cost;
 *   (b0) for reference, a minimal Fastify proxy with none of Partnergate's plumbing
 *       (bench/gateway-bare-proxy.ts): c/b0 also charges the server's own framework to the checks;
 *   (c) the Partnergate gateway (`partnergate serve`, RESOURCES_UPSTREAM_URL → the same upstream;
 *       the cold path on a second process of the same server, so neither measures the other's
 *       leftovers) with every check: token signature (cache), app live, delegation decide() on the live
 *       snapshot, rate limits (per token × class, per partner), signed identity headers, batched
 *       audit of every cross-tenant request — with one token repeated (hot path) and with a fresh
 *       token on every request (cold path: one ES256 verification per request) — twice: with the
 *       signatures checked on a worker thread (the default, GATEWAY_VERIFY_THREADS), and on a third
 *       process with GATEWAY_VERIFY_THREADS=0, each on the gateway's own thread (cold_ratio_inline),
 *       so one run says what the hand-off to the worker costs or gains on this machine.
 * The load generator (keep-alive connections writing a prepared request each time, the same cost
 * per request in every configuration; a sequential hrtime client for 1-connection latency) runs
 * in its own process (bench/gateway-load.ts). All four configurations run in BENCH_ROUNDS interleaved
 * rounds (a, b, c hot, c cold, a, b, …), each round on fresh proxy processes (see roundServers),
 * and the ratios are computed per round and reported as medians: the same process's throughput drifts by tens of percent from minute to minute on a
 * small shared machine, and back-to-back pairs cancel that drift. Fresh tokens are never reused
 * across rounds (a cold run that runs out is left out and counted in `cold_runs_left_out`). The route is GET /resources/v1/context, which the
 * upstream answers from the verified headers alone, so the figures measure the gateway rather
 * than a database query.
 *
 * Tokens are signed with the authorization server's own current key (its key store, the same
 * JWKS the gateway verifies against) with the claims a consent grant carries; minting 10⁵ of
 * them through the consent flow would measure the authorization server instead.
 *
 * Observability in the same run: (c) hot again on a gateway with metrics on (METRICS_TOKEN set) and on
 * one with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT → a sink in this process that takes the OTLP
 * POSTs), each its own fresh process per round: hot_ratio is metrics off, hot_ratio_metrics_on
 * the same with metrics, tracing_cost what tracing takes off the hot path's throughput.
 *
 * Quotas: in every round, (c) hot again on the same gateway process with the token of a
 * second partner whose configuration sets daily and monthly request quotas (far above what a run
 * sends): hot_ratio_quota_on against the same round's (b), next to hot_ratio (quotas off). The
 * quota is counted in the same limiter decision as the rate limits (no extra round trip).
 *
 * Signature algorithms: BENCH_TOKEN_ALGS (a comma list of ES256, RS256, EdDSA; default
 * ACCESS_TOKEN_SIGNING_ALG, else ES256) runs the cold path once per algorithm in every round, on the
 * same cold process (the JWKS publishes a current key of each, so one gateway verifies them all),
 * the algorithms back to back in an order that rotates by round: cold_ratio_by_alg compares them
 * within one run. The first algorithm is the one of cold_ratio and of the inline cold run.
 * ACCESS_TOKEN_SIGNING_ALG also signs the hot path's tokens.
 *
 * CPU per request: around every run, each process's CPU from /proc (the proxy's event loop, its
 * worker threads, V8's threads; the upstream; the load generator's own), printed per configuration.
 *
 * Settings: BENCH_CONNECTIONS (32), BENCH_DURATION (5 s per run), BENCH_ROUNDS (7), BENCH_COLD_TOKENS (rounds × duration × 8,000
 * per cold run), BENCH_REDIS=1 to use REDIS_URL for the gateway's limiter and feed. Targets: hot c/b ≥ 0.85, cold c/b ≥ 0.45, added p50 at one
 * connection ≤ 0.4 ms. Last line: one JSON object.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createServer as createHttpServer } from 'node:http';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gatewayWorld } from './gateway-world.ts';
import { upstreamKeyFor, identityHeaderValues, signAssertion, ASSERTION_HEADER, type GatewayIdentity } from '../src/modules/gateway/index.ts';
import { MANAGED_ALGS, type ManagedAlg } from '../src/modules/oauth/index.ts';
import { perRequest, threadCpu, type CpuTimes } from './proc-cpu.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const USE_REDIS = process.env.BENCH_REDIS === '1' && !!process.env.REDIS_URL;
const TOKEN_ALGS = (process.env.BENCH_TOKEN_ALGS ?? process.env.ACCESS_TOKEN_SIGNING_ALG ?? 'ES256').split(',').map((a) => a.trim()) as ManagedAlg[];
for (const alg of TOKEN_ALGS) if (!(MANAGED_ALGS as readonly string[]).includes(alg)) throw new Error(`BENCH_TOKEN_ALGS: ${alg} is not one of ${MANAGED_ALGS.join(', ')}`);
// Enough fresh tokens for every cold run (a run that runs out says so and is left out of the
// figures: reused tokens are cached ones), per cold run up to 8,000 fresh tokens/s: the first
// algorithm has two cold runs a round (signatures on a worker thread, and on the gateway's own
// thread); more would not fit the one string the load generator reads them into.
const COLD_TOKENS = Number(process.env.BENCH_COLD_TOKENS ?? ROUNDS * DURATION * 8_000);

const children: ChildProcess[] = [];
/** each server process by the port it listens on, for its CPU per request */
const pidByPort = new Map<string, number>();
const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-gw-'));
const log = (s: string) => process.stderr.write(s + '\n');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      s.close(() => resolve(typeof a === 'object' && a ? a.port : 0));
    });
  });
}

function start(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const c = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  c.on('exit', (code) => {
    if (code && code !== 0 && !stopping) log(`${name} exited with ${code}: ${err.slice(-2000)}`);
  });
  children.push(c);
  if (env.PORT && c.pid) pidByPort.set(env.PORT, c.pid);
  return c;
}

async function waitFor(url: string, ok: (status: number) => boolean): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(url);
      await r.arrayBuffer();
      if (ok(r.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

function load(job: Record<string, unknown>): Promise<{ rps: number; p50_ms: number; p99_ms: number; non2xx: number; errors?: number; tokens_wrapped?: boolean | null; requests?: number; cpu_us?: number }> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bench/gateway-load.ts'), JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => {
      if (code !== 0) return reject(new Error(`load generator failed (${code}): ${err}`));
      resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  // the processes close their servers first (a profiled one writes its profile on exit)
  for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++) await new Promise((r) => setTimeout(r, 100));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}

async function main(): Promise<void> {
  const [upPort, gwPort] = [await freePort(), await freePort()];
  const gwUrl = `http://127.0.0.1:${gwPort}`;
  const secret = randomBytes(32).toString('base64url');
  const env: Record<string, string> = {
    SECRET_KEY: secret,
    DATA_DIR: dir,
    PUBLIC_URL: gwUrl,
    LOG_LEVEL: 'warn',
    DATABASE_URL: '',
    REDIS_URL: USE_REDIS ? process.env.REDIS_URL! : '',
    // Limits far above what a run sends: the limiter still counts every request (exact rolling log).
    RATE_LIMITS: JSON.stringify({ read: 100_000_000, write: 100_000_000, partner: 100_000_000, default: 100_000_000 }),
    SCRYPT_COST: '10',
    // observability off but where a round turns it on
    METRICS_TOKEN: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  };
  // the traced gateway's OTLP/HTTP collector: takes every export, counts them
  let otlpPosts = 0;
  const otlpSink = createHttpServer((req, res) => {
    req.resume();
    req.on('end', () => {
      otlpPosts++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => otlpSink.listen(0, '127.0.0.1', r));
  otlpSink.unref();
  const otlpAddr = otlpSink.address();
  const otlpUrl = `http://127.0.0.1:${typeof otlpAddr === 'object' && otlpAddr ? otlpAddr.port : 0}`;
  const METRICS_TOKEN = randomBytes(24).toString('base64url');

  // ---- world: a customer tenant, a delegated partner, its app, the customer's consent -----------
  log('setting up the world…');
  const { mint, mintAs, mintQuota, mintPerson, partner, tenant, ban, partnerApp, dlg } = await gatewayWorld({ ...process.env, ...env }, dir, gwUrl);
  const hot = mint('hot');
  const hotQuota = mintQuota('hot-quota');
  const hotPerson = mintPerson('hot-person');
  // one file of fresh tokens per algorithm, each read from its own offset on
  const cold = new Map<ManagedAlg, { file: string; offset: number }>();
  for (const [i, alg] of TOKEN_ALGS.entries()) {
    const n = i === 0 ? 2 * COLD_TOKENS : COLD_TOKENS;
    log(`minting ${n} fresh ${alg} tokens for the cold path…`);
    const mintCold = mintAs(alg);
    const lines: string[] = [];
    for (let j = 0; j < n; j++) lines.push(mintCold(`cold-${alg}-${j}`));
    const file = path.join(dir, `tokens-${alg}.txt`);
    writeFileSync(file, lines.join('\n'));
    cold.set(alg, { file, offset: 0 });
  }

  // ---- processes -----------------------------------------------------------------------------
  const upstreamUrl = `http://127.0.0.1:${upPort}/v1`;
  start('upstream', ['src/main.ts', 'upstream', 'serve'], { ...env, PORT: String(upPort) });
  await waitFor(`${upstreamUrl}/context`, (st) => st === 401);
  const key = upstreamKeyFor({ gatewayAssertionSecret: null, secretKey: secret }, 'reference-resources');
  const identity: GatewayIdentity = {
    requestId: 'bench',
    partnerId: partner.id,
    userId: null,
    clientId: partnerApp.id,
    tenantId: tenant.id,
    ban: null,
    bans: [ban.id],
    billTo: ban.id,
    delegationId: dlg.id,
    scopes: ['orders.read', 'orders.create'],
    persona: 'partner',
    permission: null,
  };
  // What (a) and (b) send: the identity headers as the gateway would have signed them (valid 60 s).
  const signed = () => ({ ...identityHeaderValues(identity), [ASSERTION_HEADER]: signAssertion(key, identity, 'GET', '/v1/context', Date.now()) });

  /** µs of CPU per request: the proxy's threads, the upstream, the load generator */
  type Cpu = CpuTimes & { upstream: number; load: number; total: number };
  type Run = { rps: number; p50_ms: number; p99_ms: number; non2xx: number; errors?: number; tokens_used?: number | null; tokens_wrapped?: boolean | null; round?: number; requests?: number; cpu_us?: number; cpu?: Cpu | null };
  const runs: Record<string, Run[]> = { a_upstream: [], b0_minimal_proxy: [], b_bare_proxy: [], c_gateway_hot: [], c_gateway_hot_quota: [], c_gateway_hot_person_mfa: [], c_gateway_hot_metrics: [], c_gateway_hot_traced: [], c_gateway_cold: [], c_gateway_cold_inline: [] };
  const coldRun = (alg: ManagedAlg) => (alg === TOKEN_ALGS[0] ? 'c_gateway_cold' : `c_gateway_cold_${alg}`);
  for (const alg of TOKEN_ALGS) runs[coldRun(alg)] = [];
  let wrapped = 0;
  let currentRound = 0;
  const run = async (name: string, job: Record<string, unknown>, tokens?: { file: string; offset: number }) => {
    const pid = pidByPort.get(new URL(job.url as string).port)!;
    const upPid = pid === pidByPort.get(String(upPort)) ? null : pidByPort.get(String(upPort))!;
    const [p0, u0] = [threadCpu(pid), upPid === null ? null : threadCpu(upPid)];
    const r = (await load({ mode: 'throughput', connections: CONNECTIONS, durationSec: DURATION, ...job, ...(tokens ? { tokensFile: tokens.file, tokenOffset: tokens.offset } : {}) })) as Run;
    if (r.non2xx > 0 || (r.errors ?? 0) > 0) log(`  ${name}: ${r.non2xx} non-2xx, ${r.errors ?? 0} errors`);
    if (tokens && r.tokens_used) tokens.offset += r.tokens_used;
    if (r.tokens_wrapped) {
      log(`  ${name}: ran out of fresh tokens and reused some (raise BENCH_COLD_TOKENS); this run is left out`);
      wrapped++;
      return;
    }
    r.round = currentRound;
    const n = r.requests ?? 0;
    const p = perRequest(p0, threadCpu(pid), n);
    const u = upPid === null ? { main: 0, worker: 0, v8: 0, other: 0 } : perRequest(u0, threadCpu(upPid), n);
    const upstreamUs = u === null ? 0 : u.main + u.worker + u.v8 + u.other;
    const loadUs = Math.round(((r.cpu_us ?? 0) / Math.max(1, n)) * 10) / 10;
    r.cpu = p === null ? null : { ...p, upstream: upstreamUs, load: loadUs, total: Math.round((p.main + p.worker + p.v8 + p.other + upstreamUs + loadUs) * 10) / 10 };
    runs[name].push(r);
    log(`  ${name.padEnd(16)} ${Math.round(r.rps)} req/s${r.cpu ? `; CPU µs/request: main ${r.cpu.main.toFixed(1)}, worker ${r.cpu.worker.toFixed(1)}, V8 ${r.cpu.v8.toFixed(1)}, other ${r.cpu.other.toFixed(1)}, upstream ${r.cpu.upstream.toFixed(1)}, load ${r.cpu.load.toFixed(1)}, total ${r.cpu.total.toFixed(1)}` : ''}`);
  };

  const auth = { authorization: `Bearer ${hot}` };
  const authQuota = { authorization: `Bearer ${hotQuota}` };
  const authPerson = { authorization: `Bearer ${hotPerson}`, 'x-active-tenant-id': tenant.id };
  // BENCH_GATEWAY_NODE_ARGS: extra Node flags for the gateway processes (e.g. --cpu-prof to profile them)
  const gwNodeArgs = (process.env.BENCH_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean);

  /**
   * The proxies of one round, each a fresh process, warmed up: (b0), (b), (c) for the hot path
   * and (c) for the cold path. Fresh every round: a process's JIT and garbage-collector state
   * moved (b)'s throughput by ±12 % from one process to the next, so one pair of processes for a
   * whole run made its ratio one draw of that; the median over rounds now spans as many draws.
   * The cold path has its own (c) process: a stream of one-use tokens leaves its cached tokens
   * and their 60-second rate-limit windows behind (one process's live heap grew from ~60 MB to
   * ~370 MB over four cold runs), which the hot path would otherwise carry.
   */
  async function roundServers() {
    const [b0Port, bPort, cPort, cColdPort, cInlinePort, mPort, tPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
    const procs = [
      start('minimal proxy', ['bench/gateway-bare-proxy.ts'], { PORT: String(b0Port), UPSTREAM_URL: upstreamUrl }),
      start('bare app proxy', [...gwNodeArgs, 'bench/gateway-bare-app.ts'], { ...env, DATA_DIR: path.join(dir, 'bare'), PORT: String(bPort), UPSTREAM_URL: upstreamUrl, RESOURCES_UPSTREAM_URL: upstreamUrl }),
      // same settings, database and PUBLIC_URL as the tokens name; listening on its own port
      start('gateway', [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(cPort), RESOURCES_UPSTREAM_URL: upstreamUrl }),
      start('gateway (cold path)', [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(cColdPort), RESOURCES_UPSTREAM_URL: upstreamUrl }),
      start('gateway (cold path, signatures on its own thread)', [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(cInlinePort), RESOURCES_UPSTREAM_URL: upstreamUrl, GATEWAY_VERIFY_THREADS: '0' }),
      start('gateway (metrics on)', [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(mPort), RESOURCES_UPSTREAM_URL: upstreamUrl, METRICS_TOKEN }),
      start('gateway (traced)', [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(tPort), RESOURCES_UPSTREAM_URL: upstreamUrl, OTEL_EXPORTER_OTLP_ENDPOINT: otlpUrl }),
    ];
    const urls = {
      minimal: `http://127.0.0.1:${b0Port}/resources/v1/context`,
      bare: `http://127.0.0.1:${bPort}/bare/v1/context`,
      hot: `http://127.0.0.1:${cPort}/resources/v1/context`,
      cold: `http://127.0.0.1:${cColdPort}/resources/v1/context`,
      coldOf: new Map<ManagedAlg, string>([[TOKEN_ALGS[0], `http://127.0.0.1:${cColdPort}/resources/v1/context`]]),
      coldInline: `http://127.0.0.1:${cInlinePort}/resources/v1/context`,
      metrics: `http://127.0.0.1:${mPort}/resources/v1/context`,
      traced: `http://127.0.0.1:${tPort}/resources/v1/context`,
    };
    await waitFor(urls.minimal, (st) => st === 401);
    await waitFor(urls.bare, (st) => st === 401);
    await waitFor(`http://127.0.0.1:${cPort}/readyz`, (st) => st === 200);
    await waitFor(`http://127.0.0.1:${cColdPort}/readyz`, (st) => st === 200);
    await waitFor(`http://127.0.0.1:${cInlinePort}/readyz`, (st) => st === 200);
    // every further algorithm's cold path on a fresh process of its own, as the first one's
    for (const alg of TOKEN_ALGS.slice(1)) {
      const port = await freePort();
      procs.push(start(`gateway (cold path, ${alg})`, [...gwNodeArgs, 'src/main.ts', 'serve'], { ...env, PORT: String(port), RESOURCES_UPSTREAM_URL: upstreamUrl }));
      urls.coldOf.set(alg, `http://127.0.0.1:${port}/resources/v1/context`);
      await waitFor(`http://127.0.0.1:${port}/readyz`, (st) => st === 200);
    }
    await waitFor(`http://127.0.0.1:${mPort}/readyz`, (st) => st === 200);
    await waitFor(`http://127.0.0.1:${tPort}/readyz`, (st) => st === 200);
    const probe = await fetch(urls.hot, { headers: auth });
    if (probe.status !== 200) throw new Error(`the gateway refused the bench token: ${probe.status} ${await probe.text()}`);
    const probeQuota = await fetch(urls.hot, { headers: authQuota });
    if (probeQuota.status !== 200 || !(probeQuota.headers.get('ratelimit-policy') ?? '').includes('"daily"')) throw new Error(`the quota partner's token is not counted against a quota: ${probeQuota.status} ${probeQuota.headers.get('ratelimit-policy')}`);
    const probePerson = await fetch(urls.hot, { headers: authPerson });
    if (probePerson.status !== 200) throw new Error(`the gateway refused the MSP person's token: ${probePerson.status} ${await probePerson.text()}`);
    const noMfa = await fetch(urls.hot, { headers: { ...authPerson, authorization: `Bearer ${mintPerson('no-mfa', false)}` } });
    const noMfaCode = noMfa.status === 403 ? ((await noMfa.json()) as { code?: string }).code : null;
    if (noMfaCode !== 'mfa_required') throw new Error(`the tenant's MFA policy did not refuse a person without a second factor: ${noMfa.status} ${noMfaCode}`);
    // warm every process up (JIT, connection pools)
    for (const [url, headers] of [[urls.minimal, signed()], [urls.bare, signed()], [urls.hot, auth], [urls.hot, authQuota], [urls.hot, authPerson], [urls.metrics, auth], [urls.traced, auth], [urls.coldInline, auth], ...[...urls.coldOf.values()].map((u) => [u, auth] as const)] as const) {
      await load({ mode: 'throughput', url, headers, connections: CONNECTIONS, durationSec: 2 });
    }
    const stop = async () => {
      for (const c of procs) if (c.exitCode === null) c.kill('SIGTERM');
      for (let i = 0; i < 50 && procs.some((c) => c.exitCode === null && c.signalCode === null); i++) await new Promise((r) => setTimeout(r, 100));
      for (const c of procs) if (c.exitCode === null) c.kill('SIGKILL');
    };
    return { urls, stop };
  }

  await load({ mode: 'throughput', url: `${upstreamUrl}/context`, headers: signed(), connections: CONNECTIONS, durationSec: 2 });
  // Interleaved rounds: on a small shared machine the throughput of the same process drifts by
  // tens of percent from one minute to the next, so (b) and (c) are measured back to back in each
  // round and the ratios are taken per round (median reported), not across the whole run.
  let metricsSeen = false;
  let bareLatency: { p50_ms: number; p99_ms: number } | null = null;
  let gwLatency: { p50_ms: number; p99_ms: number } | null = null;
  for (let round = 1; round <= ROUNDS; round++) {
    currentRound = round;
    log(`round ${round}/${ROUNDS}`);
    const servers = await roundServers();
    const { urls } = servers;
    await run('a_upstream', { url: `${upstreamUrl}/context`, headers: signed() });
    await run('b0_minimal_proxy', { url: urls.minimal, headers: signed() }); // signed afresh: an assertion is good for 60 s
    await run('b_bare_proxy', { url: urls.bare, headers: signed() });
    // quotas off and on, back to back on the same process (the order alternates by round)
    if (round % 2) {
      await run('c_gateway_hot', { url: urls.hot, headers: auth });
      await run('c_gateway_hot_quota', { url: urls.hot, headers: authQuota });
    } else {
      await run('c_gateway_hot_quota', { url: urls.hot, headers: authQuota });
      await run('c_gateway_hot', { url: urls.hot, headers: auth });
    }
    // a partner person with a second factor, on a tenant that requires one of partner people
    await run('c_gateway_hot_person_mfa', { url: urls.hot, headers: authPerson });
    await run('c_gateway_hot_metrics', { url: urls.metrics, headers: auth });
    await run('c_gateway_hot_traced', { url: urls.traced, headers: auth });
    if (round === ROUNDS) {
      // the metrics gateway counted what it served: proof the round measured metrics on
      const m = await fetch(`${urls.metrics.replace('/resources/v1/context', '')}/metrics`, { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
      const text = await m.text();
      metricsSeen = m.status === 200 && /partnergate_gateway_decisions_total\{decision="allowed"/.test(text);
    }
    // (the first algorithm's) and every algorithm's cold run, back to back in an order that rotates by round
    const colds: (() => Promise<void>)[] = [
      () => run('c_gateway_cold_inline', { url: urls.coldInline, headers: {} }, cold.get(TOKEN_ALGS[0])),
      ...TOKEN_ALGS.map((alg) => () => run(coldRun(alg), { url: urls.coldOf.get(alg)!, headers: {} }, cold.get(alg))),
    ];
    for (let i = 0; i < colds.length; i++) await colds[(i + round) % colds.length]();
    if (round === ROUNDS) {
      bareLatency = await load({ mode: 'latency', url: urls.bare, headers: signed() });
      gwLatency = await load({ mode: 'latency', url: urls.hot, headers: auth });
    }
    await servers.stop();
  }

  await stopAll();
  if (!bareLatency || !gwLatency) throw new Error('no latency measured');

  const median = (xs: number[]) => {
    const v = [...xs].sort((x, y) => x - y);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const med = (name: string): Run => ({
    rps: median(runs[name].map((r) => r.rps)),
    p50_ms: median(runs[name].map((r) => r.p50_ms)),
    p99_ms: median(runs[name].map((r) => r.p99_ms)),
    non2xx: runs[name].reduce((n, r) => n + r.non2xx, 0),
  });
  const results = { a_upstream: med('a_upstream'), b0_minimal_proxy: med('b0_minimal_proxy'), b_bare_proxy: med('b_bare_proxy'), c_gateway_hot: med('c_gateway_hot'), c_gateway_hot_quota: med('c_gateway_hot_quota'), c_gateway_hot_person_mfa: med('c_gateway_hot_person_mfa'), c_gateway_hot_metrics: med('c_gateway_hot_metrics'), c_gateway_hot_traced: med('c_gateway_hot_traced'), c_gateway_cold: med('c_gateway_cold'), c_gateway_cold_inline: med('c_gateway_cold_inline') };
  // per round: (c) against the (b) of the same round
  const ratios = (name: string, base = 'b_bare_proxy') => runs[name].map((r) => r.rps / runs[base].find((x) => x.round === r.round)!.rps);
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  // CPU per request of each process (and of the proxy's threads by kind), median over rounds per field
  const cpuOf = (name: string) => {
    const rs = runs[name].filter((r) => r.cpu);
    if (rs.length === 0) return null;
    const keys = ['main', 'worker', 'v8', 'other', 'upstream', 'load', 'total'] as const;
    return Object.fromEntries(keys.map((k) => [k, Math.round(median(rs.map((r) => r.cpu![k])) * 10) / 10])) as Cpu;
  };
  const cpuNames = Object.keys(runs).filter((n) => runs[n].length > 0);
  const b = results.b_bare_proxy.rps;
  const summary = {
    bare_rps: Math.round(b),
    hot_rps: Math.round(results.c_gateway_hot.rps),
    cold_rps: Math.round(results.c_gateway_cold.rps),
    upstream_rps: Math.round(results.a_upstream.rps),
    hot_ratio: r3(median(ratios('c_gateway_hot'))),
    hot_ratio_metrics_off: r3(median(ratios('c_gateway_hot'))),
    hot_ratio_quota_off: r3(median(ratios('c_gateway_hot'))),
    hot_ratio_quota_on: r3(median(ratios('c_gateway_hot_quota'))),
    hot_ratios_quota_on: ratios('c_gateway_hot_quota').map(r3),
    quota_rps: Math.round(results.c_gateway_hot_quota.rps),
    // what counting the quotas takes off the hot path, against the same process without them in the same round
    quota_cost: r3(1 - median(ratios('c_gateway_hot_quota', 'c_gateway_hot'))),
    hot_ratio_person_mfa: r3(median(ratios('c_gateway_hot_person_mfa'))),
    hot_ratios_person_mfa: ratios('c_gateway_hot_person_mfa').map(r3),
    hot_ratio_metrics_on: r3(median(ratios('c_gateway_hot_metrics'))),
    hot_ratios_metrics_on: ratios('c_gateway_hot_metrics').map(r3),
    hot_ratio_traced: r3(median(ratios('c_gateway_hot_traced'))),
    // what tracing takes off the hot path's throughput, against the untraced gateway of the same round
    tracing_cost: r3(1 - median(ratios('c_gateway_hot_traced', 'c_gateway_hot'))),
    metrics_rps: Math.round(results.c_gateway_hot_metrics.rps),
    traced_rps: Math.round(results.c_gateway_hot_traced.rps),
    metrics_scraped: metricsSeen,
    otlp_exports: otlpPosts,
    cold_ratio: r3(median(ratios('c_gateway_cold'))),
    hot_ratios: ratios('c_gateway_hot').map(r3),
    cold_ratios: ratios('c_gateway_cold').map(r3),
    cold_inline_rps: Math.round(results.c_gateway_cold_inline.rps),
    cold_ratio_inline: r3(median(ratios('c_gateway_cold_inline'))),
    cold_ratios_inline: ratios('c_gateway_cold_inline').map(r3),
    // the cold path per signature algorithm, each against the same round's (b)
    token_algs: TOKEN_ALGS,
    cold_ratio_by_alg: Object.fromEntries(TOKEN_ALGS.map((alg) => [alg, r3(median(ratios(coldRun(alg))))])),
    cold_ratios_by_alg: Object.fromEntries(TOKEN_ALGS.map((alg) => [alg, ratios(coldRun(alg)).map(r3)])),
    cold_rps_by_alg: Object.fromEntries(TOKEN_ALGS.map((alg) => [alg, Math.round(median(runs[coldRun(alg)].map((r) => r.rps)))])),
    minimal_proxy_rps: Math.round(results.b0_minimal_proxy.rps),
    hot_ratio_vs_minimal: r3(median(ratios('c_gateway_hot', 'b0_minimal_proxy'))),
    cold_ratio_vs_minimal: r3(median(ratios('c_gateway_cold', 'b0_minimal_proxy'))),
    added_p50_ms: r3(gwLatency.p50_ms - bareLatency.p50_ms),
    bare_p50_1conn_ms: r3(bareLatency.p50_ms),
    gateway_p50_1conn_ms: r3(gwLatency.p50_ms),
    gateway_p99_1conn_ms: r3(gwLatency.p99_ms),
    rounds: ROUNDS,
    cold_runs_left_out: wrapped,
    cpu_us_per_request: Object.fromEntries(cpuNames.map((n) => [n, cpuOf(n)])),
    cpu_us_per_request_by_round: Object.fromEntries(cpuNames.map((n) => [n, runs[n].map((r) => r.cpu)])),
    connections: CONNECTIONS,
    duration_s: DURATION,
    redis: USE_REDIS,
    token_alg: process.env.ACCESS_TOKEN_SIGNING_ALG ?? 'ES256',
    cpus: cpus().length,
    loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
  };
  const row = (name: string, r: { rps: number; p50_ms: number; p99_ms: number }) => `  ${name.padEnd(26)} ${String(Math.round(r.rps)).padStart(8)} req/s   p50 ${String(r.p50_ms).padStart(4)} ms   p99 ${String(r.p99_ms).padStart(4)} ms`;
  process.stdout.write(
    [
      `bench:gateway — GET /resources/v1/context, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds × ${DURATION} s per configuration (medians), ${cpus().length} CPUs, load average ${summary.loadavg_1m}${USE_REDIS ? ', Redis limiter' : ', in-memory limiter'}`,
      row('(a) upstream alone', results.a_upstream),
      row('(b0) minimal Fastify proxy', results.b0_minimal_proxy),
      row('(b) bare proxy, same stack', results.b_bare_proxy),
      row('(c) gateway, hot token', results.c_gateway_hot),
      row('(c) gateway, hot, quotas on', results.c_gateway_hot_quota),
      row('(c) gateway, hot, MSP person + MFA policy', results.c_gateway_hot_person_mfa),
      row('(c) gateway, hot, metrics on', results.c_gateway_hot_metrics),
      row('(c) gateway, hot, traced', results.c_gateway_hot_traced),
      row('(c) gateway, fresh tokens', results.c_gateway_cold),
      row('(c) fresh tokens, no worker', results.c_gateway_cold_inline),
      ...TOKEN_ALGS.slice(1).map((alg) => row(`(c) fresh ${alg} tokens`, med(coldRun(alg)))),
      `  c/b hot ${summary.hot_ratio} (target ≥ 0.85; per round ${summary.hot_ratios.join(', ')})`,
      `  c/b hot with quotas on ${summary.hot_ratio_quota_on} (target ≥ 0.85; per round ${summary.hot_ratios_quota_on.join(', ')}), quotas off ${summary.hot_ratio_quota_off}; counting them costs ${Math.round(summary.quota_cost * 1000) / 10} % of the hot path's throughput`,
      `  c/b hot for a partner person under a tenant's MFA policy ${summary.hot_ratio_person_mfa} (target ≥ 0.85; per round ${summary.hot_ratios_person_mfa.join(', ')})`,
      `  c/b hot with metrics on ${summary.hot_ratio_metrics_on} (per round ${summary.hot_ratios_metrics_on.join(', ')}), metrics off ${summary.hot_ratio_metrics_off}`,
      `  tracing on (OTLP/HTTP, ${summary.otlp_exports} exports received): c/b hot ${summary.hot_ratio_traced}, ${Math.round(summary.tracing_cost * 1000) / 10} % of the hot path's throughput`,
      `  c/b cold (${TOKEN_ALGS[0]}) ${summary.cold_ratio} (target ≥ 0.45; per round ${summary.cold_ratios.join(', ')})`,
      `  c/b cold, signatures on the gateway's own thread ${summary.cold_ratio_inline} (per round ${summary.cold_ratios_inline.join(', ')})`,
      ...TOKEN_ALGS.map((alg) => `  c/b cold, ${alg} tokens ${summary.cold_ratio_by_alg[alg]} (${summary.cold_rps_by_alg[alg]} req/s; per round ${summary.cold_ratios_by_alg[alg].join(', ')})`),
      `  against the minimal Fastify proxy (b0): hot ${summary.hot_ratio_vs_minimal}, cold ${summary.cold_ratio_vs_minimal}`,
      `  one connection: bare p50 ${summary.bare_p50_1conn_ms} ms, gateway p50 ${summary.gateway_p50_1conn_ms} ms (p99 ${summary.gateway_p99_1conn_ms}) → added ${summary.added_p50_ms} ms (target ≤ 0.4)`,
      '  CPU µs per request (medians): proxy main thread / its workers / V8 threads / other threads, upstream, load generator = total',
      ...cpuNames.map((n) => {
        const c = summary.cpu_us_per_request[n];
        return c ? `    ${n.padEnd(26)} ${c.main} / ${c.worker} / ${c.v8} / ${c.other}, ${c.upstream}, ${c.load} = ${c.total}` : `    ${n}: no /proc`;
      }),
      JSON.stringify(summary),
    ].join('\n') + '\n',
  );
}

try {
  await main();
} catch (e) {
  log(String((e as Error).stack ?? e));
  process.exitCode = 1;
} finally {
  await stopAll();
  rmSync(dir, { recursive: true, force: true });
}
