/**
 * Time-bound access that manages itself:
 *  - delegation_jit_settings: per link, what the tenant set — the link's role is *eligible* (grants
 *    nothing until activated), the longest activation, whether an activation needs the tenant's
 *    approval, auto-extend (by how many days) and the roles the tenant calls privileged (never
 *    auto-extended);
 *  - delegation_activations: a partner member's activation of an eligible link (pending approval,
 *    active for a bounded window, rejected, cancelled); read into the decision snapshot through the
 *    change feed, so the request path reads no database;
 *  - delegation_notices: one row per (delegation, end date, threshold) — the 30/7/1-day expiry notices.
 *    Its primary key decides which instance sends a notice: the insert that wins sends it, the
 *    others insert nothing (ON CONFLICT DO NOTHING), so each is sent once however many run.
 * All three name the tenant and the partner and sit behind the tenant wall (a partner sees its own).
 */
import type { PartnergateMigration } from '../migration-helpers.ts';
import { enableTenantRls } from '../rls.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('delegation_jit_settings')
      .addColumn('delegation_id', 'text', (c) => c.primaryKey().references('delegations.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('eligible', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('max_activation_minutes', 'integer', (c) => c.notNull().defaultTo(480))
      .addColumn('approval_required', 'integer', (c) => c.notNull().defaultTo(0))
      .addColumn('auto_extend', 'integer', (c) => c.notNull().defaultTo(1))
      .addColumn('auto_extend_days', 'integer', (c) => c.notNull().defaultTo(180))
      .addColumn('privileged_roles', 'text', (c) => c.notNull().defaultTo('[]'))
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .execute();
    await db.schema.createIndex('delegation_jit_settings_tenant_idx').on('delegation_jit_settings').column('tenant_id').execute();

    await db.schema
      .createTable('delegation_activations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('delegation_id', 'text', (c) => c.notNull().references('delegations.id').onDelete('cascade'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('justification', 'text', (c) => c.notNull())
      .addColumn('duration_minutes', 'integer', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('mfa_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('starts_at', 'text')
      .addColumn('ends_at', 'text')
      .execute();
    await db.schema.createIndex('delegation_activations_delegation_idx').on('delegation_activations').columns(['delegation_id', 'status']).execute();
    await db.schema.createIndex('delegation_activations_tenant_idx').on('delegation_activations').columns(['tenant_id', 'status']).execute();
    await db.schema.createIndex('delegation_activations_partner_idx').on('delegation_activations').columns(['partner_id', 'status']).execute();

    await db.schema
      .createTable('delegation_notices')
      .addColumn('delegation_id', 'text', (c) => c.notNull().references('delegations.id').onDelete('cascade'))
      .addColumn('ends_at', 'text', (c) => c.notNull())
      .addColumn('threshold_days', 'integer', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('sent_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('delegation_notices_pk', ['delegation_id', 'ends_at', 'threshold_days'])
      .execute();

    for (const table of ['delegation_jit_settings', 'delegation_activations', 'delegation_notices']) {
      await enableTenantRls(db, dialect, { table, partnerColumns: ['partner_id'] });
    }
  },
};
