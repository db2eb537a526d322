/**
 * The reference resource service (the gateway's default upstream): per tenant and billing
 * account — orders, provisioned services, invoices, support tickets, usage records and SLA
 * records. Orders and tickets record who acted (user or app, and the partner), for whom
 * (tenant, BAN), through which delegation and — for orders — which BAN is billed.
 * Amounts are integer cents; times ISO-8601 UTC text; periods `YYYY-MM`.
 */
import { sql } from 'kysely';
import type { MigrationContext, PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createOrderTables(ctx);
    await createBillingAndSupportTables(ctx);
    await createUsageTables(ctx);
  },
};

/** Orders and the services they provision. */
async function createOrderTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('orders')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    // the customer account the order is for
    .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    // the account charged: the customer's (partner persona) or the wholesaler's own (wholesaler persona)
    .addColumn('bill_to_ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('product_name', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull())
    .addColumn('unit_price_cents', 'integer', (c) => c.notNull())
    .addColumn('total_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('submitted','in_progress','completed','cancelled')`))
    .addColumn('notes', 'text')
    .addColumn('placed_by_type', 'text', (c) => c.notNull().check(sql`placed_by_type in ('user','app','system')`))
    .addColumn('placed_by_user_id', 'text')
    .addColumn('placed_by_client_id', 'text')
    .addColumn('placed_by_partner_id', 'text')
    .addColumn('delegation_id', 'text')
    .addColumn('persona', 'text', (c) => c.notNull())
    .addColumn('idempotency_key', 'text')
    .addColumn('request_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('cancelled_at', 'text')
    .execute();
  await db.schema.createIndex('orders_tenant_idx').on('orders').columns(['tenant_id', 'created_at']).execute();
  await db.schema.createIndex('orders_partner_idx').on('orders').columns(['placed_by_partner_id', 'created_at']).execute();
  // A retried POST with the same Idempotency-Key returns the first order instead of a second one.
  await db.schema.createIndex('orders_tenant_id_idempotency_key_key').on('orders').columns(['tenant_id', 'idempotency_key']).unique().execute();

  await db.schema
    .createTable('provisioned_services')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    .addColumn('order_id', 'text')
    .addColumn('product_code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','active','suspended','terminated')`))
    .addColumn('location', 'text')
    .addColumn('bandwidth_mbps', 'integer')
    .addColumn('monthly_price_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('activated_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('provisioned_services_tenant_idx').on('provisioned_services').columns(['tenant_id', 'ban_id']).execute();
}

/** Invoices and support tickets. */
async function createBillingAndSupportTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('invoices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('due_at', 'text', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('subtotal_cents', 'integer', (c) => c.notNull())
    .addColumn('tax_cents', 'integer', (c) => c.notNull())
    .addColumn('total_cents', 'integer', (c) => c.notNull())
    .addColumn('balance_cents', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','paid','overdue','void')`))
    .addColumn('paid_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('invoices_number_key', ['number'])
    .execute();
  await db.schema.createIndex('invoices_tenant_idx').on('invoices').columns(['tenant_id', 'issued_at']).execute();

  await db.schema
    .createTable('support_tickets')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ban_id', 'text', (c) => c.references('billing_accounts.id'))
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull().check(sql`category in ('billing','technical','service_request','other')`))
    .addColumn('priority', 'text', (c) => c.notNull().check(sql`priority in ('low','normal','high','urgent')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('open','in_progress','waiting_on_customer','resolved','closed')`))
    .addColumn('assignee', 'text')
    // JSON array of {at, by, text}
    .addColumn('comments', 'text', (c) => c.notNull())
    .addColumn('opened_by_type', 'text', (c) => c.notNull().check(sql`opened_by_type in ('user','app','system')`))
    .addColumn('opened_by_user_id', 'text')
    .addColumn('opened_by_client_id', 'text')
    .addColumn('opened_by_partner_id', 'text')
    .addColumn('delegation_id', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('resolved_at', 'text')
    .addUniqueConstraint('support_tickets_number_key', ['number'])
    .execute();
  await db.schema.createIndex('support_tickets_tenant_idx').on('support_tickets').columns(['tenant_id', 'updated_at']).execute();
}

/** Usage and SLA records. */
async function createUsageTables({ db }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('usage_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    .addColumn('service_id', 'text')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull().check(sql`metric in ('data_gb','voice_minutes','sms_count')`))
    .addColumn('quantity', 'real', (c) => c.notNull())
    .addColumn('amount_cents', 'integer', (c) => c.notNull())
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('usage_records_tenant_idx').on('usage_records').columns(['tenant_id', 'period']).execute();

  await db.schema
    .createTable('sla_records')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
    .addColumn('ban_id', 'text', (c) => c.notNull().references('billing_accounts.id'))
    .addColumn('service_id', 'text')
    .addColumn('period', 'text', (c) => c.notNull())
    .addColumn('target_pct', 'real', (c) => c.notNull())
    .addColumn('achieved_pct', 'real', (c) => c.notNull())
    .addColumn('downtime_minutes', 'integer', (c) => c.notNull())
    .addColumn('incidents', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('met','breached')`))
    .addColumn('recorded_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('sla_records_tenant_idx').on('sla_records').columns(['tenant_id', 'period']).execute();
}
