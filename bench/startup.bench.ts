/**
 * npm run bench:startup — what starting an instance costs with a large world, on PostgreSQL.
 *
 * World (the decision bench's shape, bench/authz.bench.ts, as far as the foreign keys need it):
 * BENCH_PARTNERS (10,000) partners, the first 1 % distributors over 20 resellers each; BENCH_TENANTS
 * (100,000) tenants with one billing account and one admin each; one staff member per partner;
 * BENCH_DELEGATIONS (1,000,000) delegations, every status and origin, some BAN-restricted, some with
 * overrides, 30 % of the resellers' links open to their distributor. The rows are generated here
 * in the database's own shape (ISO times, JSON text) and written with `insert … select from
 * unnest(…)` in chunks of 50,000, as the schema owner, into a database of the bench's own (a copy
 * of the migrated template, test/helpers/db.ts), dropped at the end.
 *
 * Then, BENCH_ROUNDS (3) times: `node src/main.ts serve` is spawned as the application role
 * (row-level security on, as in production) and the time from spawn to the first 200 of
 * GET /healthz and of GET /readyz is measured (both polled every 50 ms; serve listens first and
 * answers /readyz 503 until the snapshots are loaded), then the instance is stopped. For
 * reference, the bench also reads every delegation row itself as the loader does (one cursor in a
 * read-only transaction, chunks of 20,000, the loader's columns; as the schema owner): the
 * database's share of a start.
 *
 * Last, a second instance is started while the first serves a steady load: BENCH_LOAD_CONCURRENCY
 * (8) loops of GET /api/v1/me with a partner owner's session (session, user and memberships read,
 * permissions decided) from this process; the load runs 3 s before, during the second start and
 * 3 s after, and every failed request (non-200 or network error) is counted, with p50/p99 of each
 * phase. Then one request to the second instance with the same session.
 *
 * BENCH_CPU_PROF=<dir>: the timed instances run with --cpu-prof (profiles written when they stop).
 * REDIS_URL set: the instances use it. Target: /readyz within 15 s.
 * Prints every round and ends with one JSON line.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg, cpus, freemem } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createTestDb, APP_ROLE } from '../test/helpers/db.ts';
import { TEST_SECRET } from '../test/helpers/config.ts';
import { HttpClient } from '../test/helpers/server-process.ts';
import { freePort } from './bench-db.ts';
import { newId } from '../src/platform/ids.ts';
import { hashPassword } from '../src/platform/crypto.ts';

const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 10_000);
const DISTRIBUTORS = Math.max(1, Math.floor(PARTNERS / 100));
const isReseller = (p: number) => p >= DISTRIBUTORS && p < DISTRIBUTORS * 21;
const TENANTS = Number(process.env.BENCH_TENANTS ?? 100_000);
const DELEGATIONS = Number(process.env.BENCH_DELEGATIONS ?? 1_000_000);
const PER_PARTNER = Math.ceil(DELEGATIONS / PARTNERS);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONCURRENCY = Number(process.env.BENCH_LOAD_CONCURRENCY ?? 8);
const TARGET_MS = 15_000;
const CHUNK = 50_000;
const root = path.resolve(import.meta.dirname, '..');
const REDIS_URL = process.env.REDIS_URL || null;
const cpuProf = process.env.BENCH_CPU_PROF ? path.resolve(process.env.BENCH_CPU_PROF) : null;

let seed = 0x2f6b1c3d;
function rnd(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const LINK_ROLES = ['MSP_FULL', 'MSP_BILLING', 'MSP_SUPPORT', 'MSP_PROVISIONING', 'ENTERPRISE_HQ', 'AUDITOR', 'DELEGATE'];
const now = Date.now();
const DAY = 86_400_000;
const ts = new Date(now - 30 * DAY).toISOString();
const ends = new Date(now + 365 * DAY).toISOString();
const stamps = { created_at: ts, updated_at: ts };
const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const ms = (x: number) => Math.round(x);

// ---- the database and the world -----------------------------------------------------------------

/**
 * BENCH_DATABASE=<name>: use that database, already filled by an earlier run kept with BENCH_KEEP=1
 * (writing the world takes minutes on a busy machine); it is left in place.
 */
