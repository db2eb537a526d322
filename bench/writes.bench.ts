/**
 * npm run bench:writes — writes that grow with instances. A write-heavy mix through the
 * HTTP API (logins, link requests and their revocation, personal API tokens created and revoked,
 * billing accounts renamed: every step one audited write with its change-feed row), against one
 * PostgreSQL reached through a small TCP proxy this script starts, which holds every message
 * from an instance to the database for PROXY_DELAY_MS (2 ms: one per round trip), as a network
 * between instances and database would. On a 2-core machine CPU, not a lock, caps a second
 * instance; the added latency is what makes a lock's ceiling visible: with one global write lock
 * the throughput stays at about 1 / the lock's hold time, whatever the concurrency or the number
 * of instances.
 *
 * Instances are real processes (`node src/main.ts serve`, DATABASE_POOL_SIZE=64) sharing one Redis
 * (change-feed fan-out); the load comes from one more process (bench/writes-load.ts), spread
 * round-robin over the instances. For 1 and 2 instances, at concurrency 16 and 64, it prints
 * writes/s and the transactions waiting on a lock (pg_stat_activity.wait_event_type = 'Lock',
 * sampled every 50 ms: mean and max), and where the CPU went over the measured window (Linux
 * /proc): how busy the whole machine was, and the CPU time per write of the Partnergate processes,
 * of every PostgreSQL process, of this script (the proxy) and of the load generator; their sum, and
 * the writes/s all cores could do at that cost — when the machine is near 100 % busy, CPU, not a
 * lock, is the ceiling. Last line: one JSON object.
 *
 * WRITES_BENCH_APP_ROOT=/path/to/another/checkout runs that checkout's server, database set-up and
 * world (for a before/after: the same load against the code with the global lock).
 */
import { spawn } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from './bench-db.ts';
import type { WritesUser } from './writes-load.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const PROXY_DELAY_MS = Number(process.env.PROXY_DELAY_MS ?? 2);
/** WRITES_LEVELS / WRITES_INSTANCES (comma-separated) explore other points; the ratios need the defaults. */
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
const LEVELS = list(process.env.WRITES_LEVELS, [16, 64]);
const INSTANCES = list(process.env.WRITES_INSTANCES, [1, 2]);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const root = path.resolve(import.meta.dirname, '..');
const appRoot = path.resolve(process.env.WRITES_BENCH_APP_ROOT ?? root);
// The database, its schema and the world are made by the checkout whose server runs (its migrations).
const { buildApp } = (await import(path.join(appRoot, 'src/app/build-app.ts'))) as typeof import('../src/app/build-app.ts');
const { redisFactory } = (await import(path.join(appRoot, 'src/platform/redis.ts'))) as typeof import('../src/platform/redis.ts');
const { createTestDb } = (await import(path.join(appRoot, 'test/helpers/db.ts'))) as typeof import('../test/helpers/db.ts');
const { testConfig, TEST_SECRET } = (await import(path.join(appRoot, 'test/helpers/config.ts'))) as typeof import('../test/helpers/config.ts');
const { World } = (await import(path.join(appRoot, 'test/helpers/world.ts'))) as typeof import('../test/helpers/world.ts');

// ---- the database, and the proxy in front of it -------------------------------------------------

const database = await createTestDb({ postgres: true, poolSize: 4 });
const direct = new URL(database.databaseUrl!);

/** Every chunk an instance sends waits PROXY_DELAY_MS before it goes on (in order); answers come back at once. */
function startProxy(port: number): Promise<net.Server> {
  const server = net.createServer((client) => {
    client.setNoDelay(true);
    const upstream = net.connect({ host: direct.hostname, port: Number(direct.port || 5432) });
    upstream.setNoDelay(true);
    client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), PROXY_DELAY_MS));
    upstream.on('data', (chunk) => client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', close).on('close', close);
    upstream.on('error', close).on('close', close);
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve(server)));
}
const proxyPort = await freePort();
const proxy = await startProxy(proxyPort);
const proxied = new URL(direct.toString());
proxied.hostname = '127.0.0.1';
proxied.port = String(proxyPort);

// ---- the world: one tenant (admin, one account) and one partner (owner) per virtual user --------

const prefix = `pgb:${process.pid}-${randomBytes(3).toString('hex')}:`;
const setup = await buildApp({ config: testConfig({ REDIS_URL, REDIS_KEY_PREFIX: prefix }, database.dataDir), db: database.db, redis: redisFactory(REDIS_URL), logger: false });
await setup.ready();
const world = new World(setup);
const users: WritesUser[] = [];
for (let i = 0; i < Math.max(...LEVELS); i++) {
  const t = await world.tenant({ bans: 1 });
  const p = await world.partner({ capabilities: ['managed_services'] });
  users.push({ tenantId: t.id, tenantSlug: t.slug, banId: t.bans[0].id, admin: { email: t.admin.email, password: t.admin.password }, partnerId: p.id, owner: { email: p.owner.email, password: p.owner.password } });
}
await setup.close();

