/**
 * npm run bench:forward-auth — what Partnergate costs as NGINX's auth_request policy point, against
 * an auth service that decides nothing. Needs NGINX on the PATH (Debian: apt-get install nginx).
 *
 * One NGINX (1 worker: the machine has 2 cores and they are shared with everything below) serves
 * the documented configuration (the `location` blocks of the "Forward auth" section, taken from
 * docs/integrators/gateway.md, with the service's and Partnergate's host names pointed here) on two ports that
 * differ only in where `/_partnergate` sends the check:
 *   (n) a no-op auth service: 200 and nothing else for every check (bench/forward-auth-services.ts);
 *   (p) Partnergate's /authz/forward-auth/nginx (`partnergate serve`, DEFAULT log settings, its
 *       stdout to a file as a service manager would take it): token signature (cache), app live,
 *       delegation decide(), rate limits, signed identity headers, the access event spooled;
 *   (w) the same at LOG_LEVEL=warn, for reference;
 *   (h) with BENCH_CEILING=1: an auth service that decides nothing but answers every check with the
 *       headers of one real Partnergate answer — the ceiling of p/n for any service that answers
 *       the identity headers NGINX copies onto the upstream request;
 *   (f) with BENCH_FASTIFY=1: a no-op auth service written the usual way, Fastify with its default
 *       logger (two lines per check, stdout to a file); ratios p/f and w/f, for reference. The
 *       target stays p/n: (n) is the leanest service Node can run, the strictest baseline there is.
 * Behind both: the same small upstream. Both upstream groups keep connections alive (the README
 * says so too). NGINX's access log is off in both. The request: GET /resources/v1/context with a
 * hot partner access token (bench/gateway-world.ts), BENCH_CONNECTIONS keep-alive connections from
 * the load generator of bench:gateway. BENCH_ROUNDS interleaved rounds (n, p, w) of BENCH_DURATION
 * seconds; ratios are taken per round and reported as medians. Target: p/n ≥ 0.9.
 * Where the CPU goes: each round reads the CPU time (/proc, utime + stime) of the auth service,
 * NGINX's worker and the upstream around the load, and prints CPU per request for each (medians):
 * what a check costs Partnergate against what it costs the no-op, and what the identity headers
 * cost NGINX. Last line: one JSON object.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { gatewayWorld } from './gateway-world.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 32);
const DURATION = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const NGINX = process.env.NGINX_BIN ?? 'nginx';
const CEILING = process.env.BENCH_CEILING === '1';
const FASTIFY = process.env.BENCH_FASTIFY === '1';
const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-fa-'));
const log = (s: string) => process.stderr.write(s + '\n');
const children: ChildProcess[] = [];

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

/** CPU time (user + system, ms) a process has used so far; NGINX: its workers (the master's children). NaN without Linux's /proc. */
function cpuMs(c: ChildProcess, withChildren = false): number {
  try {
    return procCpuMs(c, withChildren);
  } catch {
    return Number.NaN;
  }
}
function procCpuMs(c: ChildProcess, withChildren: boolean): number {
  const ticks = (pid: number) => {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  };
  const pids = withChildren ? readFileSync(`/proc/${c.pid}/task/${c.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number) : [c.pid!];
  return (pids.reduce((s, pid) => s + ticks(pid), 0) * 1000) / CLK_TCK;
}
/** clock ticks per second (USER_HZ: 100 on Linux) */
const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

function start(name: string, cmd: string, args: string[], env: Record<string, string>, stdout: 'ignore' | number = 'ignore'): ChildProcess {
  const c = spawn(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', stdout, 'pipe'] });
  let err = '';
  c.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  c.on('exit', (code) => {
    if (code && !stopping) log(`${name} exited with ${code}: ${err.slice(-2000)}`);
  });
  children.push(c);
  return c;
}

async function waitFor(url: string, ok: (status: number) => boolean, headers: Record<string, string> = {}): Promise<void> {
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(url, { headers });
      await r.arrayBuffer();
      if (ok(r.status)) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not come up`);
}

type Kind = 'n' | 'p' | 'w' | 'h' | 'f';
type Run = { rps: number; p50_ms: number; p99_ms: number; non2xx: number; errors?: number; cpu_us?: { auth: number; nginx: number; upstream: number } };
function load(job: Record<string, unknown>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [path.join(ROOT, 'bench/gateway-load.ts'), JSON.stringify(job)], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', (code) => (code !== 0 ? reject(new Error(`load generator failed (${code}): ${err}`)) : resolve(JSON.parse(out.trim().split('\n').pop()!))));
  });
}

