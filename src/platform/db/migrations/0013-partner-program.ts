/**
 * The partner program. Referral codes, the attribution of a tenant to the
 * partner whose code brought it (written once: the database refuses an UPDATE or DELETE of it,
 * and of tenants.referred_by_partner_id, which the tenant's INSERT sets), versioned program agreements, earnings lines
 * (one per source invoice and kind: the unique key makes computation idempotent and safe across
 * instances) and payout batches.
 */
import { sql } from 'kysely';
import type { MigrationContext, PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const ATTRIBUTION_IMMUTABLE = 'referral attribution is immutable';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createReferralTables(ctx);
    await createEarningTables(ctx);
    await wallAndFreezeAttributions(ctx);
  },
};

/** Referral codes and the attributions they make. */
async function createReferralTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('referral_codes')
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('label', 'text')
    .addColumn('landing_note', 'text')
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','inactive')`))
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('referral_codes_partner_idx').on('referral_codes').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('referral_attributions')
    .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('code', 'text', (c) => c.notNull().references('referral_codes.code'))
    .addColumn('attributed_at', 'text', (c) => c.notNull())
    .addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('signup','operator')`))
    .execute();
  await db.schema.createIndex('referral_attributions_partner_idx').on('referral_attributions').columns(['partner_id', 'attributed_at']).execute();
  // what the earnings computation pages through: a partner's referred tenants by id
  await db.schema.createIndex('referral_attributions_partner_tenant_idx').on('referral_attributions').columns(['partner_id', 'tenant_id']).execute();
  await db.schema.createIndex('referral_attributions_code_idx').on('referral_attributions').column('code').execute();
}

/** Agreements, payouts and earning lines; the index a month's computation reads. */
async function createEarningTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('program_agreements')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('terms_markdown', 'text', (c) => c.notNull())
    .addColumn('percent_bps', 'integer')
    .addColumn('bounty_minor', 'integer')
    .addColumn('months', 'integer', (c) => c.notNull())
    .addColumn('payout_threshold_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('effective_date', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('draft','signed','approved','superseded')`))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('signed_by', 'text')
    .addColumn('signed_full_name', 'text')
    .addColumn('signed_at', 'text')
    .addColumn('signed_ip', 'text')
    .addColumn('signed_user_agent', 'text')
    .addColumn('signed_sha256', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('approved_at', 'text')
    .addColumn('superseded_at', 'text')
    .addUniqueConstraint('program_agreements_partner_id_version_key', ['partner_id', 'version'])
    .execute();

  await db.schema
    .createTable('program_payouts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('paid_date', 'text', (c) => c.notNull())
    .addColumn('lines', 'integer', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('program_payouts_partner_idx').on('program_payouts').columns(['partner_id', 'created_at']).execute();

  await db.schema
    .createTable('program_earnings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('agreement_id', 'text', (c) => c.notNull().references('program_agreements.id'))
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('commission','bounty')`))
    .addColumn('source_invoice_id', 'text', (c) => c.notNull())
    /** what makes a line unique: the invoice (commission) or the tenant (its one bounty) */
    .addColumn('source_key', 'text', (c) => c.notNull())
    .addColumn('base_minor', 'integer', (c) => c.notNull())
    .addColumn('amount_minor', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull().check(sql`state in ('pending','approved','paid','reversed')`))
    .addColumn('payout_id', 'text', (c) => c.references('program_payouts.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('approved_at', 'text')
    .addColumn('approved_by', 'text')
    .addColumn('reversed_at', 'text')
    .addUniqueConstraint('program_earnings_kind_source_key_key', ['kind', 'source_key'])
    .execute();
  await db.schema.createIndex('program_earnings_partner_idx').on('program_earnings').columns(['partner_id', 'period', 'state']).execute();
  await db.schema.createIndex('program_earnings_source_idx').on('program_earnings').column('source_invoice_id').execute();
  await db.schema.createIndex('program_earnings_tenant_idx').on('program_earnings').column('tenant_id').execute();
  // what a month's computation reads: the paid invoices of a period, in id order (keyset pages)
  await db.schema.createIndex('invoices_period_idx').on('invoices').columns(['period', 'status', 'id']).execute();
}

/** The wall (row-level security) around attributions and earnings, and attributions made immutable. */
async function wallAndFreezeAttributions({ db, dialect }: MigrationContext): Promise<void> {
  // The partner sees its own attributions and earnings; the referred tenant sees its own (the wall, rls.ts).
  await enableTenantRls(db, dialect, { table: 'referral_attributions', partnerColumns: ['partner_id'] });
  await enableTenantRls(db, dialect, { table: 'program_earnings', partnerColumns: ['partner_id'] });

  // Immutable attribution: written once, never changed or removed.
  if (dialect === 'postgres') {
    await sql
      .raw(
        `CREATE OR REPLACE FUNCTION referral_attribution_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           RAISE EXCEPTION '${ATTRIBUTION_IMMUTABLE}' USING ERRCODE = 'restrict_violation';
         END $$`,
      )
      .execute(db);
    await sql.raw('CREATE TRIGGER referral_attributions_immutable BEFORE UPDATE OR DELETE ON referral_attributions FOR EACH ROW EXECUTE FUNCTION referral_attribution_immutable()').execute(db);
    await sql
      .raw(
        'CREATE TRIGGER tenants_referral_immutable BEFORE UPDATE OF referred_by_partner_id ON tenants FOR EACH ROW WHEN (OLD.referred_by_partner_id IS DISTINCT FROM NEW.referred_by_partner_id) EXECUTE FUNCTION referral_attribution_immutable()',
      )
      .execute(db);
    return;
  }
  await sql.raw(`CREATE TRIGGER referral_attributions_no_update BEFORE UPDATE ON referral_attributions BEGIN SELECT RAISE(ABORT, '${ATTRIBUTION_IMMUTABLE}'); END`).execute(db);
  await sql.raw(`CREATE TRIGGER referral_attributions_no_delete BEFORE DELETE ON referral_attributions BEGIN SELECT RAISE(ABORT, '${ATTRIBUTION_IMMUTABLE}'); END`).execute(db);
  await sql
    .raw(
      `CREATE TRIGGER tenants_referral_immutable BEFORE UPDATE OF referred_by_partner_id ON tenants WHEN OLD.referred_by_partner_id IS NOT NEW.referred_by_partner_id BEGIN SELECT RAISE(ABORT, '${ATTRIBUTION_IMMUTABLE}'); END`,
    )
    .execute(db);
}
