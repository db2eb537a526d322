/**
 * The second wall: PostgreSQL row-level security behind the application's checks.
 * Always PostgreSQL (a fresh database on DATABASE_URL's server, else the local one), whatever the
 * suite runs on: the wall is PostgreSQL's. The app connects as the non-owner role the harness
 * migrates for (test/helpers/db.ts); these tests take the application's checks out of the way —
 * repository calls with another tenant's id, no context at all, one pooled connection handed
 * from tenant to tenant — and look at what the database still lets through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql, type Kysely } from 'kysely';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../../src/app/build-app.ts';
import { enterDbContext, openDatabase, mutate, type Db } from '../../../src/platform/db/database.ts';
import { asSystem, withDbContext, tenantContext, type DbContext } from '../../../src/platform/db/db-context.ts';
import { inspectRole, wallProblems } from '../../../src/platform/db/db-roles.ts';
import { enableTenantRls, tablesMissingRls, tablesWithRls, tenantTables, WALLED_TABLES } from '../../../src/platform/db/rls.ts';
import { mapDbError } from '../../../src/platform/errors/db-errors.ts';
import { systemContext } from '../../../src/platform/http/request-context.ts';
import { newId } from '../../../src/platform/ids.ts';
import * as tenantsRepo from '../../../src/modules/tenants/tenants.repo.ts';
import * as resourcesRepo from '../../../src/modules/resources/resources.repo.ts';
import * as vouchersRepo from '../../../src/modules/vouchers/vouchers.repo.ts';
import * as agenciesRepo from '../../../src/modules/agencies/agencies.repo.ts';
import * as delegationViews from '../../../src/modules/delegations/delegation-views.ts';
import { seedResourceData } from '../../../src/modules/resources/resources.demo.ts';
import { DEMO_SOURCE_ID } from '../../../src/modules/datasources/index.ts';
import { createTestDb, APP_ROLE, type TestDb } from '../../helpers/db.ts';
import { testConfig } from '../../helpers/config.ts';
import { runCli } from '../../helpers/server-process.ts';
import { World, type TestPartner, type TestTenant } from '../../helpers/world.ts';
import { activeLink } from '../delegations/helpers.ts';
import { programRowsFor } from '../program/program-world.ts';

/** The tables behind the wall (the issue's thirteen); a new tenant table must join them (see the last test). */
const TENANT_TABLES = [...WALLED_TABLES];

let testDb: TestDb;
let app: FastifyInstance;
let world: World;
/** the app role's connection without the harness's ambient system context: exactly what production has */
let bare: Db;
let a: TestTenant;
let b: TestTenant;
let partner: TestPartner;
let linkA: string;

const ctx = systemContext('rls-test');

/** Rows of one tenant in every tenant table: members and BANs (world), resources, vouchers, an agency and its token, audit events. */
async function fill(t: TestTenant, partnerId: string): Promise<void> {
  const s = app.services;
  await fillPlans(t, partnerId);
  await fillMsp(t, partnerId);
  await seedResourceData({ db: s.db, clock: s.clock, audit: s.audit, listBillingAccounts: (id) => s.tenants.listBillingAccounts(id) }, ctx, { id: t.id, userIds: [t.admin.id] });
  await s.vouchers.issue(ctx, { tenantId: t.id, type: 'credit_10', billingAccountId: t.bans[0].id });
  // what a data source's external id became, and when it last synced the tenant (migration 0035)
  const at = new Date().toISOString();
  await s.db.kysely.insertInto('sync_records').values({ source_id: DEMO_SOURCE_ID, kind: 'invoice', external_id: `rls-${t.id}`, record_id: 'ivc_rls', tenant_id: t.id, version: 'n1', content_hash: 'x', deleted: 0, updated_at: at }).execute();
  await s.db.kysely.insertInto('sync_tenant_state').values({ source_id: DEMO_SOURCE_ID, tenant_id: t.id, kind: 'invoices', last_synced_at: at }).execute();
  // a customer a partner's month totals are kept over (migration 0046)
  await s.db.kysely.insertInto('partner_total_members').values({ tenant_id: t.id, partner_id: partnerId }).execute();
  const agency = await s.agencies.createAgency(ctx, t.id, { name: 'Agency' });
  await s.agencies.createToken(ctx, t.id, agency.id, { label: 'Front desk', form_config: { allowed_voucher_types: ['credit_10'] } });
}