let stopping = false;
async function stopAll(): Promise<void> {
  stopping = true;
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  for (let i = 0; i < 50 && children.some((c) => c.exitCode === null && c.signalCode === null); i++) await new Promise((r) => setTimeout(r, 100));
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
}

/** The gateway guide's NGINX block for forward auth (docs/integrators/gateway.md): its top-level `location` blocks, as written. */
function readmeLocations(): string {
  const readme = readFileSync(path.join(ROOT, 'docs/integrators/gateway.md'), 'utf8');
  const from = readme.indexOf('**Forward auth**');
  const start = readme.indexOf('```nginx\n', from);
  if (from < 0 || start < 0) throw new Error('no nginx block in the forward-auth section of docs/integrators/gateway.md');
  return readme.slice(start + '```nginx\n'.length, readme.indexOf('\n```', start + 1));
}

/** One server block: the README's locations, the protected location on /resources/v1/, the check sent to `auth`. */
function serverBlock(port: number, auth: string): string {
  const locations = readmeLocations()
    .replace(/location \/resources\/v1\/[^\s]*\s*\{/, 'location /resources/v1/ {\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";')
    .replace(/proxy_pass http:\/\/crm\.internal:\d+;/, 'proxy_pass http://backend;')
    .replace(/proxy_pass http:\/\/partnergate\.internal:\d+\/authz\/forward-auth\/nginx;/, `proxy_pass http://${auth}/authz/forward-auth/nginx;\n    proxy_http_version 1.1;\n    proxy_set_header Connection "";`);
  if (!locations.includes(`http://${auth}/`) || !locations.includes('http://backend;')) throw new Error('the documented nginx block changed shape: update serverBlock()');
  return `server {\n  listen 127.0.0.1:${port};\n${locations}\n}\n`;
}

async function main(): Promise<void> {
  if (spawnSync(NGINX, ['-v']).status !== 0) throw new Error(`NGINX is needed (${NGINX} -v failed): apt-get install nginx`);
  const [upPort, noopPort, pgPort, pgWarnPort, nPort, pPort, wPort, idPort, hPort, fNoopPort, fPort] = await Promise.all(Array.from({ length: 11 }, freePort));
  const gwUrl = `http://127.0.0.1:${pgPort}`;
  const env: Record<string, string> = {
    SECRET_KEY: randomBytes(32).toString('base64url'),
    DATA_DIR: dir,
    PUBLIC_URL: gwUrl,
    DATABASE_URL: '',
    REDIS_URL: '',
    RATE_LIMITS: JSON.stringify({ read: 100_000_000, write: 100_000_000, partner: 100_000_000, default: 100_000_000 }),
    SCRYPT_COST: '10',
    METRICS_TOKEN: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
    LOG_FORMAT: '',
  };
  delete process.env.LOG_LEVEL;
  log('setting up the world…');
  const { mint } = await gatewayWorld({ ...process.env, ...env }, dir, gwUrl);
  const token = mint('hot');

  const upstream = start('upstream', process.execPath, ['bench/forward-auth-services.ts', 'upstream'], { PORT: String(upPort) });
  const noop = start('no-op auth', process.execPath, ['bench/forward-auth-services.ts', 'noop-auth'], { PORT: String(noopPort) });
  const fastifyNoop = FASTIFY ? start('fastify no-op auth', process.execPath, ['bench/forward-auth-services.ts', 'fastify-noop-auth'], { PORT: String(fNoopPort) }, openSync(path.join(dir, 'fastify-noop.log'), 'w')) : null;
  // the default settings: LOG_LEVEL unset; stdout to a file, as journald or a container runtime takes it
  const logFile = path.join(dir, 'partnergate.log');
  // BENCH_PROFILE=<dir>: the default-logging Partnergate writes a V8 CPU profile there when it stops
  const profile = process.env.BENCH_PROFILE ? [`--cpu-prof`, `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [];
  const pg = start('partnergate', process.execPath, [...profile, 'src/main.ts', 'serve'], { ...env, PORT: String(pgPort), RESOURCES_UPSTREAM_URL: `http://127.0.0.1:${upPort}/v1` }, openSync(logFile, 'w'));
  const pgWarn = start('partnergate (warn)', process.execPath, ['src/main.ts', 'serve'], { ...env, LOG_LEVEL: 'warn', PORT: String(pgWarnPort), RESOURCES_UPSTREAM_URL: `http://127.0.0.1:${upPort}/v1` });
  const conf = path.join(dir, 'nginx.conf');
  writeFileSync(
    conf,
    [
      'worker_processes 1;',
      'daemon off;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/nginx-error.log warn;`,
      'events { worker_connections 4096; }',
      'http {',
      '  access_log off;',
      `  client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fcgi; uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi;`,
      `  upstream backend { server 127.0.0.1:${upPort}; keepalive 64; }`,
      `  upstream noop { server 127.0.0.1:${noopPort}; keepalive 64; }`,
      `  upstream partnergate { server 127.0.0.1:${pgPort}; keepalive 64; }`,
      `  upstream partnergate_warn { server 127.0.0.1:${pgWarnPort}; keepalive 64; }`,
      `  upstream identity { server 127.0.0.1:${idPort}; keepalive 64; }`,
      `  upstream fastify_noop { server 127.0.0.1:${fNoopPort}; keepalive 64; }`,
      serverBlock(nPort, 'noop'),
      serverBlock(pPort, 'partnergate'),
      serverBlock(wPort, 'partnergate_warn'),
      serverBlock(hPort, 'identity'),
      serverBlock(fPort, 'fastify_noop'),
      '}',
    ].join('\n'),
  );
  const nginx = start('nginx', NGINX, ['-p', dir, '-c', conf], {});
  await waitFor(`http://127.0.0.1:${pgPort}/readyz`, (s) => s === 200);
  await waitFor(`http://127.0.0.1:${pgWarnPort}/readyz`, (s) => s === 200);
  const auth = { authorization: `Bearer ${token}` };
  const urls: Partial<Record<Kind, string>> = { n: `http://127.0.0.1:${nPort}/resources/v1/context`, p: `http://127.0.0.1:${pPort}/resources/v1/context`, w: `http://127.0.0.1:${wPort}/resources/v1/context` };
  let identityAuth: ChildProcess | null = null;
  if (CEILING) {
    // one real answer of Partnergate's, as NGINX asks for it: its headers, for the identity-only service
    const a = await fetch(`${gwUrl}/authz/forward-auth/nginx`, { headers: { ...auth, 'x-original-method': 'GET', 'x-original-uri': '/resources/v1/context', 'x-forwarded-proto': 'http', 'x-forwarded-host': '127.0.0.1' } });
    await a.arrayBuffer();
    const identity: string[] = [];
    a.headers.forEach((v, k) => {
      if (k !== 'date' && k !== 'connection' && k !== 'keep-alive') identity.push(k, v);
    });
    identityAuth = start('identity auth', process.execPath, ['bench/forward-auth-services.ts', 'identity-auth'], { PORT: String(idPort), IDENTITY_HEADERS: JSON.stringify(identity) });
    urls.h = `http://127.0.0.1:${hPort}/resources/v1/context`;
  }
  if (FASTIFY) urls.f = `http://127.0.0.1:${fPort}/resources/v1/context`;
  for (const u of Object.values(urls)) await waitFor(u, (s) => s === 200, auth);
  // a refused check is refused through NGINX too (the configuration does what it says)
  const refused = await fetch(urls.p!, { headers: { authorization: 'Bearer not-a-token' } });
  await refused.arrayBuffer();
  if (refused.status !== 401) throw new Error(`Partnergate behind NGINX admitted a bad token (${refused.status})`);
  for (const u of Object.values(urls)) await load({ mode: 'throughput', url: u, headers: auth, connections: CONNECTIONS, durationSec: 2 });

  const runs: Record<Kind, Run[]> = { n: [], p: [], w: [], h: [], f: [] };
  const logBefore = statSync(logFile).size;
  for (let round = 1; round <= ROUNDS; round++) {
    log(`round ${round}/${ROUNDS}`);
    const kinds: Kind[] = ['n', 'p', 'w', ...(CEILING ? (['h'] as const) : []), ...(FASTIFY ? (['f'] as const) : [])];
    for (const k of kinds) {
      const authProc = { n: noop, p: pg, w: pgWarn, h: identityAuth, f: fastifyNoop }[k]!;
      const before = [cpuMs(authProc), cpuMs(nginx, true), cpuMs(upstream)];
      const r = await load({ mode: 'throughput', url: urls[k]!, headers: auth, connections: CONNECTIONS, durationSec: DURATION });
      const used = [cpuMs(authProc), cpuMs(nginx, true), cpuMs(upstream)].map((x, i) => ((x - before[i]) * 1000) / Math.max(1, r.rps * DURATION));
      r.cpu_us = { auth: used[0], nginx: used[1], upstream: used[2] };
      if (r.non2xx > 0 || (r.errors ?? 0) > 0) log(`  ${k}: ${r.non2xx} non-2xx, ${r.errors ?? 0} errors`);
      runs[k].push(r);
      log(`  ${{ n: 'no-op auth      ', p: 'Partnergate     ', w: 'Partnergate warn', h: 'identity only   ', f: 'Fastify no-op   ' }[k]} ${Math.round(r.rps)} req/s`);
    }
  }
  const logBytes = statSync(logFile).size - logBefore;
  const median = (xs: number[]) => {
    const v = [...xs].sort((x, y) => x - y);
    return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  };
  const r3 = (x: number) => Math.round(x * 1000) / 1000;
  const ratios = (k: 'p' | 'w' | 'h', to: Kind = 'n') => runs[k].map((r, i) => r3(r.rps / runs[to][i].rps));
  const cpuOf = (k: Kind) => {
    const m = (f: 'auth' | 'nginx' | 'upstream') => Math.round(median(runs[k].map((r) => r.cpu_us![f])) * 10) / 10;
    return { auth: m('auth'), nginx: m('nginx'), upstream: m('upstream') };
  };
  const cpuKinds: Kind[] = ['n', 'p', 'w', ...(CEILING ? (['h'] as const) : []), ...(FASTIFY ? (['f'] as const) : [])];
  const cpu = Object.fromEntries(cpuKinds.map((k) => [k, cpuOf(k)])) as Partial<Record<Kind, ReturnType<typeof cpuOf>>>;
  const served = runs.p.reduce((s, r) => s + r.rps * DURATION, 0);
  const summary = {
    noop_rps: Math.round(median(runs.n.map((r) => r.rps))),
    partnergate_rps: Math.round(median(runs.p.map((r) => r.rps))),
    partnergate_warn_rps: Math.round(median(runs.w.map((r) => r.rps))),
    ratio: r3(median(ratios('p'))),
    ratios: ratios('p'),
    ratio_warn: r3(median(ratios('w'))),
    ratios_warn: ratios('w'),
    ...(CEILING ? { identity_only_rps: Math.round(median(runs.h.map((r) => r.rps))), ratio_ceiling: r3(median(ratios('h'))), ratios_ceiling: ratios('h') } : {}),
    ...(FASTIFY
      ? { fastify_noop_rps: Math.round(median(runs.f.map((r) => r.rps))), ratio_to_fastify: r3(median(ratios('p', 'f'))), ratios_to_fastify: ratios('p', 'f'), ratio_warn_to_fastify: r3(median(ratios('w', 'f'))), ratios_warn_to_fastify: ratios('w', 'f') }
      : {}),
    cpu_us_per_request: cpu,
    default_log_bytes: logBytes,
    default_log_bytes_per_request: r3(logBytes / Math.max(1, served)),
    p50_ms: { noop: median(runs.n.map((r) => r.p50_ms)), partnergate: median(runs.p.map((r) => r.p50_ms)) },
    rounds: ROUNDS,
    connections: CONNECTIONS,
    duration_s: DURATION,
    cpus: cpus().length,
    loadavg_1m: Math.round(loadavg()[0] * 100) / 100,
  };
  process.stdout.write(
    [
      `bench:forward-auth — NGINX auth_request (1 worker, README configuration), GET /resources/v1/context, ${CONNECTIONS} connections, ${ROUNDS} interleaved rounds × ${DURATION} s, ${summary.cpus} CPUs, load average ${summary.loadavg_1m}`,
      `  (n) no-op auth service           ${summary.noop_rps} req/s`,
      `  (p) Partnergate, default logging ${summary.partnergate_rps} req/s   p/n ${summary.ratio} (target ≥ 0.9; per round ${summary.ratios.join(', ')})`,
      `  (w) Partnergate, LOG_LEVEL=warn  ${summary.partnergate_warn_rps} req/s   w/n ${summary.ratio_warn} (per round ${summary.ratios_warn.join(', ')})`,
      ...(CEILING ? [`  (h) identity headers only        ${summary.identity_only_rps} req/s   h/n ${summary.ratio_ceiling} (the ceiling; per round ${summary.ratios_ceiling!.join(', ')})`] : []),
      ...(FASTIFY
        ? [`  (f) Fastify no-op, default logger ${summary.fastify_noop_rps} req/s   p/f ${summary.ratio_to_fastify} (per round ${summary.ratios_to_fastify!.join(', ')})   w/f ${summary.ratio_warn_to_fastify} (per round ${summary.ratios_warn_to_fastify!.join(', ')})`]
        : []),
      `  CPU per request, µs (median of rounds): auth service / NGINX / upstream`,
      ...cpuKinds.map((k) => `    (${k}) ${cpu[k]!.auth} / ${cpu[k]!.nginx} / ${cpu[k]!.upstream}`),
      `  default logging wrote ${logBytes} bytes during the measured runs (${summary.default_log_bytes_per_request} per request)`,
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
