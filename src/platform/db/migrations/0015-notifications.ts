/**
 * Events out: the domain-event outbox, webhook endpoints with their deliveries
 * and attempts, in-app notifications with per-user preferences, and the queue of e-mail to send.
 *
 *  - domain_events: written in the transaction of the change it reports (the audit hook,
 *    notifications/event-outbox.ts); a worker fans each out once (webhook deliveries,
 *    notifications, e-mail) and marks it dispatched. Behind the tenant wall (append-only policy:
 *    any context may add an event about its own tenant or partner, only the system updates).
 *  - webhook_endpoints: the owner is a tenant, a partner or the platform (operator). The signing
 *    secret is encrypted with the installation secret (it must be read back to sign).
 *  - webhook_deliveries / webhook_attempts: one delivery per (endpoint, event), its retries as
 *    attempts; a due delivery is claimed with a lease (locked_until), so exactly one instance
 *    sends it and a crashed instance's claim lapses.
 *  - mail_messages: the message encrypted (an invitation link is a credential), claimed like a
 *    delivery.
 */
import { sql } from 'kysely';
import { autoIncrementPk, type MigrationContext, type PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const DOMAIN_EVENTS_RLS = { table: 'domain_events', appendOnly: true, partnerColumns: ['partner_id'] } as const;

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up(ctx) {
    await createWebhookTables(ctx);
    await createNotificationTables(ctx);
    await grantWebhookPermissions(ctx);
  },
};

/** Domain events, webhook endpoints and their deliveries. */
async function createWebhookTables({ db, dialect }: MigrationContext): Promise<void> {
  await db.schema
    .createTable('domain_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('tenant_id', 'text')
    .addColumn('partner_id', 'text')
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','dispatched')`))
    .addColumn('dispatched_at', 'text')
    .execute();
  await db.schema.createIndex('domain_events_pending_idx').on('domain_events').columns(['status', 'occurred_at']).execute();
  await enableTenantRls(db, dialect, DOMAIN_EVENTS_RLS);

  await db.schema
    .createTable('webhook_endpoints')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('owner_type', 'text', (c) => c.notNull().check(sql`owner_type in ('tenant','partner','platform')`))
    // the tenant's or partner's id; '' for the platform
    .addColumn('owner_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    // JSON array of event types
    .addColumn('event_types', 'text', (c) => c.notNull())
    .addColumn('secret_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','disabled')`))
    .addColumn('consecutive_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('disabled_at', 'text')
    .addColumn('disabled_reason', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_endpoints_owner_idx').on('webhook_endpoints').columns(['owner_type', 'owner_id']).execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('endpoint_id', 'text', (c) => c.notNull().references('webhook_endpoints.id').onDelete('cascade'))
    // the Standard Webhooks message id (the event's id; a test ping's own)
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('event_type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('event','ping','redelivery')`))
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','succeeded','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_status_code', 'integer')
    .addColumn('last_latency_ms', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('event_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('completed_at', 'text')
    .execute();
  await db.schema.createIndex('webhook_deliveries_due_idx').on('webhook_deliveries').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_endpoint_idx').on('webhook_deliveries').columns(['endpoint_id', 'created_at']).execute();
}

/** Delivery attempts, notifications, preferences and the mail queue. */
async function createNotificationTables({ db, dialect }: MigrationContext): Promise<void> {
  let attempts = db.schema.createTable('webhook_attempts');
  attempts = autoIncrementPk(attempts, dialect, 'id');
  await attempts
    .addColumn('delivery_id', 'text', (c) => c.notNull().references('webhook_deliveries.id').onDelete('cascade'))
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull().check(sql`outcome in ('succeeded','failed')`))
    .addColumn('status_code', 'integer')
    .addColumn('latency_ms', 'integer', (c) => c.notNull())
    .addColumn('error', 'text')
    .execute();
  await db.schema.createIndex('webhook_attempts_delivery_idx').on('webhook_attempts').columns(['delivery_id', 'attempt']).execute();

  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('event_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('link', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('read_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_user_idx').on('notifications').columns(['user_id', 'created_at']).execute();

  await db.schema
    .createTable('notification_preferences')
    .addColumn('user_id', 'text', (c) => c.primaryKey().references('users.id').onDelete('cascade'))
    // JSON {"<event type>": {"in_app": bool, "email": bool}}; a type not named keeps its default
    .addColumn('settings', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mail_messages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    // the recipient's domain only, for the operator's lists; the address is in the encrypted message
    .addColumn('to_domain', 'text', (c) => c.notNull())
    .addColumn('message_enc', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','sent','failed')`))
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('locked_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('mail_messages_due_idx').on('mail_messages').columns(['status', 'next_attempt_at']).execute();
}

/** Who manages webhooks: tenant admins (tenant.*), partner owners, the operator (platform.*). */
async function grantWebhookPermissions({ db }: MigrationContext): Promise<void> {
  // Who manages webhooks: tenant admins (tenant.*), partner owners, the operator (platform.*).
  await db
    .insertInto('permissions')
    .values([
      { name: 'tenant.webhooks.manage', description: "Register and manage the tenant's webhook endpoints." },
      { name: 'partner.webhooks.manage', description: "Register and manage the partner's webhook endpoints." },
      { name: 'platform.webhooks.manage', description: 'Register and manage the platform webhook endpoints; read the mail outbox.' },
    ])
    .execute();
  const owner = await db.selectFrom('roles').select('grants').where('id', '=', 'PARTNER_OWNER').executeTakeFirst();
  if (owner) {
    const grants = JSON.parse(owner.grants as string) as string[];
    if (!grants.includes('partner.webhooks.manage')) grants.push('partner.webhooks.manage');
    await db.updateTable('roles').set({ grants: JSON.stringify(grants) }).where('id', '=', 'PARTNER_OWNER').execute();
  }
}