/** A link's commitments and an alert on it (the MSP workspace, migration 0014). */
async function fillMsp(t: TestTenant, partnerId: string): Promise<void> {
  const s = app.services;
  const now = new Date().toISOString();
  await asSystem(async () => {
    const dlg = await s.db.kysely.selectFrom('delegations').select('id').where('tenant_id', '=', t.id).where('partner_id', '=', partnerId).executeTakeFirstOrThrow();
    await s.db.kysely.insertInto('link_commitments').values({ delegation_id: dlg.id, tenant_id: t.id, partner_id: partnerId, sla: '{}', alerts: '{}', threshold_cents: 0, threshold_currency: 'EUR', updated_at: now, updated_by: null }).execute();
    await s.db.kysely
      .insertInto('partner_alerts')
      .values({ id: newId('alr'), dedup_key: `rls:${t.id}`, partner_id: partnerId, tenant_id: t.id, delegation_id: dlg.id, kind: 'invoice_overdue', severity: 'warning', status: 'open', subject_id: null, period: null, message: 'rls test', amount_cents: null, currency: null, opened_at: now, last_seen_at: now, acknowledged_at: null, acknowledged_by: null, resolved_at: null, resolved_by: null, resolution: null, notified_at: null })
      .execute();
  });
}

/** A customer account, a KYC case with a document and a subscription of the tenant (plans, migration 0017). */
async function fillPlans(t: TestTenant, partnerId: string): Promise<void> {
  const s = app.services;
  const plan = await s.plans.createPlan(ctx, { name: `RLS ${t.id}`, description: '', features: [], limits: {}, price_minor: 100, currency: 'EUR', segments: ['company'], grace_days: 0, terms: 'Terms.' });
  const offer = await s.plans.allowPlan(ctx, partnerId, { plan_id: plan.id, min_price_minor: 0, max_price_minor: 1000 });
  const now = new Date().toISOString();
  const caseId = newId('kyc');
  await mutate(s.db, async (trx) => {
    await trx.insertInto('customer_accounts').values({ tenant_id: t.id, partner_id: partnerId, segment: 'company', kyc_status: 'pending', created_at: now, updated_at: now }).execute();
    await trx.insertInto('kyc_cases').values({ id: caseId, tenant_id: t.id, partner_id: partnerId, kind: 'company', details_enc: 'x', status: 'submitted', reason: null, submitted_by: t.admin.id, submitted_at: now, reviewed_by: null, reviewed_at: null }).execute();
    await trx.insertInto('kyc_documents').values({ id: newId('kdoc'), case_id: caseId, tenant_id: t.id, partner_id: partnerId, filename: 'a.pdf', content_type: 'application/pdf', size_bytes: 1, sha256: 'x', content_enc: 'x', created_at: now }).execute();
    await trx.insertInto('subscriptions').values({ id: newId('sub'), tenant_id: t.id, partner_id: partnerId, plan_id: plan.id, partner_plan_id: offer.id, status: 'signing', price_minor: 100, currency: 'EUR', terms_sha256: 'x', signed_by: null, signed_at: null, activated_at: null, suspended_at: null, suspension_kind: null, suspension_reason: null, cancelled_at: null, created_by: t.admin.id, created_at: now, updated_at: now }).execute();
  });
}

