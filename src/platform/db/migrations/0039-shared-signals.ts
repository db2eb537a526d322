/**
 * OpenID Shared Signals (modules/ssf) and shorter lifetimes for cross-tenant tokens
 * (modules/tokenpolicy).
 *  - ssf_streams: one stream per partner app (SSF 1.0 §8.1.1): where its receiver listens (push,
 *    RFC 8935), the Authorization header to present there (sealed with the installation's secret:
 *    it must be sent, so it cannot be hashed; never returned), the events the app asked for, and
 *    the stream's status (enabled, paused, disabled) with the reason.
 *  - ssf_deliveries: each Security Event Token queued for a stream, signed once (the same jti on
 *    every retry), pushed at least once with backoff; `dedupe_key` keeps one SET per stream for one
 *    event, subject and transaction (a break-glass revoking three links of one customer is one event).
 *  - cross_tenant_token_policies: how long tokens acting across tenants (a partner app on a
 *    customer's delegation) may live, set by the operator per partner and by a customer for itself;
 *    null = no limit of its own.
 * Stream and delivery rows belong to a partner's app (not walled: like apps and webhook endpoints,
 * they name no tenant's data); a policy row belongs to its owner.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('ssf_streams')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('app_id', 'text', (c) => c.notNull().unique().references('apps.id').onDelete('cascade'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('endpoint_url', 'text', (c) => c.notNull())
      .addColumn('authorization_header_sealed', 'text')
      .addColumn('events_requested', 'text', (c) => c.notNull())
      .addColumn('description', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('status_reason', 'text')
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ssf_streams_partner_idx').on('ssf_streams').column('partner_id').execute();

    await db.schema
      .createTable('ssf_deliveries')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('stream_id', 'text', (c) => c.notNull().references('ssf_streams.id').onDelete('cascade'))
      .addColumn('jti', 'text', (c) => c.notNull())
      .addColumn('event_type', 'text', (c) => c.notNull())
      .addColumn('subject', 'text', (c) => c.notNull())
      .addColumn('dedupe_key', 'text', (c) => c.notNull())
      .addColumn('set_jwt', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('next_attempt_at', 'text', (c) => c.notNull())
      .addColumn('locked_until', 'text')
      .addColumn('last_status_code', 'integer')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('completed_at', 'text')
      .addUniqueConstraint('ssf_deliveries_dedupe', ['stream_id', 'dedupe_key'])
      .execute();
    await db.schema.createIndex('ssf_deliveries_due_idx').on('ssf_deliveries').columns(['status', 'next_attempt_at']).execute();
    await db.schema.createIndex('ssf_deliveries_stream_idx').on('ssf_deliveries').columns(['stream_id', 'created_at']).execute();

    await db.schema
      .createTable('cross_tenant_token_policies')
      .addColumn('owner_type', 'text', (c) => c.notNull())
      .addColumn('owner_id', 'text', (c) => c.notNull())
      .addColumn('access_ttl_sec', 'integer')
      .addColumn('refresh_ttl_sec', 'integer')
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('cross_tenant_token_policies_pkey', ['owner_type', 'owner_id'])
      .execute();
  },
};