// ---- instances ------------------------------------------------------------------------------------

interface Instance {
  url: string;
  pid: number | undefined;
  stop(): Promise<void>;
}

/** Every server process started: killed when this script exits, also on a failure half-way. */
const processes = new Set<import('node:child_process').ChildProcess>();
process.on('exit', () => {
  for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
});

async function startInstance(): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: String(port),
    SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'silent',
    SCRYPT_COST: '10',
    DATA_DIR: database.dataDir,
    DATABASE_URL: proxied.toString(),
    DATABASE_POOL_SIZE: '64',
    REDIS_URL,
    REDIS_KEY_PREFIX: prefix,
    PUBLIC_URL: url,
  };
  // BENCH_CPU_PROF=<dir>: each instance writes a V8 CPU profile there when it stops
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_CPU_PROF)}`] : [];
  const proc = spawn(process.execPath, [...profile, path.join(appRoot, 'src/main.ts'), 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  processes.add(proc);
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 180_000; // a loaded machine starts slowly
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`instance exited: ${stderr}`);
    const ok = await fetch(`${url}/readyz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`instance not ready: ${stderr}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pid: proc.pid,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

// ---- load and lock sampling -----------------------------------------------------------------------

interface LoadResult {
  writes: number;
  errors: number;
  per_sec: number;
  p50_ms: number;
  p99_ms: number;
  /** the load generator's own CPU over the measured window */
  cpu_ms: number;
  by_step: Record<string, { ok: number; errors: number }>;
  first_error: string | null;
}

function runLoad(urls: string[], concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const job = { urls, users, durationMs: DURATION_MS, warmupMs: WARMUP_MS, concurrency };
    const child = spawn(process.execPath, [path.join(root, 'bench/writes-load.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

const monitor = new pg.Client({ connectionString: database.ownerUrl! });
await monitor.connect();
const dbName = direct.pathname.slice(1);

/** Samples the transactions waiting on a lock every 50 ms from `after` ms on, until stopped. */
function sampleLocks(after: number): { stop(): { mean: number; max: number; samples: number } } {
  const counts: number[] = [];
  let running = true;
  const begin = Date.now() + after;
  const loop = (async () => {
    while (running) {
      if (Date.now() >= begin) {
        const r = await monitor.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [dbName]);
        counts.push(r.rows[0].n);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return {
    stop() {
      running = false;
      void loop;
      const sum = counts.reduce((a, b) => a + b, 0);
      return { mean: Number((sum / Math.max(1, counts.length)).toFixed(2)), max: Math.max(0, ...counts), samples: counts.length };
    },
  };
}

// ---- where the CPU goes (Linux /proc; zeros elsewhere) ------------------------------------------------

/** Busy and total jiffies of the whole machine (a jiffy is 10 ms: CLK_TCK 100 on Linux). */
function machineTicks(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
    const idle = f[3] + (f[4] ?? 0);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: total - idle, total };
  } catch {
    return { busy: 0, total: 0 };
  }
}

/** User + system jiffies of every PostgreSQL process (backends, writer, WAL). */
function postgresTicks(): number {
  let sum = 0;
  for (const d of readdirSafe('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      if (!stat.includes('(postgres)')) continue;
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      sum += Number(f[11]) + Number(f[12]);
    } catch {
      // a process that ended meanwhile
    }
  }
  return sum;
}

function readdirSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** User + system jiffies of one process. */
function processTicks(pid: number | undefined): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return 0;
  }
}

// ---- run --------------------------------------------------------------------------------------------

process.stdout.write(
  `Partnergate writes bench · PostgreSQL through a proxy adding ${PROXY_DELAY_MS} ms per round trip · ${cpus().length} cores · node ${process.version}\n` +
    `server: ${appRoot === root ? 'this checkout' : appRoot} · ${DURATION_MS / 1000} s per run after ${WARMUP_MS / 1000} s warm-up\n` +
    `mix per virtual user: login, link request, link revoke, API token create, API token revoke, account rename\n\n`,
);
type Cpu = { machine_busy_pct: number; server_ms_per_write: number; postgres_ms_per_write: number; proxy_ms_per_write: number; load_ms_per_write: number; total_ms_per_write: number; ceiling_per_sec: number };
const results: Record<string, LoadResult & { lock_waits_mean: number; lock_waits_max: number } & Cpu> = {};
for (const n of INSTANCES) {
  const instances: Instance[] = [];
  for (let i = 0; i < n; i++) instances.push(await startInstance());
  for (const c of LEVELS) {
    const sampler = sampleLocks(WARMUP_MS);
    // CPU over the measured window: from the end of the warm-up to the load's last answer
    const cpu0: { at: { machine: { busy: number; total: number }; servers: number; postgres: number; self: NodeJS.CpuUsage } | null } = { at: null };
    const mark = setTimeout(() => (cpu0.at = { machine: machineTicks(), servers: instances.reduce((a, x) => a + processTicks(x.pid), 0), postgres: postgresTicks(), self: process.cpuUsage() }), WARMUP_MS);
    const r = await runLoad(instances.map((x) => x.url), c);
    clearTimeout(mark);
    const locks = sampler.stop();
    const m1 = machineTicks();
    const start = cpu0.at;
    const total = r.writes || 1;
    const perWrite = (ms: number) => Number((ms / total).toFixed(2));
    let cpu: Cpu = { machine_busy_pct: 0, server_ms_per_write: 0, postgres_ms_per_write: 0, proxy_ms_per_write: 0, load_ms_per_write: 0, total_ms_per_write: 0, ceiling_per_sec: 0 };
    if (start) {
      const self = process.cpuUsage(start.self);
      cpu = {
        machine_busy_pct: Math.round((100 * (m1.busy - start.machine.busy)) / Math.max(1, m1.total - start.machine.total)),
        server_ms_per_write: perWrite(10 * (instances.reduce((a, x) => a + processTicks(x.pid), 0) - start.servers)),
        postgres_ms_per_write: perWrite(10 * (postgresTicks() - start.postgres)),
        // this script: the 2 ms proxy (and the lock sampler's query every 50 ms)
        proxy_ms_per_write: perWrite((self.user + self.system) / 1000),
        load_ms_per_write: perWrite(r.cpu_ms ?? 0),
        total_ms_per_write: 0,
        ceiling_per_sec: 0,
      };
      cpu.total_ms_per_write = Number((cpu.server_ms_per_write + cpu.postgres_ms_per_write + cpu.proxy_ms_per_write + cpu.load_ms_per_write).toFixed(2));
      // every core busy with nothing but this: the most writes per second this CPU cost allows
      cpu.ceiling_per_sec = Math.round((cpus().length * 1000) / Math.max(0.01, cpu.total_ms_per_write));
    }
    const key = `i${n}_c${c}`;
    results[key] = { ...r, lock_waits_mean: locks.mean, lock_waits_max: locks.max, ...cpu };
    process.stdout.write(
      `${String(n).padStart(2)} instance${n > 1 ? 's' : ' '}  concurrency ${String(c).padStart(3)}  ${String(r.per_sec).padStart(6)} writes/s   p50 ${r.p50_ms.toFixed(1).padStart(6)} ms  p99 ${r.p99_ms.toFixed(1).padStart(7)} ms   waiting on locks: mean ${locks.mean.toFixed(2)}, max ${locks.max}   CPU: machine ${cpu.machine_busy_pct}% busy, per write ${cpu.server_ms_per_write} ms server + ${cpu.postgres_ms_per_write} ms PostgreSQL + ${cpu.proxy_ms_per_write} proxy + ${cpu.load_ms_per_write} load = ${cpu.total_ms_per_write} ms (all cores at this cost: ${cpu.ceiling_per_sec} writes/s)   ${r.errors} errors${r.first_error ? ` (first: ${r.first_error})` : ''}\n`,
    );
  }
  await Promise.all(instances.map((x) => x.stop()));
}

const ratio = (a: number, b: number) => Number((a / Math.max(1, b)).toFixed(2));
const summary = {
  bench: 'writes',
  server: appRoot === root ? 'this checkout' : appRoot,
  proxy_delay_ms: PROXY_DELAY_MS,
  writes_per_sec: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.per_sec])),
  c64_vs_c16_1_instance: ratio(results.i1_c64?.per_sec ?? 0, results.i1_c16?.per_sec ?? 0),
  c64_vs_c16_2_instances: ratio(results.i2_c64?.per_sec ?? 0, results.i2_c16?.per_sec ?? 0),
  two_vs_one_instance_c64: ratio(results.i2_c64?.per_sec ?? 0, results.i1_c64?.per_sec ?? 0),
  lock_waits_mean: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.lock_waits_mean])),
  lock_waits_max: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.lock_waits_max])),
  machine_busy_pct: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.machine_busy_pct])),
  cpu_ms_per_write: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, { server: v.server_ms_per_write, postgres: v.postgres_ms_per_write, proxy: v.proxy_ms_per_write, load: v.load_ms_per_write, total: v.total_ms_per_write }])),
  ceiling_per_sec: Object.fromEntries(Object.entries(results).map(([k, v]) => [k, v.ceiling_per_sec])),
  errors: Object.values(results).reduce((a, v) => a + v.errors, 0),
  load_average_1m: Number(loadavg()[0].toFixed(2)),
  cores: cpus().length,
  seconds: DURATION_MS / 1000,
};
process.stdout.write(
  `\n64 vs 16 in flight: ${summary.c64_vs_c16_1_instance}× (1 instance), ${summary.c64_vs_c16_2_instances}× (2 instances) · 2 vs 1 instance at 64: ${summary.two_vs_one_instance_c64}× · load average ${summary.load_average_1m}\n\n`,
);

await monitor.end();
proxy.close();
await database.drop();
process.stdout.write(JSON.stringify(summary) + '\n');
process.exit(0);