const reuse = process.env.BENCH_DATABASE ?? null;
const keep = reuse !== null || process.env.BENCH_KEEP === '1';
async function openDatabaseOfBench() {
  if (reuse === null) {
    const d = await createTestDb({ postgres: true, poolSize: 2 });
    await d.db.close();
    await d.owner.close();
    return d;
  }
  const ownerUrl = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  ownerUrl.pathname = '/' + reuse;
  const appUrl = new URL(ownerUrl.toString());
  appUrl.username = APP_ROLE;
  appUrl.password = '';
  return { ownerUrl: ownerUrl.toString(), databaseUrl: appUrl.toString(), dataDir: mkdtempSync(path.join(tmpdir(), 'partnergate-bench-')), drop: async () => {} };
}
const database = await openDatabaseOfBench();
const dbName = new URL(database.ownerUrl!).pathname.slice(1);
const owner = new pg.Client({ connectionString: database.ownerUrl! });
await owner.connect();

/** Inserts column arrays with one `insert … select from unnest(…)` per chunk of rows. */
async function insertColumns(table: string, cols: [name: string, type: string][], data: unknown[][], constants: Record<string, string | number> = {}) {
  const n = data[0].length;
  const constNames = Object.keys(constants);
  const names = [...cols.map((c) => c[0]), ...constNames].join(', ');
  const params = cols.map((c, i) => `$${i + 1}::${c[1]}[]`).join(', ');
  const consts = constNames.map((_k, i) => `$${cols.length + i + 1}`).join(', ');
  const sql = `insert into ${table} (${names}) select u.*${consts ? ', ' + consts : ''} from unnest(${params}) as u`;
  for (let at = 0; at < n; at += CHUNK) await owner.query(sql, [...data.map((d) => d.slice(at, at + CHUNK)), ...Object.values(constants)]);
}

const tFill = performance.now();
const loadEmail = 'load-owner@bench.example';
const loadPassword = 'a long bench passphrase for the load';
let made = 0;
if (reuse === null) await fillWorld();
else made = (await owner.query<{ n: number }>('select count(*)::int as n from delegations')).rows[0].n;

async function fillWorld() {
  const world = await fillOrganisations();
  await fillDelegations(world);
  await owner.query('vacuum analyze');
}

/** Partners (two-tier), tenants with one account and one admin each, one staff member per partner, the load's owner. */
async function fillOrganisations() {
  const partnerIds = Array.from({ length: PARTNERS }, () => newId('ptr'));
  const tenantIds = Array.from({ length: TENANTS }, () => newId('tnt'));
  const banIds = Array.from({ length: TENANTS }, () => newId('ban'));
  const partnerUser = partnerIds.map(() => newId('usr'));
  const tenantUser = tenantIds.map(() => newId('usr'));
  const seq = (n: number, f: (i: number) => unknown) => Array.from({ length: n }, (_, i) => f(i));


  await insertColumns(
    'partners',
    [['id', 'text'], ['slug', 'text'], ['name', 'text'], ['contact_email', 'text'], ['status', 'text'], ['feature_toggles', 'text'], ['parent_partner_id', 'text']],
    [partnerIds, seq(PARTNERS, (i) => `bench-partner-${i}`), seq(PARTNERS, (i) => `Bench Partner ${i}`), seq(PARTNERS, (i) => `owner${i}@partner.bench.example`), seq(PARTNERS, (i) => (i % 500 === 7 ? 'suspended' : 'active')), seq(PARTNERS, (i) => (i % 50 === 3 ? '{"vouchers":false}' : '{}')), seq(PARTNERS, (i) => (isReseller(i) ? partnerIds[i % DISTRIBUTORS] : null))],
    { capabilities: '["managed_services","delegated","wholesale"]', requested_capabilities: '[]', applied_at: ts, ...stamps },
  );
  await insertColumns(
    'tenants',
    [['id', 'text'], ['slug', 'text'], ['name', 'text'], ['status', 'text']],
    [tenantIds, seq(TENANTS, (i) => `bench-tenant-${i}`), seq(TENANTS, (i) => `Bench Tenant ${i}`), seq(TENANTS, (i) => (i % 1000 === 5 ? 'suspended' : 'active'))],
    { tier: 'standard', ...stamps },
  );
  await insertColumns('billing_accounts', [['id', 'text'], ['tenant_id', 'text'], ['account_number', 'text']], [banIds, tenantIds, seq(TENANTS, (i) => `BAN-${4_000_000_000 + i}`)], { name: 'Main', status: 'active', currency: 'EUR', ...stamps });
  const allUsers = [...partnerUser, ...tenantUser];
  await insertColumns('users', [['id', 'text'], ['email', 'text'], ['name', 'text']], [allUsers, seq(allUsers.length, (i) => `user${i}@bench.example`), seq(allUsers.length, (i) => `Bench User ${i}`)], { status: 'active', ...stamps });
  await insertColumns('partner_members', [['partner_id', 'text'], ['user_id', 'text']], [partnerIds, partnerUser], { role: 'PARTNER_STAFF', status: 'active', created_at: ts });
  await insertColumns('tenant_members', [['tenant_id', 'text'], ['user_id', 'text']], [tenantIds, tenantUser], { role: 'TENANT_ADMIN', created_at: ts });

  // the person whose session carries the steady load: the owner of the first reseller (a partner with delegations and a distributor)
  const loadPartner = DISTRIBUTORS;
  const loadUser = newId('usr');
  await owner.query(`insert into users (id, email, name, password_hash, status, created_at, updated_at) values ($1, $2, 'Load Owner', $3, 'active', $4, $4)`, [loadUser, loadEmail, await hashPassword(loadPassword, 10), ts]);
  await owner.query(`insert into partner_members (partner_id, user_id, role, status, created_at) values ($1, $2, 'PARTNER_OWNER', 'active', $3)`, [partnerIds[loadPartner], loadUser, ts]);

  return { partnerIds, tenantIds, banIds, tenantUser };
}

