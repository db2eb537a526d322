/**
 * Delegations — the only thing that lets a partner touch tenant data — and the delegation
 * role catalog (MSP_FULL, MSP_BILLING, …). One table for the three origins: link (MSP / enterprise HQ),
 * consent (OAuth consent screen) and wholesale (resold end-customer tenants).
 */
import { sql } from 'kysely';
import type { PartnergateMigration } from '../migration-helpers.ts';

const READ_ALL = [
  'billing.accounts.read',
  'billing.invoices.read',
  'billing.summary.read',
  'orders.read',
  'services.read',
  'support.tickets.read',
  'reports.usage.read',
  'reports.sla.read',
  'alerts.sla.read',
  'alerts.billing.read',
  'vouchers.read',
];
const RESOURCE_ALL = ['billing.*', 'orders.*', 'services.*', 'support.*', 'reports.*', 'alerts.*', 'vouchers.*'];

const DELEGATION_ROLES: [string, string, string, string[]][] = [
  ['MSP_FULL', 'MSP — full', 'Full access to every operation on the customer resources.', RESOURCE_ALL],
  ['MSP_BILLING', 'MSP — billing', 'Billing and revenue only.', ['billing.*', 'reports.usage.read', 'alerts.billing.read']],
  ['MSP_SUPPORT', 'MSP — support', 'Support and ticketing only.', ['support.*', 'services.read', 'reports.sla.read', 'alerts.sla.read']],
  ['MSP_PROVISIONING', 'MSP — provisioning', 'Orders, services and vouchers.', ['orders.*', 'services.*', 'vouchers.*', 'billing.accounts.read']],
  [
    'ENTERPRISE_HQ',
    'Enterprise HQ',
    'Subsidiary oversight: consolidated reporting, billing visibility, shared support.',
    ['billing.accounts.read', 'billing.invoices.read', 'billing.invoices.export', 'billing.summary.read', 'reports.*', 'alerts.*', 'support.*', 'orders.read', 'services.read'],
  ],
  ['AUDITOR', 'Auditor', 'Read-only access everywhere, for compliance and financial audits.', READ_ALL],
  ['DELEGATE', 'Delegate', 'No grants of its own: exactly the permissions in the delegation overrides.', []],
  ['WHOLESALE', 'Wholesaler', 'A wholesaler acting for an end customer it resells; billed to the wholesaler.', RESOURCE_ALL],
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db }) {
    await db.schema
      .createTable('delegations')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('origin', 'text', (c) => c.notNull().check(sql`origin in ('link','consent','wholesale')`))
      .addColumn('role', 'text', (c) => c.notNull().references('roles.id'))
      // JSON array of granted OAuth scopes (consent) or null
      .addColumn('scopes', 'text')
      // JSON array of billing account ids covered, or null for all of the tenant's accounts
      .addColumn('ban_ids', 'text')
      // JSON {"grant": [...], "deny": [...]}
      .addColumn('overrides', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('requested','active','expired','revoked','rejected')`))
      .addColumn('justification', 'text')
      .addColumn('starts_at', 'text', (c) => c.notNull())
      .addColumn('ends_at', 'text', (c) => c.notNull())
      // the OAuth client of a consent delegation
      .addColumn('client_id', 'text')
      // the BAN billed for what is ordered through this delegation (wholesale: the wholesaler's own)
      .addColumn('bill_to_ban_id', 'text')
      .addColumn('requested_by', 'text')
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('revoked_by', 'text')
      .addColumn('revoked_at', 'text')
      .addColumn('revoke_reason', 'text')
      // a renewal the partner asked for: the new end date, pending the tenant's approval
      .addColumn('renewal_ends_at', 'text')
      .addColumn('last_used_at', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('delegations_partner_idx').on('delegations').columns(['partner_id', 'status']).execute();
    await db.schema.createIndex('delegations_tenant_idx').on('delegations').columns(['tenant_id', 'status']).execute();
    // The expiry sweep reads active delegations by end date.
    await db.schema.createIndex('delegations_status_ends_idx').on('delegations').columns(['status', 'ends_at']).execute();
    // At most one open (requested or active) link per partner and tenant. The name follows the
    // <table>_<cols>_key convention so SQLite's "UNIQUE constraint failed: delegations.partner_id,
    // delegations.tenant_id" and PostgreSQL's constraint name map to the same 409 code.
    await db.schema
      .createIndex('delegations_partner_id_tenant_id_key')
      .on('delegations')
      .columns(['partner_id', 'tenant_id'])
      .unique()
      .where(sql.ref('origin'), '=', 'link')
      .where(sql.ref('status'), 'in', ['requested', 'active'])
      .execute();

    // The code a tenant gives out so a partner can find it without knowing its slug.
    await db.schema.alterTable('tenants').addColumn('invite_code', 'text').execute();
    await db.schema.createIndex('tenants_invite_code_key').on('tenants').column('invite_code').unique().execute();

    await db
      .insertInto('permissions')
      .values([
        { name: 'platform.authz.check', description: 'Ask the decision engine about any principal (POST /api/v1/authz/check and /explain)' },
      ])
      .execute();
    await db
      .insertInto('roles')
      .values({
        id: 'RESOURCE_SERVICE',
        catalog: 'platform',
        name: 'Resource service',
        description: 'A service account of a resource API: asks the decision engine whether a request is allowed, nothing else.',
        grants: JSON.stringify(['platform.authz.check']),
      })
      .execute();
    await db
      .insertInto('roles')
      .values(DELEGATION_ROLES.map(([id, name, description, grants]) => ({ id, catalog: 'delegation', name, description, grants: JSON.stringify(grants) })))
      .execute();
  },
};