/** Eligible-access rows of one link (settings, an activation, an expiry notice), its relationship details and the customer's limits. */
async function fillJit(t: TestTenant, delegationId: string, p: TestPartner): Promise<void> {
  const s = app.services;
  await s.activations.updateSettings(ctx, t.id, delegationId, { eligible: true });
  const now = new Date().toISOString();
  await asSystem(async () => {
    await s.db.kysely.insertInto('delegation_activations').values({ id: `act_${delegationId.slice(4)}`, delegation_id: delegationId, tenant_id: t.id, partner_id: p.id, user_id: p.staff.id, status: 'pending', justification: 'rls test', duration_minutes: 60, requested_at: now, mfa_at: now, decided_by: null, decided_at: null, decision_reason: null, starts_at: null, ends_at: null }).execute();
    await s.db.kysely.insertInto('delegation_notices').values({ delegation_id: delegationId, ends_at: now, threshold_days: 30, tenant_id: t.id, partner_id: p.id, sent_at: now }).execute();
    await s.db.kysely.insertInto('delegation_relationships').values({ delegation_id: delegationId, tenant_id: t.id, partner_id: p.id, contract_reference: 'rls test', contacts: '[]', notes: null, version: 1, updated_at: now, updated_by: null, updated_by_side: 'tenant' }).execute();
    await s.db.kysely.insertInto('delegation_limits').values({ delegation_id: delegationId, tenant_id: t.id, partner_id: p.id, ip_allow: '["203.0.113.0/24"]', hours: null, expires_at: null, link_ends_at: null, updated_at: now, updated_by: null }).execute();
    // a CIBA consent request of the partner's app (migration 0091)
    await s.db.kysely.insertInto('ciba_requests').values({ id: `cib_${delegationId.slice(4)}`, auth_req_hash: `rls-${delegationId}`, auth_req_sealed: 'x', tenant_id: t.id, partner_id: p.id, client_id: 'app_rls', scopes: '[]', purposes: '[]', binding_message: null, status: 'waiting', expires_at: now, last_polled_at: null, decided_by: null, decided_at: null, delegation_id: null, created_at: now }).execute();
  });
}

/** An access request with one approval, and the tenant's approval policy (access templates, migration 0041). */
async function fillAccessRequests(t: TestTenant, partnerId: string): Promise<void> {
  const s = app.services;
  const tpl = await s.accessRequests.templates.create(ctx, { type: 'platform' }, { name: `RLS ${t.id}`, description: 'rls test', role: 'AUDITOR', max_days: 10 });
  const now = new Date().toISOString();
  const id = newId('areq');
  await asSystem(async () => {
    await s.db.kysely
      .insertInto('access_requests')
      .values({ id, tenant_id: t.id, partner_id: partnerId, template_id: tpl.id, template_name: tpl.name, role: 'AUDITOR', grants: '[]', ban_ids: null, ban_numbers: null, duration_days: 5, justification: 'rls test', status: 'pending', approvals_required: 2, requested_by: t.user.id, requested_at: now, expires_at: now, remind_at: null, reminded_at: null, decided_by: null, decided_at: null, decision_reason: null, delegation_id: null, updated_at: now })
      .execute();
    await s.db.kysely.insertInto('access_request_approvals').values({ request_id: id, tenant_id: t.id, user_id: t.admin.id, approved_at: now }).execute();
    await s.db.kysely.insertInto('access_approval_policies').values({ tenant_id: t.id, approvals_required: 2, high_risk_roles: '[]', expiry_days: 7, reminder_days: 1, updated_by: null, updated_at: now }).execute();
  });
}

/** The tenant ids of a table's rows a context sees (raw SQL: no application filter at all). */
async function seen(db: Db, table: string, c: DbContext | null): Promise<(string | null)[]> {
  const q = () => sql<{ tenant_id: string | null }>`select tenant_id from ${sql.table(table)}`.execute(db.kysely);
  const r = c === null ? await q() : await withDbContext(c, q);
  return r.rows.map((x) => x.tenant_id);
}

beforeAll(async () => {
  testDb = await createTestDb({ postgres: true, poolSize: 3 });
  app = await buildApp({ config: testConfig({ DATABASE_URL: testDb.databaseUrl! }, testDb.dataDir), db: testDb.db, logger: false });
  await app.ready();
  world = new World(app);
  bare = openDatabase({ databaseUrl: testDb.databaseUrl, dataDir: testDb.dataDir, poolSize: 1 });
  [a, b] = [await world.tenant(), await world.tenant()];
  partner = await world.partner({ capabilities: ['managed_services'] });
  linkA = await activeLink(await partner.owner.login(), await a.admin.login(), partner.id, a);
  const other = await world.partner({ capabilities: ['managed_services'] });
  const linkB = await activeLink(await other.owner.login(), await b.admin.login(), other.id, b);
  await fill(a, partner.id);
  await fill(b, other.id);
  // the partner program's tenant tables: a referral partner's attribution and earnings of each
  const referrer = await world.partner({ capabilities: ['referral'] });
  await programRowsFor(app.services.db, referrer.id, a.id);
  await programRowsFor(app.services.db, referrer.id, b.id);
  await fillJit(a, linkA, partner);
  await fillJit(b, linkB, other);
  await fillAccessRequests(a, partner.id);
  await fillAccessRequests(b, other.id);
}, 120_000);