async function fillDelegations({ partnerIds, tenantIds, banIds, tenantUser }: { partnerIds: string[]; tenantIds: string[]; banIds: string[]; tenantUser: string[] }) {
  const D = {
    id: [] as string[], partner: [] as string[], tenant: [] as string[], origin: [] as string[], role: [] as string[], scopes: [] as (string | null)[],
    bans: [] as (string | null)[], overrides: [] as string[], status: [] as string[], client: [] as (string | null)[], decidedBy: [] as (string | null)[], distributor: [] as number[],
  };
  const flushDelegations = async () => {
    if (D.id.length === 0) return;
    await insertColumns(
      'delegations',
      [['id', 'text'], ['partner_id', 'text'], ['tenant_id', 'text'], ['origin', 'text'], ['role', 'text'], ['scopes', 'text'], ['ban_ids', 'text'], ['overrides', 'text'], ['status', 'text'], ['client_id', 'text'], ['decided_by', 'text'], ['distributor_access', 'int']],
      [D.id, D.partner, D.tenant, D.origin, D.role, D.scopes, D.bans, D.overrides, D.status, D.client, D.decidedBy, D.distributor],
      { justification: 'bench', starts_at: ts, ends_at: ends, requested_at: ts, ...stamps },
    );
    for (const k of Object.keys(D) as (keyof typeof D)[]) D[k].length = 0;
  };
  for (let p = 0; p < PARTNERS && made < DELEGATIONS; p++) {
    const n = Math.min(PER_PARTNER, DELEGATIONS - made);
    const start = Math.floor(rnd() * TENANTS);
    const stride = 1 + Math.floor(rnd() * 997);
    for (let k = 0; k < n; k++) {
      const t = (start + k * stride) % TENANTS;
      const x = rnd();
      const status = x < 0.85 ? 'active' : x < 0.9 ? 'requested' : x < 0.94 ? 'revoked' : x < 0.97 ? 'expired' : 'rejected';
      const y = rnd();
      const origin = y < 0.9 ? 'link' : y < 0.95 ? 'consent' : 'wholesale';
      D.id.push(newId('dlg'));
      D.partner.push(partnerIds[p]);
      D.tenant.push(tenantIds[t]);
      D.origin.push(origin);
      D.role.push(origin === 'wholesale' ? 'WHOLESALE' : LINK_ROLES[Math.floor(rnd() * LINK_ROLES.length)]);
      D.scopes.push(origin === 'consent' ? '["billing.*","orders.read"]' : null);
      D.bans.push(rnd() < 0.2 ? `["${banIds[t]}"]` : null);
      D.overrides.push(rnd() < 0.1 ? '{"grant":["orders.read"],"deny":["billing.invoices.export"]}' : '{"grant":[],"deny":[]}');
      D.status.push(status);
      D.client.push(origin === 'consent' ? 'cli_bench' : null);
      D.decidedBy.push(origin !== 'wholesale' && status !== 'requested' ? tenantUser[t] : null);
      D.distributor.push(isReseller(p) && origin !== 'consent' && rnd() < 0.3 ? 1 : 0);
      if (D.id.length >= CHUNK) await flushDelegations();
    }
    made += n;
}
await flushDelegations();
}
const fillMs = performance.now() - tFill;
const dbSize = (await owner.query<{ s: string }>('select pg_size_pretty(pg_database_size(current_database())) as s')).rows[0].s;
console.log(`world written in ${(fillMs / 1000).toFixed(1)} s: ${PARTNERS.toLocaleString('en')} partners, ${TENANTS.toLocaleString('en')} tenants, ${made.toLocaleString('en')} delegations (database ${dbSize}; load average ${load()})`);

