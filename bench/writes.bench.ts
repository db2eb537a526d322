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
import path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { freePort } from './bench-db.ts';
import { summarize } from './writes-model.ts';
import { machineTicks, pin, postgresDelta, postgresProcesses, processTicks, startProxy, type WireCounts } from './writes-proc.ts';
import type { WritesUser } from './writes-load.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 8) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const PROXY_DELAY_MS = Number(process.env.PROXY_DELAY_MS ?? 2);
/** WRITES_LEVELS / WRITES_INSTANCES (comma-separated) explore other points; the ratios need the defaults. */
const list = (v: string | undefined, d: number[]) => (v ? v.split(',').map(Number) : d);
const LEVELS = list(process.env.WRITES_LEVELS, [16, 64]);
const INSTANCES = list(process.env.WRITES_INSTANCES, [1, 2]);
/** BENCH_ROUNDS: every configuration again, in the same order; WRITES_PIN=1 adds the one-core / two-core check. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 1);
const PIN = process.env.WRITES_PIN === '1';
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

const wire: WireCounts = { roundTrips: 0, answered: 0, statements: 0, parses: 0, bytesOut: 0, bytesIn: 0, byText: new Map() };
const proxyPort = await freePort();
const proxy = await startProxy(direct.hostname, Number(direct.port || 5432), proxyPort, PROXY_DELAY_MS, wire);
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

/** Runs the load; `onMeasuring` is called when the load generator's measured window begins (after every sign-in and the warm-up). */
function runLoad(urls: string[], concurrency: number, cores: string | null, onMeasuring: () => void): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const job = { urls, users, durationMs: DURATION_MS, warmupMs: WARMUP_MS, concurrency };
    const child = spawn(process.execPath, [path.join(root, 'bench/writes-load.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    if (cores) pin(child.pid, cores);
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('"phase":"measuring"')) {
        out = out.slice(out.indexOf('\n', out.indexOf('"phase":"measuring"')) + 1);
        onMeasuring();
      }
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

const monitor = new pg.Client({ connectionString: database.ownerUrl! });
await monitor.connect();
const dbName = direct.pathname.slice(1);

/** Samples the transactions waiting on a lock every 50 ms once begun, until stopped. */
function sampleLocks(): { begin(): void; stop(): { mean: number; max: number; samples: number } } {
  const counts: number[] = [];
  let running = true;
  let begun = false;
  const loop = (async () => {
    while (running) {
      if (begun) {
        const r = await monitor.query<{ n: number }>(`select count(*)::int as n from pg_stat_activity where datname = $1 and wait_event_type = 'Lock'`, [dbName]);
        counts.push(r.rows[0].n);
      }
      await new Promise((res) => setTimeout(res, 50));
    }
  })();
  return {
    begin: () => (begun = true),
    stop() {
      running = false;
      void loop;
      const sum = counts.reduce((a, b) => a + b, 0);
      return { mean: Number((sum / Math.max(1, counts.length)).toFixed(2)), max: Math.max(0, ...counts), samples: counts.length };
    },
  };
}

// ---- run --------------------------------------------------------------------------------------------

process.stdout.write(
  `Partnergate writes bench · PostgreSQL through a proxy adding ${PROXY_DELAY_MS} ms per round trip · ${cpus().length} cores · node ${process.version}\n` +
    `server: ${appRoot === root ? 'this checkout' : appRoot} · ${DURATION_MS / 1000} s per run after ${WARMUP_MS / 1000} s warm-up · ${ROUNDS} round(s) · load average ${loadavg()[0].toFixed(2)} at start\n` +
    `mix per virtual user: login, link request, link revoke, API token create, API token revoke, account rename\n` +
    `CPU per write: server = the instances, PostgreSQL = the backends of this bench's database + the server's shared processes (WAL writer, checkpointer), not other databases' backends\n\n`,
);
type Cpu = {
  machine_busy_pct: number;
  server_ms_per_write: number;
  /** each instance's own CPU per write of the whole run (the writer's share and its applying every change) */
  per_instance_ms_per_write: number[];
  postgres_ms_per_write: number;
  postgres_shared_ms_per_write: number;
  proxy_ms_per_write: number;
  load_ms_per_write: number;
  total_ms_per_write: number;
  ceiling_per_sec: number;
  round_trips_per_write: number;
  /** Sync and simple Query messages: one per statement awaited, pipelined or not (the count before round trips were told apart) */
  answered_per_write: number;
  statements_per_write: number;
  parses_per_write: number;
  wire_bytes_per_write: number;
};
type Run = LoadResult & { lock_waits_mean: number; lock_waits_max: number; load_avg: number; cores: string } & Cpu;

/** One measured run of `c` users against these instances; `cores` pins every process of the run ("0", "0,1"). */
async function measure(instances: Instance[], c: number, cores: string | null): Promise<Run> {
  if (cores) for (const x of instances) pin(x.pid, cores);
  if (cores) pin(process.pid, cores);
  const sampler = sampleLocks();
  // CPU over the measured window: from the end of the warm-up to the load's last answer
  type Mark = { machine: { busy: number; total: number }; servers: number[]; postgres: ReturnType<typeof postgresProcesses>; self: NodeJS.CpuUsage; wire: WireCounts };
  const cpu0: { at: Mark | null } = { at: null };
  const mark = () => {
    sampler.begin();
    const postgres = postgresProcesses(dbName);
    // the backends of the pool exist by now: pin them with the rest
    if (cores) for (const [pid, p] of postgres) if (p.kind === 'ours') pin(pid, cores);
    cpu0.at = { machine: machineTicks(), servers: instances.map((x) => processTicks(x.pid)), postgres, self: process.cpuUsage(), wire: { ...wire, byText: new Map(wire.byText) } };
  };
  const r = await runLoad(
    instances.map((x) => x.url),
    c,
    cores,
    mark,
  );
  const locks = sampler.stop();
  const m1 = machineTicks();
  const start = cpu0.at;
  const total = r.writes || 1;
  const perWrite = (ms: number) => Number((ms / total).toFixed(3));
  const cpu: Cpu = { machine_busy_pct: 0, server_ms_per_write: 0, per_instance_ms_per_write: [], postgres_ms_per_write: 0, postgres_shared_ms_per_write: 0, proxy_ms_per_write: 0, load_ms_per_write: 0, total_ms_per_write: 0, ceiling_per_sec: 0, round_trips_per_write: 0, answered_per_write: 0, statements_per_write: 0, parses_per_write: 0, wire_bytes_per_write: 0 };
  if (start) {
    const self = process.cpuUsage(start.self);
    const pgd = postgresDelta(start.postgres, postgresProcesses(dbName));
    cpu.machine_busy_pct = Math.round((100 * (m1.busy - start.machine.busy)) / Math.max(1, m1.total - start.machine.total));
    cpu.per_instance_ms_per_write = instances.map((x, i) => perWrite(10 * (processTicks(x.pid) - start.servers[i])));
    cpu.server_ms_per_write = Number(cpu.per_instance_ms_per_write.reduce((a, b) => a + b, 0).toFixed(3));
    cpu.postgres_ms_per_write = perWrite(10 * (pgd.ours + pgd.shared));
    cpu.postgres_shared_ms_per_write = perWrite(10 * pgd.shared);
    // this script: the 2 ms proxy (and the lock sampler's query every 50 ms)
    cpu.proxy_ms_per_write = perWrite((self.user + self.system) / 1000);
    cpu.load_ms_per_write = perWrite(r.cpu_ms ?? 0);
    cpu.total_ms_per_write = Number((cpu.server_ms_per_write + cpu.postgres_ms_per_write + cpu.proxy_ms_per_write + cpu.load_ms_per_write).toFixed(2));
    // every core busy with nothing but this: the most writes per second this CPU cost allows
    cpu.ceiling_per_sec = Math.round((cpus().length * 1000) / Math.max(0.01, cpu.total_ms_per_write));
    // the wire counts include the feed's reads and the lock sampler's nothing (it connects directly)
    cpu.round_trips_per_write = Number(((wire.roundTrips - start.wire.roundTrips) / total).toFixed(1));
    cpu.answered_per_write = Number(((wire.answered - start.wire.answered) / total).toFixed(1));
    cpu.statements_per_write = Number(((wire.statements - start.wire.statements) / total).toFixed(1));
    cpu.parses_per_write = Number(((wire.parses - start.wire.parses) / total).toFixed(2));
    cpu.wire_bytes_per_write = Math.round((wire.bytesOut - start.wire.bytesOut + wire.bytesIn - start.wire.bytesIn) / total);
    // WRITES_STATEMENTS=1: which statements, how many per write (counted on the wire, by their text)
    if (process.env.WRITES_STATEMENTS === '1') {
      const delta = [...wire.byText].map(([q, k]) => [q, k - (start.wire.byText.get(q) ?? 0)] as const).filter(([, k]) => k > 0);
      delta.sort((a, b) => b[1] - a[1]);
      for (const [q, k] of delta.slice(0, 40)) process.stdout.write(`  ${(k / total).toFixed(3).padStart(7)}/write  ${q}\n`);
    }
  }
  if (cores) for (const x of [...instances.map((i) => i.pid), process.pid]) pin(x, Array.from(cpus(), (_, i) => i).join(','));
  return { ...r, lock_waits_mean: locks.mean, lock_waits_max: locks.max, load_avg: Number(loadavg()[0].toFixed(2)), cores: cores ?? 'all', ...cpu };
}

function line(label: string, r: Run): string {
  return (
    `${label}  ${String(r.per_sec).padStart(5)} writes/s  p50 ${r.p50_ms.toFixed(1).padStart(6)} ms  p99 ${r.p99_ms.toFixed(1).padStart(7)} ms  locks ${r.lock_waits_mean.toFixed(2)}/${r.lock_waits_max}  machine ${r.machine_busy_pct}%  ` +
    `CPU ms/write: server ${r.server_ms_per_write} [${r.per_instance_ms_per_write.join(' + ')}] + PostgreSQL ${r.postgres_ms_per_write} (shared ${r.postgres_shared_ms_per_write}) + proxy ${r.proxy_ms_per_write} + load ${r.load_ms_per_write} = ${r.total_ms_per_write}  ` +
    `wire/write: ${r.round_trips_per_write} round trips (${r.answered_per_write} messages answered), ${r.statements_per_write} statements, ${r.parses_per_write} parses, ${r.wire_bytes_per_write} B  load avg ${r.load_avg}  ${r.errors} errors${r.first_error ? ` (first: ${r.first_error})` : ''}\n`
  );
}

const runs: Record<string, Run[]> = {};
for (let round = 1; round <= ROUNDS; round++) {
  for (const n of INSTANCES) {
    const instances: Instance[] = [];
    for (let i = 0; i < n; i++) instances.push(await startInstance());
    for (const c of LEVELS) {
      const r = await measure(instances, c, null);
      (runs[`i${n}_c${c}`] ??= []).push(r);
      process.stdout.write(line(`round ${round}  ${n} instance${n > 1 ? 's' : ' '}  ${String(c).padStart(3)} users`, r));
    }
    await Promise.all(instances.map((x) => x.stop()));
  }
  // WRITES_PIN=1: one instance at the highest level with every process of the run on core 0, then on cores 0 and 1
  if (PIN) {
    const top = Math.max(...LEVELS);
    for (const cores of ['0', '0,1']) {
      const instance = await startInstance();
      const r = await measure([instance], top, cores);
      (runs[`pin${cores.split(',').length}_c${top}`] ??= []).push(r);
      process.stdout.write(line(`round ${round}  pinned to core(s) ${cores.padEnd(3)} ${String(top).padStart(3)} users`, r));
      await instance.stop();
    }
  }
}
await monitor.end();
proxy.close();
await database.drop();
process.stdout.write('\n' + summarize(runs, { server: appRoot === root ? 'this checkout' : appRoot, proxyDelayMs: PROXY_DELAY_MS, seconds: DURATION_MS / 1000 }) + '\n');
process.exit(0);