afterAll(async () => {
  await bare?.close();
  await app?.close();
  await testDb?.drop();
});

describe('the application role', () => {
  it('the app connects as a role that is no superuser, cannot bypass RLS and owns no table', async () => {
    const r = await inspectRole(testDb.db.kysely);
    expect(r).toEqual({ role: APP_ROLE, superuser: false, bypassRls: false, ownedTables: [], tablesWithoutRls: [] });
    expect(wallProblems(r)).toEqual([]);
    // the owner the harness migrates with is exactly what the check is there to catch
    expect(wallProblems(await inspectRole(testDb.owner.kysely)).join('\n')).toMatch(/superuser/);
  });

  it('cannot switch the wall off, nor rewrite or delete audit events', async () => {
    await expect(sql`alter table orders disable row level security`.execute(bare.kysely)).rejects.toThrow(/must be owner/);
    await expect(sql`drop policy orders_tenant_wall on orders`.execute(bare.kysely)).rejects.toThrow(/must be owner/);
    await expect(asSystem(() => sql`update audit_events set action = 'x'`.execute(bare.kysely))).rejects.toThrow(/permission denied/);
    await expect(asSystem(() => sql`delete from audit_events`.execute(bare.kysely))).rejects.toThrow(/permission denied/);
  });

  it('partnergate db check passes for the app role and fails, naming why, for a superuser', () => {
    const ok = runCli(['db', 'check'], { DATA_DIR: testDb.dataDir, DATABASE_URL: testDb.databaseUrl });
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toMatch(/row-level security holds/);
    const bad = runCli(['db', 'check'], { DATA_DIR: testDb.dataDir, DATABASE_URL: testDb.ownerUrl });
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(/does NOT hold: the role postgres is a superuser/);
  });
});

