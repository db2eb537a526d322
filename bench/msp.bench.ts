/**
 * npm run bench:msp — the consolidated MSP API at 1,000 tenants.
 *
 * World: one MSP (managed_services) with an active MSP_FULL link to each of 1,000 tenants; each
 * tenant has 5 billing accounts with 24 months of invoices (120,000), 24 months of SLA and usage
 * records per account (120,000 each) and 5 tickets (5,000). Rows are inserted in the database's
 * own shape; the decision snapshot is then reloaded.
 *
 * Measures, through the app's full HTTP stack in-process (Fastify inject: routing, session,
 * rate limit, decisions, queries, serialization — no socket), as a partner staff member:
 *  - p50/p95 (ms) of the first page of every consolidated endpoint, BENCH_REQUESTS (30) each
 *    after 3 warm-up requests;
 *  - a 100,000-invoice CSV export run as a job: seconds to finish, and the process's peak RSS
 *    during it over the RSS before it (MB) — the export streams, so memory should stay flat.
 * BENCH_ONLY=<part of a path>: only those endpoints, no export.
 * Targets: p95 ≤ 200 ms per endpoint (the MSP workspace's success metric); flat memory for the export.
 * The last line is one JSON object.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { cpus, loadavg } from 'node:os';
import { loadConfig } from '../src/config/config.ts';
import { buildApp } from '../src/app/build-app.ts';
import { mutate } from '../src/platform/db/database.ts';
import { asSystem } from '../src/platform/db/db-context.ts';
import { systemContext } from '../src/platform/http/request-context.ts';
import { newId } from '../src/platform/ids.ts';
import { openBenchDatabase } from './bench-db.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 1000);
const BANS = 5;
const MONTHS = 24;
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 30);

const bench = await openBenchDatabase();
const config = loadConfig({}, {
  DATA_DIR: bench.dataDir,
  SECRET_KEY: randomBytes(32).toString('base64url'),
  LOG_LEVEL: 'silent',
  SCRYPT_COST: '10',
  PUBLIC_URL: 'http://127.0.0.1:1',
  RATE_LIMITS: JSON.stringify({ read: 1_000_000, write: 1_000_000, export: 1_000_000, default: 1_000_000 }),
  ...(bench.databaseUrl ? { DATABASE_URL: bench.databaseUrl } : {}),
});
const app = await buildApp({ config, db: bench.db, redis: null, logger: false });
await app.ready();
const s = app.services;
const ctx = systemContext('bench-msp');
const t0 = Date.now();

const email = `staff-${randomBytes(3).toString('hex')}@bench.test`;
const password = 'bench staff password 1';
const partnerId = await asSystem(async () => {
  const { partner } = await s.partners.apply(ctx, { name: 'Bench MSP', slug: `bench-msp-${randomBytes(3).toString('hex')}`, contact_email: `o-${email}`, owner: { name: 'Owner', email: `o-${email}`, password } });
  await s.partners.transition(ctx, partner.id, 'approve', { capabilities: ['managed_services'] });
  await mutate(bench.db, async (trx) => {
    const uid = await s.identity.createUser(trx, { email, name: 'Staff', password });
    await s.partners.addMember(trx, { scopeId: partner.id, userId: uid, role: 'PARTNER_STAFF', invitedBy: null, invitationId: null }, null);
  });
  return partner.id;
});

// ---- the world, in bulk --------------------------------------------------------------------------
const now = new Date();
const iso = (d: Date) => d.toISOString();
const month = (back: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - back, 1));
const ends = iso(new Date(now.getTime() + 365 * 86_400_000));
let seed = 0x51ed;
const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
const db = bench.db.kysely;
async function insert(table: 'tenants' | 'billing_accounts' | 'delegations' | 'invoices' | 'sla_records' | 'usage_records' | 'support_tickets', rows: Record<string, unknown>[]) {
  for (let i = 0; i < rows.length; i += 400) await db.insertInto(table).values(rows.slice(i, i + 400) as never).execute();
}
await asSystem(async () => {
  for (let t = 0; t < TENANTS; t += 100) {
    const tenants = [], bans = [], dlgs = [], invoices = [], sla = [], usage = [], tickets = [];
    for (let k = t; k < Math.min(TENANTS, t + 100); k++) {
      const tid = newId('tnt');
      tenants.push({ id: tid, slug: `bench-${k}-${tid.slice(-6)}`, name: `Customer ${String(k).padStart(4, '0')}`, status: 'active', tier: 'business', referred_by_partner_id: null, invite_code: null, created_by: null, created_at: iso(now), updated_at: iso(now) });
      dlgs.push({ id: newId('dlg'), partner_id: partnerId, tenant_id: tid, origin: 'link', role: 'MSP_FULL', scopes: null, ban_ids: null, overrides: '{"grant":[],"deny":[]}', status: 'active', justification: 'bench', starts_at: iso(month(30)), ends_at: ends, client_id: null, bill_to_ban_id: null, requested_by: null, requested_at: iso(month(30)), decided_by: null, decided_at: iso(month(30)), revoked_by: null, revoked_at: null, revoke_reason: null, renewal_ends_at: null, last_used_at: null, created_at: iso(month(30)), updated_at: iso(month(30)) });
      for (let b = 0; b < BANS; b++) {
        const bid = newId('ban');
        bans.push({ id: bid, tenant_id: tid, account_number: `B${k}-${b}-${bid.slice(-5)}`, name: `Account ${b + 1}`, status: 'active', currency: 'USD', created_at: iso(now), updated_at: iso(now) });
        for (let m = 1; m <= MONTHS; m++) {
          const p = iso(month(m)).slice(0, 7);
          const total = 50_000 + Math.floor(rnd() * 500_000);
          const st = m === 1 ? 'open' : m === 2 && rnd() < 0.3 ? 'overdue' : 'paid';
          invoices.push({ id: newId('ivc', month(m).getTime() + k * 10 + b), tenant_id: tid, ban_id: bid, number: `INV-${k}-${b}-${p}`, period: p, issued_at: iso(new Date(month(m - 1).getTime() + 2 * 86_400_000)), due_at: iso(new Date(month(m - 1).getTime() + 32 * 86_400_000)), currency: 'USD', subtotal_cents: total, tax_cents: Math.round(total * 0.08), total_cents: total + Math.round(total * 0.08), balance_cents: st === 'paid' ? 0 : total + Math.round(total * 0.08), status: st, paid_at: st === 'paid' ? iso(month(m - 1)) : null, created_at: iso(month(m - 1)) });
          const achieved = rnd() < 0.1 ? 99.5 + rnd() * 0.39 : 99.9 + rnd() * 0.1;
          sla.push({ id: newId('sla'), tenant_id: tid, ban_id: bid, service_id: null, period: p, target_pct: 99.9, achieved_pct: Math.round(achieved * 1000) / 1000, downtime_minutes: Math.round((100 - achieved) * 432), incidents: achieved < 99.9 ? 1 : 0, status: achieved < 99.9 ? 'breached' : 'met', recorded_at: iso(month(m - 1)) });
          usage.push({ id: newId('use'), tenant_id: tid, ban_id: bid, service_id: null, period: p, metric: 'data_gb', quantity: Math.round(rnd() * 5000), amount_cents: Math.round(rnd() * 100_000), currency: 'USD', recorded_at: iso(month(m - 1)) });
        }
      }
      for (let j = 0; j < 5; j++) {
        const id = newId('tkt');
        tickets.push({ id, tenant_id: tid, ban_id: null, number: `TCK-${id.slice(-8).toUpperCase()}`, subject: `Issue ${j} at site ${k}`, description: 'bench', category: 'technical', priority: ['low', 'normal', 'high', 'urgent'][j % 4], status: j < 3 ? 'open' : 'resolved', assignee: null, comments: '[]', opened_by_type: 'system', opened_by_user_id: null, opened_by_client_id: null, opened_by_partner_id: null, delegation_id: null, created_at: iso(month(j)), updated_at: iso(month(j)), resolved_at: j < 3 ? null : iso(now) });
      }
    }
    await insert('tenants', tenants);
    await insert('billing_accounts', bans);
    await insert('delegations', dlgs);
    await insert('invoices', invoices);
    await insert('sla_records', sla);
    await insert('usage_records', usage);
    await insert('support_tickets', tickets);
  }
  await s.authz.load();
});
// PostgreSQL: statistics and the visibility map, as autovacuum leaves them a minute after a bulk
// load like this one (without them the planner guesses row counts and reads the heap for every row)
if (bench.label === 'postgres' && bench.ownerUrl) {
  const c = new pg.Client({ connectionString: bench.ownerUrl });
  await c.connect();
  await c.query('vacuum analyze');
  await c.end();
}
const seedSeconds = (Date.now() - t0) / 1000;

// ---- measurements --------------------------------------------------------------------------------
const login = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { email, password } });
if (login.statusCode !== 200) throw new Error(`login failed: ${login.statusCode} ${login.body}`);
const cookie = (login.headers['set-cookie'] as string[] | string | undefined);
const cookieHeader = (Array.isArray(cookie) ? cookie : [cookie ?? '']).map((c) => c.split(';')[0]).join('; ');
const csrf = (login.json() as { csrf_token: string }).csrf_token;

const ALL_ENDPOINTS = [
  '/api/v1/partner/customers',
  '/api/v1/partner/customers/figures',
  // the customer list's figures sorted by one of them: that figure read for every customer, then a page
  '/api/v1/partner/customers/figures?sort=-overdue_cents',
  '/api/v1/partner/customers/figures?sort=tenant_name',
  '/api/v1/partner/dashboard',
  '/api/v1/partner/billing/summary',
  '/api/v1/partner/billing/invoices',
  '/api/v1/partner/support/tickets',
  '/api/v1/partner/reports/usage',
  '/api/v1/partner/reports/sla',
  '/api/v1/partner/alerts/sla',
  '/api/v1/partner/alerts/billing',
  '/api/v1/partner/alerts',
];
// BENCH_ONLY=customers measures only the endpoints whose path holds it (and leaves the export out)
const ONLY = process.env.BENCH_ONLY;
const ENDPOINTS = ONLY ? ALL_ENDPOINTS.filter((u) => u.includes(ONLY)) : ALL_ENDPOINTS;
const pct = (xs: number[], p: number) => {
  const a = [...xs].sort((x, y) => x - y);
  return Math.round(a[Math.min(a.length - 1, Math.floor((p / 100) * a.length))] * 10) / 10;
};
const results: Record<string, { p50_ms: number; p95_ms: number; first_ms: number; total: number | null }> = {};
for (const url of ENDPOINTS) {
  const times: number[] = [];
  let total: number | null = null;
  let first = 0;
  for (let i = 0; i < REQUESTS + 3; i++) {
    const a = performance.now();
    // a sorted list is paged through (a page of 50 further each time); its first page reads the figure for every customer
    const r = await app.inject({ method: 'GET', url: url.includes('sort=') ? `${url}&offset=${(i * 50) % TENANTS}` : url, headers: { cookie: cookieHeader } });
    const ms = performance.now() - a;
    if (i === 0) first = Math.round(ms * 10) / 10;
    if (r.statusCode !== 200) throw new Error(`${url}: ${r.statusCode} ${r.body.slice(0, 200)}`);
    if (i === 0) total = (r.json() as { total?: number }).total ?? null;
    if (i >= 3) times.push(ms);
  }
  results[url.replace('/api/v1/partner', '') || '/'] = { p50_ms: pct(times, 50), p95_ms: pct(times, 95), first_ms: first, total };
  await s.gateway.auditBuffer.flush();
}

// the 100,000-invoice export, as a job
const exportPeriods = { period_from: iso(month(20)).slice(0, 7), period_to: iso(month(1)).slice(0, 7) };
global.gc?.();
const rssBefore = process.memoryUsage().rss;
let rssPeak = rssBefore;
const sampler = setInterval(() => {
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
}, 20);
const e0 = performance.now();
const started = ONLY ? null : await app.inject({ method: 'POST', url: '/api/v1/partner/billing/invoices/export', headers: { cookie: cookieHeader, 'x-csrf-token': csrf }, payload: { format: 'csv', mode: 'job', ...exportPeriods } });
if (started && started.statusCode !== 202) throw new Error(`export: ${started.statusCode} ${started.body.slice(0, 300)}`);
const job = started && (started.json() as { job: { id: string; total_rows: number } }).job;
await s.invoiceExports.settle();
const exportSeconds = (performance.now() - e0) / 1000;
clearInterval(sampler);
const done = job && (await app.inject({ method: 'GET', url: `/api/v1/partner/exports/${job.id}`, headers: { cookie: cookieHeader } }));
const jobState = (done?.json() ?? { status: 'not run', rows_done: 0 }) as { status: string; rows_done: number };

await app.close();
// BENCH_KEEP=1 keeps the world (its SQLite file or PostgreSQL database) to look at query plans afterwards
if (process.env.BENCH_KEEP) console.log(`kept: ${bench.ownerUrl ?? bench.dataDir}`);
else await bench.drop();

const worst = Math.max(...Object.values(results).map((r) => r.p95_ms));
console.log(`\nconsolidated MSP API — ${TENANTS} tenants × ${BANS} accounts × ${MONTHS} months (${bench.label}); world built in ${seedSeconds.toFixed(1)} s`);
console.log('endpoint'.padEnd(22) + 'p50 ms'.padStart(9) + 'p95 ms'.padStart(9) + 'first ms'.padStart(10) + '   total');
for (const [k, v] of Object.entries(results)) console.log(k.padEnd(22) + String(v.p50_ms).padStart(9) + String(v.p95_ms).padStart(9) + String(v.first_ms).padStart(10) + '   ' + (v.total ?? ''));
console.log(`export: ${jobState.rows_done.toLocaleString('en-US')} invoices as CSV (${jobState.status}) in ${exportSeconds.toFixed(2)} s; peak RSS +${((rssPeak - rssBefore) / 1048576).toFixed(1)} MB over ${(rssBefore / 1048576).toFixed(0)} MB`);
console.log(`target p95 ≤ 200 ms: ${worst <= 200 ? 'met' : 'MISSED'} (worst ${worst} ms) · machine: ${cpus().length} cores, load ${loadavg()[0].toFixed(2)}`);
console.log(JSON.stringify({ bench: 'msp', db: bench.label, tenants: TENANTS, invoices: TENANTS * BANS * MONTHS, endpoints: results, worst_p95_ms: worst, target_p95_ms: 200, export: { rows: jobState.rows_done, status: jobState.status, seconds: Math.round(exportSeconds * 100) / 100, peak_rss_delta_mb: Math.round(((rssPeak - rssBefore) / 1048576) * 10) / 10, rss_before_mb: Math.round(rssBefore / 1048576) }, load1: loadavg()[0] }));
process.exit(0);
