/**
 * npm run bench:rls — what the row-level-security context costs one statement, on PostgreSQL
 * (DATABASE_URL, required): the same indexed read of one tenant's billing accounts, one at a time,
 * measured in interleaved rounds so the machine's load hits every variant alike:
 *  - plain:      no context — what every statement cost before the wall (as the owner, RLS bypassed);
 *  - context:    the tenant's context as the app sends it: one simple-protocol message holding
 *                the set_config and the statement (its parameters inlined), one implicit transaction;
 *  - context_pipelined: the path for parameters that do not inline (a Date here): begin + context,
 *                the statement with its parameters and commit, written together on the pipelining
 *                connection;
 *  - context_unwalled_table: a read of a table outside the wall in the same context: sent as is;
 * and a write transaction (mutate: the write lock, one insert, commit) before and after the lock
 * moved into the BEGIN message. Prints a table, then one JSON object on the last line (µs, medians).
 */
import { randomBytes } from 'node:crypto';
import { Kysely, sql } from 'kysely';
import pg from 'pg';
import { ContextPostgresDialect } from '../src/platform/db/pg-context-dialect.ts';
import { mutate, type Db } from '../src/platform/db/database.ts';
import { tenantContext, withDbContext } from '../src/platform/db/db-context.ts';
import type { Database } from '../src/platform/db/schema.ts';
import { openBenchDatabase } from './bench-db.ts';

if (!process.env.DATABASE_URL) throw new Error('bench:rls needs DATABASE_URL (PostgreSQL)');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 20);
const PER_ROUND = Number(process.env.BENCH_PER_ROUND ?? 100);

const bench = await openBenchDatabase(2);
const appUrl = bench.databaseUrl!;
const ownerUrl = bench.ownerUrl!;

const dbOf = (url: string, pipeline: boolean): Db => {
  const pool = new pg.Pool({ connectionString: url, max: 1, pipeline });
  const kysely = new Kysely<Database>({ dialect: new ContextPostgresDialect(pool) });
  return { kysely, dialect: 'postgres', ping: async () => true, close: () => kysely.destroy() };
};
const plain = dbOf(ownerUrl, false);
const piped = dbOf(appUrl, true);

// one tenant with three accounts among 200 tenants' (as the system)
const now = new Date().toISOString();
let tenantId = '';
await mutate(bench.db, async (trx) => {
  for (let i = 0; i < 200; i++) {
    const id = `tnt_bench${i}_${randomBytes(4).toString('hex')}`;
    if (i === 0) tenantId = id;
    await trx.insertInto('tenants').values({ id, slug: `bench-rls-${i}-${id.slice(-8)}`, name: `T${i}`, status: 'active', tier: 'standard', referred_by_partner_id: null, invite_code: null, created_by: null, created_at: now, updated_at: now }).execute();
    for (let b = 0; b < 3; b++) {
      await trx.insertInto('billing_accounts').values({ id: `ban_${id}_${b}`, tenant_id: id, account_number: `BAN-${id}-${b}`, name: 'x', status: 'active', currency: 'USD', created_at: now, updated_at: now }).execute();
    }
  }
});

const read = (db: Db) => db.kysely.selectFrom('billing_accounts').selectAll().where('tenant_id', '=', tenantId).execute();
const variants: Record<string, () => Promise<unknown>> = {
  plain: () => read(plain),
  context: () => withDbContext(tenantContext(tenantId), () => read(piped)),
  // a Date parameter does not inline: the pipelined begin/statement/commit path
  context_pipelined: () => withDbContext(tenantContext(tenantId), () => piped.kysely.selectFrom('billing_accounts').selectAll().where('tenant_id', '=', tenantId).where('created_at', '<', new Date(Date.now() + 86_400_000) as unknown as string).execute()),
  context_unwalled_table: () => withDbContext(tenantContext(tenantId), () => piped.kysely.selectFrom('tenants').selectAll().where('id', '=', tenantId).execute()),
  write_lock_statement: () =>
    plain.kysely.transaction().execute(async (trx) => {
      await sql`select pg_advisory_xact_lock(727001)`.execute(trx);
      await sql`insert into change_events (entity, entity_id, created_at) values ('bench', 'x', ${now})`.execute(trx);
    }),
  write_lock_in_begin: () => withDbContext(tenantContext(tenantId), () => mutate(piped, async (trx) => void (await sql`insert into change_events (entity, entity_id, created_at) values ('bench', 'x', ${now})`.execute(trx)))),
};
const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
// sanity: the context sees the tenant's three accounts; plain sees them too (as the owner)
const seen = (await variants.context()) as unknown[];
if (seen.length !== 3) throw new Error(`the context read saw ${seen.length} rows`);
for (let r = 0; r < ROUNDS; r++) {
  for (const [name, fn] of Object.entries(variants)) {
    for (let i = 0; i < PER_ROUND; i++) {
      const t0 = performance.now();
      await fn();
      samples[name].push((performance.now() - t0) * 1000);
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.99)];
const out: Record<string, number> = {};
process.stdout.write(`row-level-security context cost on PostgreSQL (${ROUNDS} × ${PER_ROUND} per variant, interleaved)\n`);
for (const [name, xs] of Object.entries(samples)) {
  out[`${name}_p50_us`] = Math.round(median(xs));
  process.stdout.write(`${name.padEnd(22)} p50 ${String(Math.round(median(xs))).padStart(6)} µs   p99 ${String(Math.round(p99(xs))).padStart(6)} µs\n`);
}
await Promise.all([plain.close(), piped.close()]);
await bench.drop();
process.stdout.write('\n' + JSON.stringify(out) + '\n');
