/**
 * A customer's own limits on one partner's link: the addresses the partner may reach the customer
 * from, the days and hours it may, and an end the customer chose.
 *
 *  - delegation_limits: one row per link whose customer set anything. `ip_allow` is a JSON array of
 *    CIDRs; `hours` a JSON object ({ days: [1..7], from: 'HH:MM', to: 'HH:MM', time_zone }) or null;
 *    `expires_at` the end the customer chose, applied to the link itself (delegations.ends_at) so
 *    every reader of a link's window agrees; `link_ends_at` the end the link had before, restored
 *    when the customer removes theirs.
 * Read into the decision snapshot through the change feed (entity `delegation_limits`), so the
 * request path reads no database. Names the tenant and the partner; behind the tenant wall.
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('delegation_limits')
      .addColumn('delegation_id', 'text', (c) => c.primaryKey().references('delegations.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('ip_allow', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('hours', 'text')
      .addColumn('expires_at', 'text')
      .addColumn('link_ends_at', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema.createIndex('delegation_limits_tenant_idx').on('delegation_limits').column('tenant_id').execute();
    await enableTenantRls(db, dialect, { table: 'delegation_limits', partnerColumns: ['partner_id'] });
  },
};