// ---- the database's share: every delegation row, read as the loader reads it ---------------------

async function readDelegations(): Promise<number> {
  const t = performance.now();
  let read = 0;
  await owner.query('begin read only');
  await owner.query(
    'declare bench_read no scroll cursor for select id, partner_id, tenant_id, origin, role, scopes, ban_ids, overrides, status, starts_at, ends_at, client_id, decided_by, distributor_access from delegations order by id',
  );
  for (;;) {
    const { rows } = await owner.query<{ id: string }>('fetch forward 20000 from bench_read');
    read += rows.length;
    if (rows.length < 20_000) break;
  }
  await owner.query('commit');
  if (read !== made) throw new Error(`read ${read} delegations of ${made}`);
  return performance.now() - t;
}

// ---- instances ------------------------------------------------------------------------------------

interface Instance {
  url: string;
  proc: ChildProcess;
  stderr: () => string;
  stop(): Promise<void>;
}
const processes = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of processes) if (p.exitCode === null) p.kill('SIGKILL');
});

async function spawnInstance(profile: boolean): Promise<Instance> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    HOST: '127.0.0.1',
    PORT: String(port),
    PUBLIC_URL: url,
    SECRET_KEY: TEST_SECRET,
    LOG_LEVEL: 'warn',
    DATA_DIR: database.dataDir,
    DATABASE_URL: database.databaseUrl!,
    ...(REDIS_URL ? { REDIS_URL, REDIS_KEY_PREFIX: `pgs:${process.pid}:` } : {}),
  };
  const args = profile && cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${cpuProf}`] : [];
  const proc = spawn(process.execPath, [...args, path.join(root, 'src/main.ts'), 'serve'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  processes.add(proc);
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  return {
    url,
    proc,
    stderr: () => stderr,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls /healthz and /readyz every 50 ms from spawn; the ms from spawn to the first 200 of each. */
async function timeStart(i: Instance, t0: number): Promise<{ healthz_ms: number; readyz_ms: number }> {
  let healthz = 0;
  let readyz = 0;
  const ok = (p: string) => fetch(i.url + p).then((r) => r.status === 200, () => false);
  while (readyz === 0 || healthz === 0) {
    if (i.proc.exitCode !== null) throw new Error(`instance exited: ${i.stderr()}`);
    if (performance.now() - t0 > 300_000) throw new Error(`instance not ready after 300 s: ${i.stderr()}`);
    const [h, r] = await Promise.all([healthz ? true : ok('/healthz'), readyz ? true : ok('/readyz')]);
    const at = performance.now() - t0;
    if (h && !healthz) healthz = at;
    if (r && !readyz) readyz = at;
    if (!h || !r) await new Promise((res) => setTimeout(res, 50));
  }
  return { healthz_ms: ms(healthz), readyz_ms: ms(readyz) };
}

const rounds: { round: number; healthz_ms: number; readyz_ms: number; db_read_ms: number; loadavg: string }[] = [];
for (let r = 1; r <= ROUNDS; r++) {
  const dbRead = await readDelegations();
  const t0 = performance.now();
  const inst = await spawnInstance(true);
  const t = await timeStart(inst, t0);
  await inst.stop();
  rounds.push({ round: r, ...t, db_read_ms: ms(dbRead), loadavg: load() });
  console.log(`round ${r}: /healthz 200 after ${(t.healthz_ms / 1000).toFixed(2)} s, /readyz 200 after ${(t.readyz_ms / 1000).toFixed(2)} s ${t.readyz_ms <= TARGET_MS ? '✓' : '✗'} (reading the delegations alone: ${(dbRead / 1000).toFixed(2)} s; load average ${load()})`);
}

// ---- a second instance while the first serves a steady load ---------------------------------------

const first = await spawnInstance(false);
await timeStart(first, performance.now());
const client = await new HttpClient(first.url).login(loadEmail, loadPassword);
type Phase = 'before' | 'during' | 'after';
let phase: Phase = 'before';
const stats: Record<Phase, { ok: number; failed: number; lat: number[]; firstError: string | null }> = {
  before: { ok: 0, failed: 0, lat: [], firstError: null },
  during: { ok: 0, failed: 0, lat: [], firstError: null },
  after: { ok: 0, failed: 0, lat: [], firstError: null },
};
let running = true;
const loops = Array.from({ length: CONCURRENCY }, async () => {
  while (running) {
    const t = performance.now();
    // counted in the phase it ends in
    let s = stats[phase];
    try {
      const res = await fetch(first.url + '/api/v1/me', { headers: { cookie: client.cookie } });
      await res.arrayBuffer();
      s = stats[phase];
      if (res.status === 200) s.ok++;
      else {
        s.failed++;
        s.firstError ??= `HTTP ${res.status}`;
      }
    } catch (e) {
      s = stats[phase];
      s.failed++;
      s.firstError ??= String(e);
    }
    s.lat.push(performance.now() - t);
  }
});
const waitMs = (n: number) => new Promise((res) => setTimeout(res, n));
await waitMs(3000);
phase = 'during';
const t2 = performance.now();
const second = await spawnInstance(false);
const secondStart = await timeStart(second, t2);
phase = 'after';
await waitMs(3000);
running = false;
await Promise.all(loops);
const onSecond = await fetch(second.url + '/api/v1/me', { headers: { cookie: client.cookie } }).then((r) => r.status);
await second.stop();
await first.stop();
await owner.end();
if (keep) console.log(`the database is kept: BENCH_DATABASE=${dbName}`);
else await database.drop();

const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? Number(s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1)) : null;
};
const phaseFigures = (p: Phase) => ({ requests: stats[p].ok + stats[p].failed, failed: stats[p].failed, p50_ms: pct(stats[p].lat, 0.5), p99_ms: pct(stats[p].lat, 0.99), first_error: stats[p].firstError });
const failed = stats.before.failed + stats.during.failed + stats.after.failed;
console.log('');
for (const p of ['before', 'during', 'after'] as const) {
  const f = phaseFigures(p);
  console.log(`steady load ${p.padEnd(6)} the second start: ${f.requests.toLocaleString('en')} requests, ${f.failed} failed, p50 ${f.p50_ms} ms, p99 ${f.p99_ms} ms`);
}
console.log(`second instance ready after ${(secondStart.readyz_ms / 1000).toFixed(2)} s under the load; the same session answered there: ${onSecond}`);
const sortedReady = rounds.map((r) => r.readyz_ms).sort((a, b) => a - b);
const result = {
  bench: 'startup',
  database: 'postgres',
  redis: REDIS_URL !== null,
  partners: PARTNERS,
  tenants: TENANTS,
  delegations: made,
  fill_ms: ms(fillMs),
  database_size: dbSize,
  rounds,
  readyz_median_ms: sortedReady[Math.floor(sortedReady.length / 2)],
  target_ms: TARGET_MS,
  second_instance: { readyz_ms: secondStart.readyz_ms, same_session_status: onSecond, failed_requests: failed, before: phaseFigures('before'), during: phaseFigures('during'), after: phaseFigures('after') },
  cpus: cpus().length,
  free_mb: Math.round(freemem() / 1048576),
  loadavg: load(),
  node: process.version,
};
console.log(JSON.stringify(result));
process.exitCode = failed === 0 && onSecond === 200 ? 0 : 1;
