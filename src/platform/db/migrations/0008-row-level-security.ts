/**
 * The second wall: row-level security on every tenant-scoped table (PostgreSQL only;
 * SQLite is the embedded single-user mode). See platform/db/rls.ts for the policies and
 * db-context.ts for the context they key on. Grants to the application role are not a migration
 * step: `migrate` re-applies them every time it runs (db-roles.ts), so a role configured after
 * this migration ran, or a table added by a later one, is covered too.
 */
import { enableTenantRls, type TenantTableRls } from '../rls.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';

/** Customer data: the tenant's, and the partner's for the tenants it may act on. */
const managed = (table: string): TenantTableRls => ({ table, managed: true });

export const TENANT_TABLES_0008: readonly TenantTableRls[] = [
  // append-only: readable by the tenant, by the partner it is about or that acted, and the operator
  { table: 'audit_events', appendOnly: true, partnerColumns: ['partner_id', 'actor_partner_id'] },
  managed('billing_accounts'),
  // a partner sees its own delegations (requested, expired… too), never another partner's
  { table: 'delegations', partnerColumns: ['partner_id'] },
  managed('invoices'),
  managed('orders'),
  // agencies and their tokens belong to the tenant alone
  { table: 'partner_agencies' },
  { table: 'partner_tokens' },
  managed('provisioned_services'),
  managed('sla_records'),
  managed('support_tickets'),
  // a user reads its own memberships (sign-in, /me, the consent screen)
  { table: 'tenant_members', userReadColumn: 'user_id' },
  managed('usage_records'),
  managed('vouchers'),
];

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    for (const spec of TENANT_TABLES_0008) await enableTenantRls(db, dialect, spec);
  },
};
