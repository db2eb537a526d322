/**
 * npm run bench:authzen — the AuthZEN decision API over HTTP against a large world.
 *
 * World: BENCH_PARTNERS (10,000) partners, BENCH_TENANTS (100,000) tenants with one billing
 * account each, one person per partner, BENCH_DELEGATIONS (1,000,000) delegations (every status
 * and origin, some limited to the account), put into the running server's decision snapshot —
 * the in-memory state the request path reads — the way the change feed puts entries (the
 * database itself holds only the server's own rows: a million rows through SQLite would measure
 * the loader, which bench:authz covers).
 *
 * The server is the real app (buildApp, SQLite in a temp dir) listening on a port; the load comes
 * from this same process over HTTP keep-alive connections (undici), so the figures are what one
 * Node process serves while also generating its load — a lower bound on a server alone.
 * Callers are BENCH_CALLERS (200) partner apps — real partners and apps in the database, made
 * before the world — each with its own client-credentials token (authzen.evaluate) signed with the
 * authorization server's key; each asks about its own partner
 * or one of its people on tenants it is linked to (85%), on any tenant (10%), or on an account (5%).
 *
 * Phases, each BENCH_SECONDS (10) after a warm-up: single POST /access/v1/evaluation at
 * BENCH_CONCURRENCY (32) requests in flight; POST /access/v1/evaluations with batches of 100 at
 * BENCH_BATCH_CONCURRENCY (4). Reports decisions/s, requests/s and request latency p50/p99 for
 * each, as a table and one JSON line at the end.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { Pool } from 'undici';
import { SignJWT, importJWK, type JWK } from 'jose';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/platform/db/database.ts';
import { migrateToLatest } from '../src/platform/db/migrate.ts';
import { buildApp } from '../src/app/build-app.ts';
import { newId } from '../src/platform/ids.ts';
import { freePort } from './bench-db.ts';
import { systemContext } from '../src/platform/http/request-context.ts';

const PARTNERS = Number(process.env.BENCH_PARTNERS ?? 10_000);
const TENANTS = Number(process.env.BENCH_TENANTS ?? 100_000);
const DELEGATIONS = Number(process.env.BENCH_DELEGATIONS ?? 1_000_000);
const CALLERS = Math.min(PARTNERS, Number(process.env.BENCH_CALLERS ?? 200));
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 32);
const BATCH_CONCURRENCY = Number(process.env.BENCH_BATCH_CONCURRENCY ?? 4);
const BATCH = 100;
const PER_PARTNER = Math.ceil(DELEGATIONS / PARTNERS);
const DAY = 86_400_000;

// deterministic pseudo-random numbers (mulberry32), so runs are comparable
let seed = 0x5eed1234;
function rnd(): number {
  seed |= 0;
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const pick = <T>(xs: ArrayLike<T>): T => xs[Math.floor(rnd() * xs.length)];
const LINK_ROLES = ['MSP_FULL', 'MSP_BILLING', 'MSP_SUPPORT', 'MSP_PROVISIONING', 'AUDITOR'];
const ACTIONS = ['billing.invoices.read', 'billing.invoices.export', 'billing.summary.read', 'orders.read', 'orders.create', 'services.read', 'support.tickets.create', 'reports.usage.read', 'vouchers.issue'];

// ---- the server ---------------------------------------------------------------------------------

const dir = mkdtempSync(path.join(tmpdir(), 'pg-bench-authzen-'));
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
const config = loadConfig(
  {
    ...process.env,
    PORT: String(port),
    PUBLIC_URL: url,
    DATA_DIR: dir,
    DATABASE_URL: '',
    REDIS_URL: '',
    LOG_LEVEL: 'warn',
    SECRET_KEY: randomBytes(32).toString('base64url'),
    METRICS_TOKEN: '',
    OTEL_EXPORTER_OTLP_ENDPOINT: '',
  },
  {},
);
const db = openDatabase({ databaseUrl: null, dataDir: dir });
await migrateToLatest(db);
const app = await buildApp({ config, db, logger: false });
await app.listen({ port, host: '127.0.0.1' });
const s = app.services;
const snap = s.authz.snapshot;

// ---- the world, into the snapshot ---------------------------------------------------------------

const flat = (prefix: string) => Buffer.from(newId(prefix), 'latin1').toString('latin1');

// The asking partners are real: a partner and its client-credentials app in the database, as the
// decision API checks each token's app is still there (then from memory, as the gateway does).
const ctx = systemContext('bench');
const callerApps: { partnerId: string; clientId: string }[] = [];
for (let p = 0; p < CALLERS; p++) {
  const slug = `bench-pdp-${p}`;
  const { partner } = await s.partners.apply(ctx, { name: `Bench PDP ${p}`, slug, contact_email: `${slug}@example.test`, owner: { name: 'Owner', email: `${slug}@example.test`, password: `bench password ${p}` } });
  await s.partners.transition(ctx, partner.id, 'approve', { capabilities: ['managed_services', 'delegated', 'wholesale'] });
  const { app: pdp } = await s.apps.create(ctx, partner.id, { name: 'Decision point', grant_types: ['client_credentials'], scopes: ['authzen.evaluate'] });
  callerApps.push({ partnerId: partner.id, clientId: pdp.id });
}
await s.feed.kick();
const partnerIds = Array.from({ length: PARTNERS }, (_, i) => (i < CALLERS ? callerApps[i].partnerId : flat('ptr')));
const tenantIds = Array.from({ length: TENANTS }, () => flat('tnt'));
const banIds = Array.from({ length: TENANTS }, () => flat('ban'));
const personIds = partnerIds.map(() => flat('usr'));
const linked: Uint32Array[] = [];

const t0 = performance.now();
for (let i = 0; i < PARTNERS; i++) snap.putPartner({ id: partnerIds[i], status: i % 500 === 7 && i >= CALLERS ? 'suspended' : 'active', capabilities: ['managed_services', 'delegated', 'wholesale'] });
for (let i = 0; i < TENANTS; i++) {
  snap.putTenant({ id: tenantIds[i], status: i % 1000 === 5 ? 'suspended' : 'active' });
  snap.putBan({ id: banIds[i], tenantId: tenantIds[i], accountNumber: `BAN-${4_000_000_000 + i}`, status: 'active' });
}
for (let i = 0; i < PARTNERS; i++) snap.putUser({ id: personIds[i], status: 'active', partner: { partnerId: partnerIds[i], role: 'PARTNER_STAFF', status: 'active' } });
const now = Date.now();
let made = 0;
for (let p = 0; p < PARTNERS && made < DELEGATIONS; p++) {
  const mine = new Uint32Array(Math.min(PER_PARTNER, DELEGATIONS - made));
  const start = Math.floor(rnd() * TENANTS);
  const stride = 1 + Math.floor(rnd() * 997);
  for (let k = 0; k < mine.length; k++) {
    const t = (start + k * stride) % TENANTS;
    mine[k] = t;
    const x = rnd();
    const y = rnd();
    const origin = y < 0.9 ? 'link' : y < 0.95 ? 'consent' : 'wholesale';
    snap.putDelegation({
      id: flat('dlg'),
      partnerId: partnerIds[p],
      tenantId: tenantIds[t],
      origin,
      role: origin === 'wholesale' ? 'WHOLESALE' : pick(LINK_ROLES),
      scopes: origin === 'consent' ? ['billing.*', 'orders.read'] : null,
      banIds: rnd() < 0.2 ? [banIds[t]] : null,
      status: x < 0.85 ? 'active' : x < 0.9 ? 'requested' : x < 0.94 ? 'revoked' : x < 0.97 ? 'expired' : 'rejected',
      startsAt: now - 30 * DAY,
      endsAt: now + 365 * DAY,
      clientId: origin === 'consent' ? 'app_bench' : null,
    });
  }
  linked.push(mine);
  made += mine.length;
}
const buildMs = performance.now() - t0;

// ---- callers: one client-credentials token per partner app ---------------------------------------

const keys = s.oauth.keys;
const jwk = keys.providerJwks().keys.find((k) => k.kid === keys.current.kid) as JWK;
const key = await importJWK(jwk, keys.current.alg);
const tokens: string[] = [];
for (let p = 0; p < CALLERS; p++) {
  const clientId = callerApps[p].clientId;
  const iat = Math.floor(Date.now() / 1000);
  tokens.push(
    await new SignJWT({ client_id: clientId, partner_id: partnerIds[p], persona: 'wholesaler', scope: 'authzen.evaluate' })
      .setProtectedHeader({ alg: keys.current.alg, kid: keys.current.kid, typ: 'at+jwt' })
      .setIssuer(s.oauth.issuer)
      .setAudience(s.oauth.audience)
      .setSubject(clientId)
      .setJti(randomBytes(8).toString('hex'))
      .setIssuedAt(iat)
      .setExpirationTime(iat + 3600)
      .sign(key),
  );
}

/** One question of partner `p` (or its person), as a PEP asks it. */
function question(p: number) {
  const x = rnd();
  const subject = rnd() < 0.5 ? { type: 'partner', id: partnerIds[p] } : { type: 'user', id: personIds[p] };
  const action = { name: pick(ACTIONS) };
  if (x < 0.85) return { subject, action, resource: { type: 'tenant', id: tenantIds[pick(linked[p])] } };
  if (x < 0.95) return { subject, action, resource: { type: 'tenant', id: pick(tenantIds) } };
  const t = pick(linked[p]);
  return { subject, action, resource: { type: 'ban', id: banIds[t], properties: { tenant_id: tenantIds[t] } } };
}

