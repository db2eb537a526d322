/**
 * npm run bench:program — the partner program's earnings computation on a referral
 * partner with 10,000 referred tenants × 24 months of paid invoices (BENCH_TENANTS, BENCH_MONTHS):
 *  - full_s:  a full recomputation from nothing (every month: 240,000 commission lines — one per
 *    customer and month of payment, with its invoices — + 10,000 bounties);
 *  - month_s: one incremental month (a 25th month's 10,000 new invoices, and the refund sweep of the others);
 *  - rerun_s: the full computation again (idempotent: nothing to write);
 *  - peak_mb: the process's peak resident memory while computing (streamed page by page, so it
 *    does not grow with the number of invoices).
 * SQLite by default; DATABASE_URL for PostgreSQL. The last line is one JSON object.
 */
import { buildApp } from '../src/app/build-app.ts';
import { mutate } from '../src/platform/db/database.ts';
import { newId } from '../src/platform/ids.ts';
import { systemContext } from '../src/platform/http/request-context.ts';
import { testConfig } from '../test/helpers/config.ts';
import { openBenchDatabase } from './bench-db.ts';

const TENANTS = Number(process.env.BENCH_TENANTS ?? 10_000);
const MONTHS = Number(process.env.BENCH_MONTHS ?? 24);
const BATCH = 500;

const bench = await openBenchDatabase(4);
const app = await buildApp({ config: testConfig(bench.databaseUrl ? { DATABASE_URL: bench.databaseUrl } : {}, bench.dataDir), db: bench.db, logger: false });
await app.ready();
const s = app.services;
const ctx = systemContext('bench-program');
const k = bench.db.kysely;

const log = (m: string) => process.stdout.write(`${m}\n`);
const period = (back: number) => {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
};

// ---- the world: one referral partner, its code, an approved agreement, TENANTS referred tenants ----
const t0 = Date.now();
const { partner } = await s.partners.apply(ctx, { name: 'Bench Referrals', slug: 'bench-referrals', contact_email: 'bench@example.test', owner: { name: 'Bench Owner', email: 'bench-owner@example.test', password: 'bench password 1234567' } });
await s.partners.transition(ctx, partner.id, 'approve', { capabilities: ['referral'] });
const now = new Date().toISOString();
await k.insertInto('referral_codes').values({ code: 'BENCH-0001', partner_id: partner.id, label: null, landing_note: null, status: 'active', created_by: null, created_at: now, updated_at: now }).execute();
await k
  .insertInto('program_agreements')
  .values({ id: newId('agr'), partner_id: partner.id, version: 1, title: 'Bench', terms_markdown: 'Bench', percent_bps: 1_000, bounty_minor: 5_000, months: MONTHS + 12, payout_threshold_minor: 0, currency: 'EUR', effective_date: '2000-01-01', status: 'approved', created_by: null, created_at: now, signed_by: null, signed_full_name: 'Bench', signed_at: now, signed_ip: null, signed_user_agent: null, signed_sha256: 'x', approved_by: null, approved_at: now, superseded_at: null })
  .execute();
const signedUp = `${period(MONTHS)}-05T10:00:00.000Z`;
const tenantIds: string[] = [];
const banOf = new Map<string, string>();
for (let i = 0; i < TENANTS; i += BATCH) {
  const ids = Array.from({ length: Math.min(BATCH, TENANTS - i) }, () => newId('tnt'));
  await mutate(bench.db, async (trx) => {
    await trx.insertInto('tenants').values(ids.map((id, j) => ({ id, slug: `bench-${i + j}`, name: `Bench customer ${i + j}`, status: 'active' as const, tier: 'standard', referred_by_partner_id: partner.id, invite_code: null, created_by: null, created_at: signedUp, updated_at: signedUp }))).execute();
    await trx.insertInto('referral_attributions').values(ids.map((id) => ({ tenant_id: id, partner_id: partner.id, code: 'BENCH-0001', attributed_at: signedUp, source: 'signup' as const }))).execute();
    const bans = ids.map((id) => ({ id: newId('ban'), tenant_id: id, account_number: `BAN-${id}`, name: 'Main', status: 'active' as const, currency: 'EUR', created_at: signedUp, updated_at: signedUp }));
    await trx.insertInto('billing_accounts').values(bans).execute();
    for (const b of bans) banOf.set(b.tenant_id, b.id);
  });
  tenantIds.push(...ids);
}
let seq = 0;
async function invoicesFor(back: number): Promise<void> {
  const p = period(back);
  for (let i = 0; i < tenantIds.length; i += BATCH) {
    const rows = tenantIds.slice(i, i + BATCH).map((tid, j) => {
      const sub = 10_000 + ((i + j) % 97) * 137 + back;
      return { id: newId('inv'), tenant_id: tid, ban_id: banOf.get(tid)!, number: `B-${seq++}`, period: p, issued_at: `${p}-28T00:00:00.000Z`, due_at: `${p}-28T00:00:00.000Z`, currency: 'EUR', subtotal_cents: sub, tax_cents: 0, total_cents: sub, balance_cents: 0, status: 'paid' as const, paid_at: `${p}-28T00:00:00.000Z`, created_at: `${p}-28T00:00:00.000Z` };
    });
    await mutate(bench.db, (trx) => trx.insertInto('invoices').values(rows).execute());
  }
}
for (let back = MONTHS; back >= 1; back--) await invoicesFor(back);
log(`bench:program on ${bench.label}: ${TENANTS} referred tenants × ${MONTHS} months = ${TENANTS * MONTHS} paid invoices (set up in ${((Date.now() - t0) / 1000).toFixed(1)} s)`);

// ---- measurements -------------------------------------------------------------------------------
let peak = 0;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage().rss);
}, 25);
const timed = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const start = process.hrtime.bigint();
  const r = await fn();
  return [r, Number(process.hrtime.bigint() - start) / 1e9];
};

const [full, fullS] = await timed(() => s.program.computeEarnings(ctx, { partnerId: partner.id }));
log(`full recomputation: ${fullS.toFixed(2)} s (${full.created} lines created)`);
const [rerun, rerunS] = await timed(() => s.program.computeEarnings(ctx, { partnerId: partner.id }));
log(`full again (idempotent): ${rerunS.toFixed(2)} s (${rerun.created} created, ${rerun.updated} updated, ${rerun.reversed} reversed, ${rerun.unchanged} unchanged)`);
if (rerun.created + rerun.updated + rerun.reversed !== 0) throw new Error('a re-run changed lines');
await invoicesFor(0);
const [month, monthS] = await timed(() => s.program.computeEarnings(ctx, { partnerId: partner.id, period: period(0) }));
log(`one incremental month: ${monthS.toFixed(2)} s (${month.created} lines created)`);
clearInterval(sampler);
peak = Math.max(peak, process.memoryUsage().rss);

const lines = await k.selectFrom('program_earnings').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
if (Number(lines.n) !== TENANTS * (MONTHS + 1) + TENANTS) throw new Error(`expected ${TENANTS * (MONTHS + 1) + TENANTS} lines, found ${lines.n}`);

await app.close();
await bench.drop();
log(JSON.stringify({ full_s: Number(fullS.toFixed(2)), month_s: Number(monthS.toFixed(2)), rerun_s: Number(rerunS.toFixed(2)), peak_mb: Math.round(peak / 1_048_576), lines: Number(lines.n), db: bench.label }));
