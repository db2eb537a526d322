import { defineErrors } from '../../platform/errors/app-error.ts';
import { registerUniqueConstraint } from '../../platform/errors/db-errors.ts';

export const tenantErrors = defineErrors('tenants', {
  tenant_not_found: { status: 404, title: 'Tenant not found' },
  tenant_slug_taken: { status: 409, title: 'The tenant slug is taken' },
  tenant_member_not_found: { status: 404, title: 'Tenant member not found' },
  already_tenant_member: { status: 409, title: 'The user is already a member of this tenant' },
  last_tenant_admin: { status: 409, title: 'A tenant must keep at least one admin' },
  billing_account_not_found: { status: 404, title: 'Billing account not found' },
  account_number_taken: { status: 409, title: 'The billing account number is taken' },
  tenant_status_forbidden: { status: 403, title: 'Only the operator changes a tenant status' },
  plan_member_limit_reached: { status: 409, title: "The customer's plan allows no more people" },
});

registerUniqueConstraint('tenants_slug_key', 'tenant_slug_taken', 'Another tenant already uses this slug.');
registerUniqueConstraint('billing_accounts_account_number_key', 'account_number_taken', 'Another billing account already has this number.');
registerUniqueConstraint('tenant_members_pkey', 'already_tenant_member', 'The user is already a member of this tenant.');
