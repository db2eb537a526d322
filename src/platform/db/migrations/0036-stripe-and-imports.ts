/**
 * Stripe as a billing source (modules/datafeeds): the other feeds that go through the data
 * sources' applier (migration 0035).
 *  - stripe_sources: a data source that receives Stripe webhooks — its webhook signing secret and
 *    its API key (for the backfill), both sealed with the installation's secret (they must be used,
 *    so they cannot be hashed; never returned), and the API's base URL when not Stripe's own;
 *  - stripe_customers: which billing account (BAN) a Stripe customer's invoices and subscriptions go
 *    to — from the customer's metadata.ban, or set by the operator (which wins);
 *  - stripe_objects: the sync line each Stripe invoice or subscription last became (without its BAN),
 *    so a refund can send the invoice again and a customer mapped later can have its lines applied;
 *    `waiting` while the customer has no BAN yet;
 *  - stripe_events: the event ids already processed (a redelivered event is answered at once).
 * None names a tenant: what reaches a customer's records goes through the applier and its scope.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('stripe_sources')
      .addColumn('source_id', 'text', (c) => c.primaryKey().references('data_sources.id').onDelete('cascade'))
      .addColumn('webhook_secret_sealed', 'text', (c) => c.notNull())
      .addColumn('api_key_sealed', 'text')
      .addColumn('api_base', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('last_event_at', 'text')
      .addColumn('last_backfill_at', 'text')
      .execute();

    await db.schema
      .createTable('stripe_customers')
      .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('name', 'text')
      .addColumn('email', 'text')
      .addColumn('ban', 'text')
      .addColumn('origin', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stripe_customers_pkey', ['source_id', 'customer_id'])
      .execute();

    await db.schema
      .createTable('stripe_objects')
      .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
      .addColumn('object_id', 'text', (c) => c.notNull())
      .addColumn('customer_id', 'text', (c) => c.notNull())
      .addColumn('line', 'text', (c) => c.notNull())
      .addColumn('version', 'bigint', (c) => c.notNull())
      .addColumn('payment_refs', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('refunded_cents', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('waiting', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stripe_objects_pkey', ['source_id', 'object_id'])
      .execute();
    await db.schema.createIndex('stripe_objects_customer_idx').on('stripe_objects').columns(['source_id', 'customer_id']).execute();

    await db.schema
      .createTable('stripe_events')
      .addColumn('source_id', 'text', (c) => c.notNull().references('data_sources.id').onDelete('cascade'))
      .addColumn('event_id', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('received_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('stripe_events_pkey', ['source_id', 'event_id'])
      .execute();
  },
};
