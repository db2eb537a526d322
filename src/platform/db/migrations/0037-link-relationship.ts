/**
 * The business side of a partner–customer link, kept by both of them: the contract reference, the
 * people to call on each side and free notes.
 *
 *  - delegation_relationships: one row per delegation (the link), written by the partner's owner
 *    or the tenant's admin (each through their own side's routes and authorization). `contacts` is
 *    a JSON array of {name, role, email, phone}; `version` is bumped by every change so an edit
 *    made on an older copy is refused (409) rather than overwriting the other side's change.
 * It names the tenant and the partner and sits behind the tenant wall (a partner sees its own).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('delegation_relationships')
      .addColumn('delegation_id', 'text', (c) => c.primaryKey().references('delegations.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('contract_reference', 'text')
      .addColumn('contacts', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('notes', 'text')
      .addColumn('version', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      // which side made the last change: 'partner' or 'tenant'
      .addColumn('updated_by_side', 'text')
      .execute();
    await db.schema.createIndex('delegation_relationships_tenant_idx').on('delegation_relationships').column('tenant_id').execute();
    await db.schema.createIndex('delegation_relationships_partner_idx').on('delegation_relationships').column('partner_id').execute();
    await enableTenantRls(db, dialect, { table: 'delegation_relationships', partnerColumns: ['partner_id'] });
  },
};
