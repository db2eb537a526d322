/**
 * npm run bench:api — a portal API read as a tenant admin: GET /api/v1/tenants/:id/billing-accounts
 * (session cookie → the session with its user, then the memberships, read from the database; the organization wall;
 * the tenant's billing accounts). On PostgreSQL the app connects as the role production runs as,
 * so every statement carries its row-level-security context (bench/bench-db.ts).
 *
 * Runs Partnergate in this process and the load from a separate process (bench/api-load.ts):
 * first one request at a time (the latency the round trips to the database make), then 16 in
 * flight (throughput). Prints a table, then one JSON object on the last line:
 *   { db, seq_p50_ms, seq_p99_ms, seq_per_sec, conc_per_sec, conc_p50_ms, conc_p99_ms, … }
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { cpus, loadavg } from 'node:os';
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../src/config/config.ts';
import { buildApp } from '../src/app/build-app.ts';
import { mutate } from '../src/platform/db/database.ts';
import { systemContext } from '../src/platform/http/request-context.ts';
import { freePort, openBenchDatabase } from './bench-db.ts';

const DURATION_MS = Number(process.env.BENCH_SECONDS ?? 10) * 1000;
const WARMUP_MS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2) * 1000;
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const root = path.resolve(import.meta.dirname, '..');

const bench = await openBenchDatabase();
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const config = loadConfig({}, { DATA_DIR: bench.dataDir, SECRET_KEY: randomBytes(32).toString('base64url'), LOG_LEVEL: 'silent', SCRYPT_COST: '10', PUBLIC_URL: url, PORT: String(port), ...(bench.databaseUrl ? { DATABASE_URL: bench.databaseUrl } : {}) });
const app = await buildApp({ config, db: bench.db, redis: null, logger: false });
await app.listen({ port, host: '127.0.0.1' });
const s = app.services;

// a tenant with its admin and two accounts, and a few neighbours so the table is not one tenant's
const ctx = systemContext('bench-api');
const suffix = randomBytes(3).toString('hex');
let tenantId = '';
const email = `admin-${suffix}@bench.test`;
const password = 'bench admin password 1';
for (let i = 0; i < 20; i++) {
  const { tenant } = await s.tenants.createTenant(ctx, { name: `Bench tenant ${i}`, slug: `bench-${suffix}-${i}` });
  for (let b = 0; b < 3; b++) await s.tenants.createBillingAccount(ctx, tenant.id, { name: `Account ${b}` });
  if (i === 0) {
    tenantId = tenant.id;
    await mutate(bench.db, async (trx) => {
      const uid = await s.identity.createUser(trx, { email, name: 'Admin', password });
      await trx.insertInto('tenant_members').values({ tenant_id: tenant.id, user_id: uid, role: 'TENANT_ADMIN', invited_by: null, created_at: new Date().toISOString() }).execute();
    });
  }
}
const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) });
if (login.status !== 200) throw new Error(`login failed: ${login.status} ${await login.text()}`);
const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
const target = `${url}/api/v1/tenants/${tenantId}/billing-accounts`;
const check = await fetch(target, { headers: { cookie } });
const body = (await check.json()) as { data?: unknown[] };
if (check.status !== 200 || body.data?.length !== 3) throw new Error(`unexpected answer: ${check.status} ${JSON.stringify(body)}`);

interface LoadResult {
  requests: number;
  ok: number;
  errors: number;
  per_sec: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

function runLoad(concurrency: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const job = { url: target, cookie, durationMs: DURATION_MS, warmupMs: WARMUP_MS, concurrency };
    const child = spawn(process.execPath, [path.join(root, 'bench/api-load.ts'), JSON.stringify(job)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out.trim().split('\n').pop()!) as LoadResult) : reject(new Error(`load generator exited with ${code}`))));
  });
}

process.stdout.write(`Partnergate API bench on ${bench.label} · ${cpus().length} cores · node ${process.version}\nGET /api/v1/tenants/:id/billing-accounts as the tenant's admin (session cookie)\n`);
const seq = await runLoad(1);
const conc = await runLoad(CONCURRENCY);
const row = (name: string, r: LoadResult) => `${name.padEnd(14)} ${String(r.per_sec).padStart(6)}/s   p50 ${r.p50_ms.toFixed(2).padStart(7)} ms   p99 ${r.p99_ms.toFixed(2).padStart(7)} ms   ${r.ok} ok / ${r.errors} errors`;
const load = loadavg();
process.stdout.write(`\n${row('1 in flight', seq)}\n${row(`${CONCURRENCY} in flight`, conc)}\nload average during the run: ${load.map((x) => x.toFixed(2)).join(' ')}\n\n`);

await app.close();
await bench.drop();

process.stdout.write(
  JSON.stringify({
    db: bench.label,
    seq_per_sec: seq.per_sec,
    seq_p50_ms: seq.p50_ms,
    seq_p99_ms: seq.p99_ms,
    conc_per_sec: conc.per_sec,
    conc_p50_ms: conc.p50_ms,
    conc_p99_ms: conc.p99_ms,
    errors: seq.errors + conc.errors,
    concurrency: CONCURRENCY,
    load_average_1m: Number(load[0].toFixed(2)),
    seconds: DURATION_MS / 1000,
    cores: cpus().length,
  }) + '\n',
);
