/**
 * Access templates and approval policies (modules/accessrequests), like AWS's partner temporary
 * delegation, Azure Lighthouse offers and Google's Privileged Access Manager entitlements:
 *  - access_templates: what a partner may ask for, defined by the operator (partner_id null: every
 *    partner may use it) or by a partner for its own offer: a delegation role, extra permissions,
 *    the longest duration; archived rather than deleted, so requests keep naming them.
 *  - access_requests: a partner asks a tenant for a template's access on some billing accounts for
 *    some days with a justification; pending until answered as a whole, or expired. The template's
 *    role, permissions and name are copied in, so an edit of the template changes no request.
 *    Approval creates the delegation (delegation_id) through the delegations module.
 *  - access_request_approvals: who approved so far (a two-approver policy waits for the second).
 *  - access_approval_policies: the tenant's rule: how many approvers, which roles count as high
 *    risk (two approvers), how long a request waits and when approvers are reminded.
 * The three tenant tables are behind the wall; a partner sees the requests that name it.
 */
import { sql } from 'kysely';
import { enableTenantRls } from '../rls.ts';
import type { PartnergateMigration } from '../migration-helpers.ts';

export const migration: PartnergateMigration = {
  phase: 'expand',
  async up({ db, dialect }) {
    await db.schema
      .createTable('access_templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      // null: the operator's, offered to every partner
      .addColumn('partner_id', 'text', (c) => c.references('partners.id'))
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('description', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull().references('roles.id'))
      // JSON array of permission grants on top of the role
      .addColumn('grants', 'text', (c) => c.notNull())
      .addColumn('max_days', 'integer', (c) => c.notNull())
      .addColumn('default_days', 'integer', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('active','archived')`))
      .addColumn('created_by', 'text')
      .addColumn('created_at', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('access_templates_partner_idx').on('access_templates').columns(['partner_id', 'status']).execute();

    await db.schema
      .createTable('access_requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('partner_id', 'text', (c) => c.notNull().references('partners.id'))
      .addColumn('template_id', 'text', (c) => c.notNull().references('access_templates.id'))
      .addColumn('template_name', 'text', (c) => c.notNull())
      .addColumn('role', 'text', (c) => c.notNull())
      .addColumn('grants', 'text', (c) => c.notNull())
      // JSON array of billing account ids, or null for all of the tenant's
      .addColumn('ban_ids', 'text')
      // their account numbers as the partner named them (the partner cannot read the tenant's accounts)
      .addColumn('ban_numbers', 'text')
      .addColumn('duration_days', 'integer', (c) => c.notNull())
      .addColumn('justification', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('pending','approved','rejected','expired','withdrawn')`))
      .addColumn('approvals_required', 'integer', (c) => c.notNull())
      .addColumn('requested_by', 'text', (c) => c.notNull())
      .addColumn('requested_at', 'text', (c) => c.notNull())
      .addColumn('expires_at', 'text', (c) => c.notNull())
      .addColumn('remind_at', 'text')
      .addColumn('reminded_at', 'text')
      .addColumn('decided_by', 'text')
      .addColumn('decided_at', 'text')
      .addColumn('decision_reason', 'text')
      .addColumn('delegation_id', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await db.schema.createIndex('access_requests_tenant_idx').on('access_requests').columns(['tenant_id', 'status', 'requested_at']).execute();
    await db.schema.createIndex('access_requests_partner_idx').on('access_requests').columns(['partner_id', 'requested_at']).execute();
    await db.schema.createIndex('access_requests_due_idx').on('access_requests').columns(['status', 'expires_at']).execute();
    await enableTenantRls(db, dialect, { table: 'access_requests', partnerColumns: ['partner_id'] });

    await db.schema
      .createTable('access_request_approvals')
      .addColumn('request_id', 'text', (c) => c.notNull().references('access_requests.id'))
      .addColumn('tenant_id', 'text', (c) => c.notNull().references('tenants.id'))
      .addColumn('user_id', 'text', (c) => c.notNull())
      .addColumn('approved_at', 'text', (c) => c.notNull())
      .addPrimaryKeyConstraint('access_request_approvals_pkey', ['request_id', 'user_id'])
      .execute();
    await enableTenantRls(db, dialect, { table: 'access_request_approvals' });

    await db.schema
      .createTable('access_approval_policies')
      .addColumn('tenant_id', 'text', (c) => c.primaryKey().references('tenants.id'))
      .addColumn('approvals_required', 'integer', (c) => c.notNull())
      // JSON array of delegation roles whose requests need two approvers
      .addColumn('high_risk_roles', 'text', (c) => c.notNull())
      .addColumn('expiry_days', 'integer', (c) => c.notNull())
      .addColumn('reminder_days', 'integer', (c) => c.notNull())
      .addColumn('updated_by', 'text')
      .addColumn('updated_at', 'text', (c) => c.notNull())
      .execute();
    await enableTenantRls(db, dialect, { table: 'access_approval_policies' });
  },
};