// pre-built bodies, so the load generator spends its time on HTTP, not on JSON
const SINGLE = 4096;
const singles = Array.from({ length: SINGLE }, () => {
  const p = Math.floor(rnd() * CALLERS);
  return { auth: `Bearer ${tokens[p]}`, body: JSON.stringify(question(p)) };
});
const batches = Array.from({ length: 256 }, () => {
  const p = Math.floor(rnd() * CALLERS);
  return { auth: `Bearer ${tokens[p]}`, body: JSON.stringify({ evaluations: Array.from({ length: BATCH }, () => question(p)) }) };
});

// ---- load -----------------------------------------------------------------------------------------

const pool = new Pool(url, { connections: Math.max(CONCURRENCY, BATCH_CONCURRENCY), pipelining: 1 });

interface Phase {
  requests: number;
  decisions: number;
  allowed: number;
  errors: number;
  seconds: number;
  latencies: number[];
}

async function phase(pathName: string, bodies: { auth: string; body: string }[], inFlight: number, seconds: number, perRequest: number): Promise<Phase> {
  const r: Phase = { requests: 0, decisions: 0, allowed: 0, errors: 0, seconds, latencies: [] };
  const end = performance.now() + seconds * 1000;
  let i = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const q = bodies[i++ % bodies.length];
      const t = performance.now();
      const res = await pool.request({ path: pathName, method: 'POST', headers: { 'content-type': 'application/json', authorization: q.auth }, body: q.body });
      const text = await res.body.text();
      r.latencies.push(performance.now() - t);
      r.requests++;
      if (res.statusCode !== 200) {
        r.errors++;
        continue;
      }
      r.decisions += perRequest;
      r.allowed += text.split('"decision":true').length - 1;
    }
  };
  const t = performance.now();
  await Promise.all(Array.from({ length: inFlight }, worker));
  r.seconds = (performance.now() - t) / 1000;
  return r;
}

