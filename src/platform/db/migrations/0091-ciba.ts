/**
 * CIBA (OpenID Client-Initiated Backchannel Authentication Core 1.0), the consent out of band of
 * CAMARA's security profile:
 *
 *  - apps.ciba_delivery_mode ('poll' | 'ping', null: the app does not use CIBA) and
 *    apps.ciba_notification_endpoint (the ping mode's client notification endpoint);
 *  - ciba_requests: one row per backchannel authentication request a partner app made for a
 *    customer — the customer (tenant), the app, what it asks (scopes, purposes, binding message),
 *    until when, and the decision (waiting → approved | denied | expired). The request's
 *    auth_req_id is kept as a keyed hash (to find the row when the app polls) and sealed (to
 *    finish the provider's request when a customer admin decides); the app holds the plain one.
 *  - the feature `oauth.ciba`, on by default: the operator switches CIBA off per partner in the
 *    partner's configuration (features section), enforced at the next request.
 * Only columns, a table and a catalog row are added: safe while instances of the previous release serve.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema.alterTable('apps').addColumn('ciba_delivery_mode', 'text').execute();
    await db.schema.alterTable('apps').addColumn('ciba_notification_endpoint', 'text').execute();
    await db.schema
      .createTable('ciba_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('auth_req_hash', 'text', (c) => c.notNull().unique())
      .addColumn('auth_req_sealed', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull())
      .addColumn('partner_id', 'text', (c) => c.notNull())
      .addColumn('client_id', 'text', (c) => c.notNull())
      // JSON arrays: the scopes and the purposes the app asked for
      .addColumn('scopes', 'text', (c) => c.notNull())
      .addColumn('purposes', 'text', (c) => c.notNull())
      .addColumn('binding_message', 'text')
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('last_polled_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('delegation_id', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('ciba_requests_tenant_status').on('ciba_requests').columns(['tenant_id', 'status']).execute();
    // the customer's own requests; the partner sees those of its apps (the wall, rls.ts)
    await enableTenantRls(db, dialect, { table: 'ciba_requests', partnerColumns: ['partner_id'] });
    const now = new Date().toISOString();
    await db
      .insertInto('feature_catalog')
      .values({
        key: 'oauth.ciba',
        name: 'Consent out of band (CIBA)',
        description: "The partner's apps may ask a customer for consent by OpenID CIBA: the customer's administrators approve in their portal.",
        default_on: 1,
        lifecycle: 'general',
        opt_in: 0,
        created_at: now,
        updated_at: now,
      })
      .execute();
  },
};
