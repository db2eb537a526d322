/**
 * The MSP workspace:
 *  - partner_members.member_role: the role an owner gives each member inside the MSP
 *    (partner_msp_full, _billing, _support, partner_auditor); a member acts on a customer with
 *    the link's permissions ∩ this role's. Null = full (what every member had before).
 *  - the four member roles, in the partner catalog, and the permissions they add.
 *  - link_commitments: per link (delegation) SLA commitments, alert settings and a billing threshold.
 *  - partner_alerts: the alerts inbox. One open alert per condition: a partial unique index on
 *    dedup_key where the alert is not resolved, so evaluations on several instances insert it
 *    once (the insert that wins is the one that notifies).
 *  - export_jobs: large invoice exports run as jobs; the file is downloaded through a link that
 *    expires (only the token's hash is stored).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls, type TenantTableRls } from '../rls.ts';

const READ_ALL = ['billing.accounts.read', 'billing.invoices.read', 'billing.summary.read', 'orders.read', 'services.read', 'support.tickets.read', 'reports.usage.read', 'reports.sla.read', 'alerts.sla.read', 'alerts.billing.read', 'vouchers.read'];

export const MEMBER_ROLES_0014: [string, string, string, string[]][] = [
  ['partner_msp_full', 'Full access', 'Everything the link allows: billing, orders, support, reports and alerts.', ['billing.*', 'orders.*', 'services.*', 'support.*', 'reports.*', 'alerts.*', 'vouchers.*', 'links.commitments.manage']],
  ['partner_msp_billing', 'Billing', 'Invoices, receivables, exports and billing alerts; no tickets or orders.', ['billing.*', 'reports.usage.read', 'alerts.billing.read', 'alerts.manage']],
  ['partner_msp_support', 'Support', 'Tickets, services and SLA; no invoices or orders.', ['support.*', 'services.read', 'reports.sla.read', 'alerts.sla.read', 'alerts.manage']],
  ['partner_auditor', 'Auditor', 'Reads everything the link allows; changes nothing.', READ_ALL],
];

export const TENANT_TABLES_0014: readonly TenantTableRls[] = [
  { table: 'link_commitments', partnerColumns: ['partner_id'] },
  { table: 'partner_alerts', partnerColumns: ['partner_id'] },
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    const pg = dialect === 'postgres';
    await db.schema.alterTable('partner_members').addColumn('member_role', 'text').execute();
    await db
      .insertInto('permissions')
      .values([
        { name: 'alerts.manage', description: 'Acknowledge and resolve alerts' },
        { name: 'links.commitments.manage', description: 'Change the SLA commitments, alert settings and billing threshold of a link' },
      ])
      .execute();
    await db
      .insertInto('roles')
      .values(MEMBER_ROLES_0014.map(([id, name, description, grants]) => ({ id, catalog: 'partner', name, description, grants: JSON.stringify(grants) })))
      .execute();

    await db.schema
      .createTable('link_commitments')
      .addColumn('delegation_id', 'text', (c) => c.primaryKey().references('delegations.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      // JSON { availability_pct, response_minutes{low,normal,high,urgent}, resolution_minutes{…} }
      .addColumn('sla', 'text', (c) => c.notNull())
      // JSON { sla_breach, receivables_threshold, invoice_overdue, recipients[], channels[] }
      .addColumn('alerts', 'text', (c) => c.notNull())
      .addColumn('threshold_cents', pg ? 'bigint' : 'integer', (c) => c.notNull())
      .addColumn('threshold_currency', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema.createIndex('link_commitments_partner_idx').on('link_commitments').columns(['partner_id', 'tenant_id']).execute();

    await db.schema
      .createTable('partner_alerts')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('dedup_key', 'text', (c) => c.notNull())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('delegation_id', 'text', (c) => c.notNull())
      .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('sla_breach','receivables_threshold','invoice_overdue')`))
      .addColumn('severity', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','acknowledged','resolved')`))
      .addColumn('subject_id', 'text')
      .addColumn('period', 'text')
      .addColumn('message', 'text', (c) => c.notNull())
      .addColumn('amount_cents', pg ? 'bigint' : 'integer')
      .addColumn('currency', 'text')
      .addColumn('opened_at', 'text', (c) => c.notNull())
      .addColumn('last_seen_at', 'text', (c) => c.notNull())
      .addColumn('acknowledged_at', 'text')
      .addColumn('acknowledged_by', 'text')
      .addColumn('resolved_at', 'text')
      .addColumn('resolved_by', 'text')
      .addColumn('resolution', 'text')
      .addColumn('notified_at', 'text')
      .execute();
    // one unresolved alert per condition, whatever the number of evaluations or instances
    await sql`create unique index partner_alerts_open_key on partner_alerts (dedup_key) where resolved_at is null`.execute(db);
    await db.schema.createIndex('partner_alerts_partner_idx').on('partner_alerts').columns(['partner_id', 'status', 'opened_at']).execute();
    await db.schema.createIndex('partner_alerts_tenant_idx').on('partner_alerts').columns(['tenant_id', 'opened_at']).execute();

    await db.schema
      .createTable('export_jobs')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('format', 'text', (c) => c.notNull().check(sql`format in ('csv','pdf')`))
      .addColumn('filters', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('queued','running','done','failed')`))
      .addColumn('total_rows', 'integer', (c) => c.notNull())
      .addColumn('rows_done', 'integer', (c) => c.notNull())
      .addColumn('file_path', 'text')
      .addColumn('token_hash', 'text')
      .addColumn('error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text')
      .addColumn('expires_at', 'text')
      .execute();
    await db.schema.createIndex('export_jobs_user_idx').on('export_jobs').columns(['user_id', 'created_at']).execute();

    for (const spec of TENANT_TABLES_0014) await enableTenantRls(db, dialect, spec);
  },
};