describe('with the application checks bypassed', () => {
  it('every tenant table holds rows of both tenants, and a tenant context sees its own only', async () => {
    for (const table of TENANT_TABLES) {
      const all = await seen(bare, table, { kind: 'system' });
      expect(all, table).toContain(a.id);
      expect(all, table).toContain(b.id);
      const mine = await seen(bare, table, tenantContext(a.id));
      expect(mine.length, table).toBeGreaterThan(0);
      expect(new Set(mine), table).toEqual(new Set([a.id]));
    }
  });

  it("repository calls with another tenant's id return no row of it", async () => {
    const db = bare.kysely;
    await withDbContext(tenantContext(a.id), async () => {
      expect(await tenantsRepo.listBillingAccounts(db, b.id)).toEqual([]);
      expect(await tenantsRepo.findBillingAccount(db, b.id, b.bans[0].id)).toBeUndefined();
      expect(await tenantsRepo.listMembers(db, b.id)).toEqual([]);
      const scopeB = [{ tenantId: b.id, bans: null }];
      expect(await resourcesRepo.listOrders(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.listInvoices(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.listTickets(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.listUsage(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.listSla(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.listServices(db, scopeB, { limit: 100 })).toEqual([]);
      expect(await resourcesRepo.tenantHasResources(db, b.id)).toBe(false);
      expect(await vouchersRepo.listVouchers(db, { tenantId: b.id, limit: 100 })).toEqual([]);
      expect(await agenciesRepo.listAgencies(db, b.id)).toEqual([]);
      expect(await delegationViews.listDelegations(db, { tenantId: b.id, limit: 100 })).toEqual([]);
      // the same calls for its own tenant do find rows: the wall, not the query, hid B's
      expect((await tenantsRepo.listBillingAccounts(db, a.id)).length).toBe(2);
      expect((await resourcesRepo.listOrders(db, [{ tenantId: a.id, bans: null }], { limit: 5 })).length).toBeGreaterThan(0);
    });
  });

  it("a tenant context can neither change nor add another tenant's rows", async () => {
    await withDbContext(tenantContext(a.id), async () => {
      const u = await bare.kysely.updateTable('billing_accounts').set({ name: 'taken over' }).where('tenant_id', '=', b.id).executeTakeFirst();
      expect(Number(u.numUpdatedRows)).toBe(0);
      const d = await bare.kysely.deleteFrom('vouchers').where('tenant_id', '=', b.id).executeTakeFirst();
      expect(Number(d.numDeletedRows)).toBe(0);
      // moving its own row over to B is refused too (WITH CHECK)
      const err = await bare.kysely.updateTable('billing_accounts').set({ tenant_id: b.id }).where('tenant_id', '=', a.id).execute().catch((e: unknown) => e);
      expect(String(err)).toMatch(/row-level security/);
      const now = new Date().toISOString();
      const insert = await mutate(bare, (trx) =>
        trx.insertInto('billing_accounts').values({ id: 'ban_forged', tenant_id: b.id, account_number: 'BAN-FORGED', name: 'x', status: 'active', currency: 'USD', created_at: now, updated_at: now }).execute(),
      ).catch((e: unknown) => e);
      expect(String(insert)).toMatch(/new row violates row-level security policy/);
      // …which the error handler answers as a record that does not exist, never a 500
      expect(mapDbError(insert)).toMatchObject({ status: 404, code: 'not_found' });
      // an audit event may not be planted in B's log either; one about no tenant may be written
      const forged = app.services.audit.record.bind(app.services.audit);
      await expect(mutate(bare, (trx) => forged(trx, ctx, { action: 'x.forged', tenantId: b.id }))).rejects.toThrow(/row-level security/);
      await mutate(bare, (trx) => forged(trx, ctx, { action: 'x.platform' }));
    });
    const names = await asSystem(() => bare.kysely.selectFrom('billing_accounts').select('name').where('tenant_id', '=', b.id).execute());
    expect(names.map((n) => n.name)).not.toContain('taken over');
  });

  it('a partner context sees the tenants it may act on and its own delegations, nothing of the others', async () => {
    const c: DbContext = { kind: 'partner', partnerId: partner.id, tenantIds: app.services.authz.partnerTenantsInReach(partner.id) };
    expect(c.tenantIds).toEqual([a.id]);
    for (const table of ['orders', 'invoices', 'billing_accounts', 'vouchers']) expect(new Set(await seen(bare, table, c)), table).toEqual(new Set([a.id]));
    for (const table of ['partner_agencies', 'partner_tokens', 'tenant_members']) expect(await seen(bare, table, c), table).toEqual([]);
    const dlg = await withDbContext(c, () => bare.kysely.selectFrom('delegations').select(['id', 'partner_id']).execute());
    expect(dlg).toEqual([{ id: linkA, partner_id: partner.id }]);
  });
});

describe('a missing context', () => {
  it('returns nothing from any tenant table, and writes nothing into one', async () => {
    for (const table of TENANT_TABLES) expect(await seen(bare, table, null), table).toEqual([]);
    // the application's own calls, with no request or scope around them, find nothing either
    expect(await tenantsRepo.listBillingAccounts(bare.kysely, a.id)).toEqual([]);
    const now = new Date().toISOString();
    await expect(
      mutate(bare, (trx) => trx.insertInto('vouchers').values({ id: 'vch_x', tenant_id: a.id, code: 'X', type: 'credit_10', description: 'x', amount: 1, currency: 'USD', status: 'issued', partner_agency_id: null, billing_account_id: null, issued_by_type: 'system', issued_by_user_id: null, issued_by_partner_id: null, issued_by_client_id: null, issued_by_token_id: null, recipient_name: null, recipient_email: null, reference: null, expires_at: null, created_at: now, updated_at: now, redeemed_at: null, voided_at: null }).execute()),
    ).rejects.toThrow(/row-level security/);
  });
});

describe('a pooled connection', () => {
  it('reused from tenant to tenant (one connection) carries nothing over', async () => {
    // `bare` has a pool of one: every statement below runs on the same connection.
    const setting = () => sql<{ scope: string | null; tenant: string | null }>`select current_setting('app.scope', true) as scope, current_setting('app.tenant_id', true) as tenant`.execute(bare.kysely);
    const pid = async () => (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(bare.kysely)).rows[0].pid;
    const first = await pid();
    expect(new Set(await seen(bare, 'orders', tenantContext(a.id)))).toEqual(new Set([a.id]));
    // a lone statement's context ended with it
    expect((await setting()).rows[0].tenant ?? '').toBe('');
    expect(new Set(await seen(bare, 'orders', tenantContext(b.id)))).toEqual(new Set([b.id]));
    // a transaction's too, committed or rolled back
    await withDbContext(tenantContext(a.id), () => bare.kysely.transaction().execute(async (trx) => {
      expect((await sql<{ n: number }>`select count(*)::int as n from orders where tenant_id <> ${a.id}`.execute(trx)).rows[0].n).toBe(0);
    }));
    expect(await seen(bare, 'orders', null)).toEqual([]);
    await withDbContext(tenantContext(a.id), () => bare.kysely.transaction().execute(async () => { throw new Error('rolled back'); })).catch(() => {});
    expect(await seen(bare, 'orders', null)).toEqual([]);
    // a statement that fails leaves no transaction open and no context behind
    await expect(withDbContext(tenantContext(a.id), () => sql`select * from no_such_table`.execute(bare.kysely))).rejects.toThrow(/no_such_table/);
    expect((await setting()).rows[0].tenant ?? '').toBe('');
    expect(await seen(bare, 'orders', null)).toEqual([]);
    expect(await pid()).toBe(first);
    // statements of two tenants interleaved on the pool's one connection stay apart
    const [ra, rb] = await Promise.all([seen(bare, 'invoices', tenantContext(a.id)), seen(bare, 'invoices', tenantContext(b.id))]);
    expect(new Set(ra)).toEqual(new Set([a.id]));
    expect(new Set(rb)).toEqual(new Set([b.id]));
  });

  it("a switch of context inside a transaction keeps nothing of the previous one", async () => {
    const c: DbContext = { kind: 'partner', partnerId: partner.id, tenantIds: [a.id] };
    await withDbContext(c, () =>
      bare.kysely.transaction().execute(async (trx) => {
        expect(await trx.selectFrom('delegations').select('id').execute()).toEqual([{ id: linkA }]);
        await enterDbContext(bare, trx, tenantContext(b.id));
        // B's context: B's delegations only — the partner's (on A) is out of sight now
        const rows = await trx.selectFrom('delegations').select(['id', 'tenant_id']).execute();
        expect(rows.length).toBeGreaterThan(0);
        expect(rows.every((r) => r.tenant_id === b.id && r.id !== linkA)).toBe(true);
      }),
    );
  });
});

describe('the list of walled tables', () => {
  it('every table with a tenant_id has row-level security enabled and forced; a new one without fails this check', async () => {
    const tables = await tenantTables(testDb.db.kysely);
    expect(tables.map((t) => t.table)).toEqual(expect.arrayContaining(TENANT_TABLES));
    expect(await tablesMissingRls(testDb.db.kysely)).toEqual([]);
    // the application's list (a lone statement naming none of these is sent without a context) is the database's
    expect(await tablesWithRls(testDb.db.kysely)).toEqual([...WALLED_TABLES].sort());
    // a migration that forgets the wall: the check names the table
    const owner = testDb.owner.kysely as Kysely<any>;
    await sql`create table rls_probe_things (id text primary key, tenant_id text not null)`.execute(owner);
    try {
      expect(await tablesMissingRls(testDb.db.kysely)).toEqual(['rls_probe_things']);
      await sql`alter table rls_probe_things enable row level security`.execute(owner);
      expect(await tablesMissingRls(testDb.db.kysely)).toEqual(['rls_probe_things']); // enabled but not forced
      await enableTenantRls(owner, 'postgres', { table: 'rls_probe_things' });
      expect(await tablesMissingRls(testDb.db.kysely)).toEqual([]);
    } finally {
      await sql`drop table rls_probe_things`.execute(owner);
    }
  });
});
