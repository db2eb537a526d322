/**
 * Plans and subscriptions: the operator's plan catalog, which plans each
 * partner may offer (and at what price), the partner's end customers with their segment and
 * KYC state, KYC cases with their documents (details and files encrypted at rest), and the
 * customers' subscriptions with their lifecycle.
 *
 * Customer tables name both the customer tenant and the partner that serves it, so the
 * row-level-security wall gives the tenant its own rows and the partner the rows that name it.
 * Money is integer minor units with an ISO 4217 currency.
 */
import { sql } from 'kysely';
import type { MigrationContext, PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls, type TenantTableRls } from '../rls.ts';

export const TENANT_TABLES_0017: readonly TenantTableRls[] = [
  { table: 'customer_accounts', partnerColumns: ['partner_id'] },
  { table: 'kyc_cases', partnerColumns: ['partner_id'] },
  { table: 'kyc_documents', partnerColumns: ['partner_id'] },
  { table: 'subscriptions', partnerColumns: ['partner_id'] },
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createPlanTables(ctx);
    await createKycTables(ctx);
    await createSubscriptionTables(ctx);
  },
};

/** Plans, what partners offer of them, and customer accounts. */
async function createPlanTables({ db, dialect }: MigrationContext): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON ["feature", …] and {"limit_name": integer, …}
    .addColumn('features', 'text', (c) => c.notNull())
    .addColumn('limits', 'text', (c) => c.notNull())
    .addColumn('price_minor', big, (c) => c.notNull().check(sql`price_minor >= 0`))
    .addColumn('currency', 'text', (c) => c.notNull())
    // JSON ["basic" | "company" | "advanced", …]
    .addColumn('segments', 'text', (c) => c.notNull())
    .addColumn('grace_days', 'integer', (c) => c.notNull().check(sql`grace_days >= 0`))
    // the exact terms a customer's admin accepts (their SHA-256 is recorded on signing)
    .addColumn('terms', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','retired')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('plans_name_key', ['name'])
    .execute();

  await db.schema
    .createTable('partner_plans')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id').onDelete('cascade'))
    // the operator's bounds on the partner's price
    .addColumn('min_price_minor', big, (c) => c.notNull().check(sql`min_price_minor >= 0`))
    .addColumn('max_price_minor', big, (c) => c.notNull())
    .addColumn('price_minor', big, (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('allowed','offered','revoked')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('partner_plans_partner_id_plan_id_key', ['partner_id', 'plan_id'])
    .addCheckConstraint('partner_plans_price_range', sql`min_price_minor <= price_minor and price_minor <= max_price_minor`)
    .execute();

  await db.schema
    .createTable('customer_accounts')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('segment', 'text', (c) => c.notNull().check(sql`segment in ('basic','company','advanced')`))
    .addColumn('kyc_status', 'text', (c) => c.notNull().check(sql`kyc_status in ('guest','pending','verified','rejected')`))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('customer_accounts_partner_idx').on('customer_accounts').column('partner_id').execute();
}

/** KYC cases and their documents. */
async function createKycTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('kyc_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('individual','company')`))
    // AES-256-GCM (platform/crypto.ts encryptWithSecret) of the JSON details
    .addColumn('details_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted','verified','rejected')`))
    .addColumn('reason', 'text')
    .addColumn('submitted_by', 'text', (c) => c.notNull())
    .addColumn('submitted_at', 'text', (c) => c.notNull())
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'text')
    .execute();
  await db.schema.createIndex('kyc_cases_partner_status_idx').on('kyc_cases').columns(['partner_id', 'status']).execute();
  await db.schema.createIndex('kyc_cases_tenant_idx').on('kyc_cases').columns(['tenant_id', 'submitted_at']).execute();

  await db.schema
    .createTable('kyc_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('kyc_cases.id').onDelete('cascade'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('filename', 'text', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    // AES-256-GCM of the file's base64
    .addColumn('content_enc', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('kyc_documents_case_idx').on('kyc_documents').column('case_id').execute();
}

/** Subscriptions, and the wall around the tenant tables. */
async function createSubscriptionTables({ db, dialect }: MigrationContext): Promise<void> {
  const big = dialect === 'postgres' ? 'bigint' : 'integer';
  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id').onDelete('cascade'))
    .addColumn('plan_id', 'text', (c) => c.notNull().references('plans.id'))
    .addColumn('partner_plan_id', 'text', (c) => c.notNull().references('partner_plans.id'))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('signing','signed','active','suspended','cancelled')`))
    .addColumn('price_minor', big, (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('terms_sha256', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('activated_at', 'text')
    .addColumn('suspended_at', 'text')
    .addColumn('suspension_kind', 'text', (c) => c.check(sql`suspension_kind is null or suspension_kind in ('non_payment','policy')`))
    .addColumn('suspension_reason', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  // at most one subscription per customer that is not cancelled
  await sql`create unique index subscriptions_tenant_id_key on subscriptions (tenant_id) where status <> 'cancelled'`.execute(db);
  await db.schema.createIndex('subscriptions_partner_idx').on('subscriptions').columns(['partner_id', 'status']).execute();

  for (const spec of TENANT_TABLES_0017) await enableTenantRls(db, dialect, spec);
}