const pct = (xs: number[], q: number) => {
  const s2 = [...xs].sort((a, b) => a - b);
  return s2[Math.min(s2.length - 1, Math.floor(q * s2.length))] ?? 0;
};

await phase('/access/v1/evaluation', singles, CONCURRENCY, Math.min(2, SECONDS), 1);
await phase('/access/v1/evaluations', batches, BATCH_CONCURRENCY, Math.min(2, SECONDS), BATCH);
const single = await phase('/access/v1/evaluation', singles, CONCURRENCY, SECONDS, 1);
const batched = await phase('/access/v1/evaluations', batches, BATCH_CONCURRENCY, SECONDS, BATCH);

await pool.close();
await app.close();
rmSync(dir, { recursive: true, force: true });

const row = (p: Phase) => ({
  decisions_per_sec: Math.round(p.decisions / p.seconds),
  requests_per_sec: Math.round(p.requests / p.seconds),
  p50_ms: Number(pct(p.latencies, 0.5).toFixed(2)),
  p99_ms: Number(pct(p.latencies, 0.99).toFixed(2)),
  allowed_share: p.decisions ? Number((p.allowed / p.decisions).toFixed(2)) : 0,
  errors: p.errors,
});
const result = {
  bench: 'authzen',
  partners: PARTNERS,
  tenants: TENANTS,
  delegations: snap.delegations.size,
  snapshot_build_ms: Math.round(buildMs),
  callers: CALLERS,
  seconds: SECONDS,
  single: { concurrency: CONCURRENCY, ...row(single) },
  batch_100: { concurrency: BATCH_CONCURRENCY, ...row(batched) },
  cpus: cpus().length,
  loadavg_1m: Number(loadavg()[0].toFixed(2)),
};

console.log(`AuthZEN over HTTP — ${result.delegations.toLocaleString('en')} delegations, ${PARTNERS.toLocaleString('en')} partners, ${TENANTS.toLocaleString('en')} tenants (world built in ${result.snapshot_build_ms} ms)`);
console.log('phase                       decisions/s   requests/s   p50 ms   p99 ms   allowed   errors');
for (const [name, r] of [[`evaluation (×${CONCURRENCY})`, result.single], [`evaluations 100 (×${BATCH_CONCURRENCY})`, result.batch_100]] as const) {
  console.log(`${name.padEnd(26)} ${String(r.decisions_per_sec).padStart(12)} ${String(r.requests_per_sec).padStart(12)} ${r.p50_ms.toFixed(2).padStart(8)} ${r.p99_ms.toFixed(2).padStart(8)} ${r.allowed_share.toFixed(2).padStart(9)} ${String(r.errors).padStart(8)}`);
}
console.log(`load: ${result.loadavg_1m} (1 min) on ${result.cpus} cores; load generator in the same process`);
console.log(JSON.stringify(result));
