/**
 * Agencies: tenant-scoped partner agencies without user accounts, their
 * form-specific embed tokens (stored only as a keyed hash), and the vouchers table — issued by
 * tenant users, partners through the gateway, or agencies through the embedded form, which
 * records the issuing agency in `partner_agency_id`.
 *
 * Tokens and vouchers name their agency together with their tenant through a composite foreign
 * key on (tenant_id, partner_agency_id): a row can never point at another tenant's agency, even
 * if a service check were missed.
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('partner_agencies')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','inactive')`))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      // the target of the composite foreign keys below
      .addUniqueConstraint('partner_agencies_tenant_id_id_key', ['tenant_id', 'id'])
      .addUniqueConstraint('partner_agencies_tenant_id_name_key', ['tenant_id', 'name'])
      .execute();

    await db.schema
      .createTable('partner_tokens')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      .addColumn('partner_agency_id', 'text', (c) => c.notNull())
      // what the admin calls this form, e.g. "Website sign-up form"
      .addColumn('label', 'text', (c) => c.notNull())
      // HMAC-SHA256 of the secret under a key derived from the installation secret (SecretHasher)
      .addColumn('token_hash', 'text', (c) => c.notNull())
      // the first characters of the secret, shown in lists so an admin can tell tokens apart
      .addColumn('token_prefix', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','revoked')`))
      // JSON {"allowed_voucher_types": [...], "intro_text": "...", "rules_list": [...]}
      .addColumn('form_config', 'text', (c) => c.notNull())
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_used_at', 'text')
      .addColumn('rotated_at', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoked_by', 'text')
      .addUniqueConstraint('partner_tokens_token_hash_key', ['token_hash'])
      .addForeignKeyConstraint('partner_tokens_agency_fkey', ['tenant_id', 'partner_agency_id'], 'partner_agencies', ['tenant_id', 'id'], (fk) => fk.onDelete('cascade'))
      .execute();
    await db.schema.createIndex('partner_tokens_agency_idx').on('partner_tokens').columns(['partner_agency_id', 'created_at']).execute();

    await db.schema
      .createTable('vouchers')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id').onDelete('cascade'))
      // what a customer types or scans: VCH-XXXX-XXXX-XXXX, unique across the installation
      .addColumn('code', 'text', (c) => c.notNull())
      // a voucher type of the catalog (modules/vouchers/voucher-types.ts)
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      // value in minor units (cents) for monetary types, null for service vouchers
      .addColumn('amount', 'integer')
      .addColumn('currency', 'text')
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('issued','redeemed','void')`))
      // set when an agency issued it through its embedded form
      .addColumn('partner_agency_id', 'text')
      .addColumn('billing_account_id', 'text', (c) => c.references('billing_accounts.id'))
      .addColumn('issued_by_type', 'text', (c) => c.notNull().check(sql`issued_by_type in ('user','api_token','app','agency','system')`))
      .addColumn('issued_by_user_id', 'text')
      .addColumn('issued_by_partner_id', 'text')
      .addColumn('issued_by_client_id', 'text')
      // the agency token (form) it was issued through
      .addColumn('issued_by_token_id', 'text')
      .addColumn('recipient_name', 'text')
      .addColumn('recipient_email', 'text')
      // the issuer's own reference (customer number, booking id …)
      .addColumn('reference', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('redeemed_at', 'text')
      .addColumn('voided_at', 'text')
      .addUniqueConstraint('vouchers_code_key', ['code'])
      .addForeignKeyConstraint('vouchers_agency_fkey', ['tenant_id', 'partner_agency_id'], 'partner_agencies', ['tenant_id', 'id'])
      .execute();
    await db.schema.createIndex('vouchers_tenant_idx').on('vouchers').columns(['tenant_id', 'created_at']).execute();
    await db.schema.createIndex('vouchers_agency_idx').on('vouchers').columns(['partner_agency_id', 'created_at']).execute();
    await db.schema.createIndex('vouchers_ban_idx').on('vouchers').columns(['billing_account_id']).execute();

    // "what did this agency do": the tenant's audit view filters by agency
    await db.schema.createIndex('audit_events_agency_idx').on('audit_events').columns(['partner_agency_id', 'seq']).execute();
  },
};
